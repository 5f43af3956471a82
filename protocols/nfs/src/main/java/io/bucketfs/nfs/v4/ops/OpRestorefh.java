package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.27 RESTOREFH: the saved file (and stateid) becomes current again. */
public final class OpRestorefh {

    private OpRestorefh() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.RESTOREFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.restore();
            return new StatusRes(OpCode.RESTOREFH, NfsStat4.NFS4_OK);
        }
    }
}
