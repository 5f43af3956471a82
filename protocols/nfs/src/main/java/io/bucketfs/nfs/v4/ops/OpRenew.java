package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 7530 16.29 RENEW (NFSv4.0): renews a client's lease. */
public final class OpRenew {

    private OpRenew() {
    }

    public record Args(long clientId) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.RENEW;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(clientId);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ctx.state().client(clientId);
            return new StatusRes(OpCode.RENEW, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in));
    }
}
