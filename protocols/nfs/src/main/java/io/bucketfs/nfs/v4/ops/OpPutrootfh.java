package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.21 PUTROOTFH: the pseudo root becomes the current file. */
public final class OpPutrootfh {

    private OpPutrootfh() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.PUTROOTFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) {
            ctx.setCurrent(Node.PSEUDO_ROOT);
            return new StatusRes(OpCode.PUTROOTFH, NfsStat4.NFS4_OK);
        }
    }
}
