package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.20 PUTPUBFH: the public file handle is the pseudo root here. */
public final class OpPutpubfh {

    private OpPutpubfh() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.PUTPUBFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) {
            ctx.setCurrent(Node.PSEUDO_ROOT);
            return new StatusRes(OpCode.PUTPUBFH, NfsStat4.NFS4_OK);
        }
    }
}
