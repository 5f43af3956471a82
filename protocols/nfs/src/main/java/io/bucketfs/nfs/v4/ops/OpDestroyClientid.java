package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.50 DESTROY_CLIENTID: a client without sessions goes with its state (CLIENTID_BUSY otherwise). */
public final class OpDestroyClientid {

    private OpDestroyClientid() {
    }

    public record Args(long clientId) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.DESTROY_CLIENTID;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeLong(clientId);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ClientRecord c = ctx.state().client(clientId);
            boolean onlyOwnSession = ctx.session() != null && c.sessionList().size() == 1
                    && c.sessionList().get(0) == ctx.session();
            if (!c.sessionList().isEmpty() && !onlyOwnSession) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_CLIENTID_BUSY, c + " still has sessions");
            }
            ctx.state().destroy(c);
            return new StatusRes(OpCode.DESTROY_CLIENTID, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.u64(in));
    }
}
