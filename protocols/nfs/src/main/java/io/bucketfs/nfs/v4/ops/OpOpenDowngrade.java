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

/** RFC 8881 18.18 OPEN_DOWNGRADE: an open drops share access or deny bits. */
public final class OpOpenDowngrade {

    private OpOpenDowngrade() {
    }

    public record Args(Stateid4 stateid, int seqid, int shareAccess, int shareDeny) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.OPEN_DOWNGRADE;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            stateid.encode(out);
            out.xdrEncodeInt(seqid);
            out.xdrEncodeInt(shareAccess);
            out.xdrEncodeInt(shareDeny);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            NfsState s = ctx.state().resolve(ctx.actual(stateid), ctx.minorVersion());
            if (!(s instanceof OpenState o)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "OPEN_DOWNGRADE of a lock stateid");
            }
            Stateid4 sid = OpenShares.downgrade(o, shareAccess & OpOpen.SHARE_ACCESS_BOTH, shareDeny);
            ctx.setCurrentStateid(sid);
            return new StateidRes(OpCode.OPEN_DOWNGRADE, NfsStat4.NFS4_OK, sid);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(Stateid4.decode(in), XdrUtil.u32(in), XdrUtil.u32(in), XdrUtil.u32(in));
    }
}
