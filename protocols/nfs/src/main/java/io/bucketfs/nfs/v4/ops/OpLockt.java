package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.lock.LockFlavor;
import io.bucketfs.vfs.lock.LockResult;
import io.bucketfs.vfs.lock.LockStatus;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/** RFC 8881 18.11 LOCKT: whether a lock would be granted, without taking it; the conflict if not. */
public final class OpLockt {

    private OpLockt() {
    }

    public record Args(int lockType, long offset, long length, long clientId, byte[] owner) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LOCKT;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(lockType);
            out.xdrEncodeLong(offset);
            out.xdrEncodeLong(length);
            out.xdrEncodeLong(clientId);
            XdrUtil.opaque(out, owner);
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node file = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            ClientRecord c = ctx.client(clientId);
            if (ctx.state().inGrace()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_GRACE, "in the grace period");
            }
            LockResult r = file.vfs().locks().test(file.handle().fileId(), StateManager.lockLockOwner(c, owner),
                    LockFlavor.POSIX, LockDenied.type(lockType), offset, length);
            if (r.status() == LockStatus.DENIED) {
                return new LockRes(OpCode.LOCKT, NfsStat4.NFS4ERR_DENIED, null, LockDenied.of(r.conflict().get()));
            }
            if (!r.isSuccess()) {
                throw new Nfs4Exception(Nfs4Errors.toNfs(r.status()), "lockt: " + r.status());
            }
            return new LockRes(OpCode.LOCKT, NfsStat4.NFS4_OK, null, null);
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        return new Args(LockDenied.checkType(XdrUtil.u32(in)), XdrUtil.u64(in), XdrUtil.u64(in), XdrUtil.u64(in),
                XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "lock_owner4"));
    }
}
