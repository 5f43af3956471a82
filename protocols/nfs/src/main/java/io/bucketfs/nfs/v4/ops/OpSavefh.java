package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.28 SAVEFH: the current file (and stateid) is saved. */
public final class OpSavefh {

    private OpSavefh() {
    }

    public record Args() implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SAVEFH;
        }

        @Override
        public void encode(XdrEncodingStream out) {
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.save();
            return new StatusRes(OpCode.SAVEFH, NfsStat4.NFS4_OK);
        }
    }
}
