package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 7530 16.18 OPEN_CONFIRM (NFSv4.0). This server never asks for confirmation (no OPEN4_RESULT_CONFIRM), but a
 * client that confirms anyway gets the open's next stateid.
 */
public final class OpOpenConfirm {

    private OpOpenConfirm() {
    }

    public record Args(Stateid4 stateid, int seqid) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.OPEN_CONFIRM;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeInt(seqid);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            NfsState s = ctx.state().resolve(stateid, ctx.minorVersion());
            if (!(s instanceof OpenState)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "not an open stateid");
            }
            return new StateidRes(OpCode.OPEN_CONFIRM, NfsStat4.NFS4_OK, s.bump());
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in), XdrUtil.u32(in));
    }
}
