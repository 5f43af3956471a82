package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.lock.LockFlavor;
import io.bucketfs.vfs.lock.LockResult;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.12 LOCKU: the lock-owner's locks lose the range (POSIX: splitting as needed). */
public final class OpLocku {

    private OpLocku() {
    }

    public record Args(int lockType, int seqid, Stateid4 stateid, long offset, long length) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LOCKU;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(lockType);
            out.xdrEncodeInt(seqid);
            stateid.encode(out);
            out.xdrEncodeLong(offset);
            out.xdrEncodeLong(length);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            NfsState s = ctx.state().resolve(ctx.actual(stateid), ctx.minorVersion());
            if (!(s instanceof LockState ls)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "LOCKU with an open stateid");
            }
            LockResult r = ls.vfs().locks().unlock(ls.file().fileId(), ls.vfsOwner(), LockFlavor.POSIX, offset,
                    length);
            if (!r.isSuccess()) {
                throw new Nfs4Exception(Nfs4Errors.toNfs(r.status()), "locku: " + r.status());
            }
            Stateid4 sid = ls.bump();
            ctx.setCurrentStateid(sid);
            return new StateidRes(OpCode.LOCKU, NfsStat4.NFS4_OK, sid);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(LockDenied.checkType(XdrUtil.u32(in)), XdrUtil.u32(in), Stateid4.decode(in),
                XdrUtil.u64(in), XdrUtil.u64(in));
    }
}
