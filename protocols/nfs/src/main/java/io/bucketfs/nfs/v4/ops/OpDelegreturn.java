package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.6 DELEGRETURN: this server grants no delegations, so any stateid returned is not a delegation's:
 * STALE_STATEID for an earlier run's, else BAD_STATEID.
 */
public final class OpDelegreturn {

    private OpDelegreturn() {
    }

    public record Args(Stateid4 stateid) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.DELEGRETURN;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.current();
            if (!stateid.isSpecial()) {
                ctx.state().resolve(stateid.withSeqid(0), 1);
            }
            throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, stateid + " is not a delegation");
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in));
    }
}
