package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 7530 16.34 SETCLIENTID_CONFIRM (NFSv4.0): confirms a client with the verifier SETCLIENTID gave it. */
public final class OpSetclientidConfirm {

    private OpSetclientidConfirm() {
    }

    public record Args(long clientId, long confirm) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.SETCLIENTID_CONFIRM;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(clientId);
            out.xdrEncodeLong(confirm);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ClientRecord c = ctx.state().client(clientId);
            if (c.confirmVerifier() != confirm) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_STALE_CLIENTID, "wrong confirm verifier for " + c);
            }
            ctx.state().confirm(c);
            return new StatusRes(OpCode.SETCLIENTID_CONFIRM, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in), XdrUtil.u64(in));
    }
}
