package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.LockState;
import io.bucketfs.nfs.v4.state.NfsState;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.nfs.v4.xdr.XdrUtil;
import io.bucketfs.vfs.lock.LockFlavor;
import io.bucketfs.vfs.lock.LockResult;
import io.bucketfs.vfs.lock.LockStatus;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 18.10 LOCK: a POSIX byte-range lock in the VFS lock manager, owned by the lock-owner, so that SMB
 * locks conflict with it. A new lock-owner comes with its open's stateid ({@code open_to_lock_owner4}); a known
 * one with its lock stateid. The blocking types (READW/WRITEW) are answered like the others: no callback ever
 * tells a client a lock became free, so it polls.
 */
public final class OpLock {

    private OpLock() {
    }

    /**
     * @param newOwner whether {@code stateid} is an open stateid with a new {@code lockOwner}, else a lock stateid
     * @param lockOwner the new lock-owner (newOwner only)
     */
    public record Args(int lockType, boolean reclaim, long offset, long length, boolean newOwner, int openSeqid,
            Stateid4 stateid, int lockSeqid, long clientId, byte[] lockOwner) implements OpArgs {
        @Override
        public int opcode() {
            return OpCode.LOCK;
        }

        @Override
        public void encode(XdrEncodingStream out) {
            out.xdrEncodeInt(lockType);
            out.xdrEncodeBoolean(reclaim);
            out.xdrEncodeLong(offset);
            out.xdrEncodeLong(length);
            out.xdrEncodeBoolean(newOwner);
            if (newOwner) {
                out.xdrEncodeInt(openSeqid);
                stateid.encode(out);
                out.xdrEncodeInt(lockSeqid);
                out.xdrEncodeLong(clientId);
                XdrUtil.opaque(out, lockOwner);
            } else {
                stateid.encode(out);
                out.xdrEncodeInt(lockSeqid);
            }
        }

        @Override
        public OpRes execute(CompoundContext ctx) throws Nfs4Exception {
            Node file = ctx.currentInExport(NfsStat4.NFS4ERR_ISDIR);
            boolean grace = ctx.state().inGrace();
            if (reclaim != grace) {
                throw new Nfs4Exception(reclaim ? NfsStat4.NFS4ERR_NO_GRACE : NfsStat4.NFS4ERR_GRACE,
                        reclaim ? "reclaim after the grace period" : "in the grace period");
            }
            NfsState s = ctx.state().resolve(ctx.actual(stateid), ctx.minorVersion());
            LockState ls;
            boolean fresh = false;
            if (newOwner) {
                if (!(s instanceof OpenState open)) {
                    throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "open_to_lock_owner4 without an open");
                }
                synchronized (open.client()) {
                    fresh = ctx.state().locksOf(open.client(), lockOwner).stream().noneMatch(l -> l.open() == open);
                    ls = ctx.state().lockState(open, lockOwner);
                }
            } else if (s instanceof LockState l) {
                ls = l;
            } else {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "exist_lock_owner4 with an open stateid");
            }
            if (ls.file().fileId() != file.handle().fileId() || ls.exportId() != file.export().id()) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_BAD_STATEID, "stateid of another file");
            }
            LockResult r = await(ls.vfs().locks().lock(ls.file().fileId(), ls.vfsOwner(), LockFlavor.POSIX,
                    LockDenied.type(lockType), offset, length, false));
            if (r.status() == LockStatus.DENIED) {
                return new LockRes(OpCode.LOCK, NfsStat4.NFS4ERR_DENIED, null, LockDenied.of(r.conflict().get()));
            }
            if (!r.isSuccess()) {
                throw new Nfs4Exception(Nfs4Errors.toNfs(r.status()), "lock: " + r.status());
            }
            Stateid4 sid = fresh ? ls.stateid() : ls.bump();
            ctx.setCurrentStateid(sid);
            return new LockRes(OpCode.LOCK, NfsStat4.NFS4_OK, sid, null);
        }
    }

    static LockResult await(java.util.concurrent.CompletableFuture<LockResult> f) throws Nfs4Exception {
        try {
            return f.get(io.bucketfs.vfs.lock.LockManager.DEFAULT_BREAK_TIMEOUT_MILLIS + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new Nfs4Exception(NfsStat4.NFS4ERR_DELAY, "lease break did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Nfs4Exception(NfsStat4.NFS4ERR_DELAY, "interrupted");
        } catch (ExecutionException e) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_SERVERFAULT, "lock failed", e.getCause());
        }
    }

    public static Args decode(XdrDecodingStream in) throws OncRpcException {
        int type = LockDenied.checkType(XdrUtil.u32(in));
        boolean reclaim = XdrUtil.bool(in);
        long offset = XdrUtil.u64(in);
        long length = XdrUtil.u64(in);
        boolean fresh = XdrUtil.bool(in);
        if (fresh) {
            int openSeqid = XdrUtil.u32(in);
            Stateid4 sid = Stateid4.decode(in);
            int lockSeqid = XdrUtil.u32(in);
            long client = XdrUtil.u64(in);
            byte[] owner = XdrUtil.opaque(in, XdrUtil.OPAQUE_LIMIT, "lock_owner4");
            return new Args(type, reclaim, offset, length, true, openSeqid, sid, lockSeqid, client, owner);
        }
        Stateid4 sid = Stateid4.decode(in);
        return new Args(type, reclaim, offset, length, false, 0, sid, XdrUtil.u32(in), 0, null);
    }
}
