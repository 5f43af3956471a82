package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.51 RECLAIM_COMPLETE: the client has reclaimed what it will; a second one is COMPLETE_ALREADY. */
public final class OpReclaimComplete {

    private OpReclaimComplete() {
    }

    public record Args(boolean oneFs) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.RECLAIM_COMPLETE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeBoolean(oneFs);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            ClientRecord c = ctx.sessionClient();
            if (oneFs) {
                return new StatusRes(OpCode.RECLAIM_COMPLETE, NfsStat4.NFS4_OK);
            }
            if (c.reclaimComplete()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_COMPLETE_ALREADY, c + " completed its reclaims before");
            }
            c.completeReclaim();
            return new StatusRes(OpCode.RECLAIM_COMPLETE, NfsStat4.NFS4_OK);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(XdrUtil.bool(in));
    }
}
