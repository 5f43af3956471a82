package io.bucketfs.nfs.v4.ops;

import io.bucketfs.nfs.v4.CompoundContext;
import io.bucketfs.nfs.v4.Nfs4Errors;
import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.nfs.v4.Node;
import io.bucketfs.nfs.v4.NfsStat4;
import io.bucketfs.nfs.v4.state.ClientRecord;
import io.bucketfs.nfs.v4.state.OpenState;
import io.bucketfs.nfs.v4.state.StateManager;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockStatus;
import io.bucketfs.vfs.lock.ShareAccess;
import io.bucketfs.vfs.lock.ShareResult;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * OPEN's share reservations in the VFS lock manager (RFC 8881 9.7): NFS share_access/share_deny bits become
 * {@link ShareAccess} READ/WRITE sets. A second OPEN of the same file by the same open-owner upgrades the one open
 * (RFC 8881 9.11): its reservation is replaced, in one step of the lock manager, by one with the union of the bits,
 * and its stateid's seqid counts up. Like any new open it is refused while the file is delete-pending.
 */
final class OpenShares {

    /** How long an open waits for SMB leases to break before the client is told to retry. */
    private static final long BREAK_WAIT_SECONDS = LockManager.DEFAULT_BREAK_TIMEOUT_MILLIS / 1000 + 5;

    private OpenShares() {
    }

    static Set<ShareAccess> bits(int nfsBits) {
        Set<ShareAccess> s = EnumSet.noneOf(ShareAccess.class);
        if ((nfsBits & OpOpen.SHARE_ACCESS_READ) != 0) {
            s.add(ShareAccess.READ);
        }
        if ((nfsBits & OpOpen.SHARE_ACCESS_WRITE) != 0) {
            s.add(ShareAccess.WRITE);
        }
        return s;
    }

    static Stateid4 open(CompoundContext ctx, ClientRecord c, Node file, byte[] owner, int access, int deny)
            throws Nfs4Exception {
        StateManager sm = ctx.state();
        LockManager lm = file.vfs().locks();
        long fileId = file.handle().fileId();
        synchronized (c) {
            OpenState o = sm.findOpen(c, file.export().id(), file.handle(), owner);
            if (o == null) {
                Set<ShareAccess> a = bits(access);
                Set<ShareAccess> d = bits(deny);
                long id = reserve(lm, fileId, StateManager.openLockOwner(c, owner), a, d);
                return sm.addOpen(c, file.export().id(), file.handle(), file.vfs(), owner, a, d, id).stateid();
            }
            Set<ShareAccess> a = union(o.access(), bits(access));
            Set<ShareAccess> d = union(o.deny(), bits(deny));
            if (!a.equals(o.access()) || !d.equals(o.deny())) {
                // one step: refused (a conflict, a delete-pending file), the open keeps what it had
                o.reserved(granted(lm.upgrade(fileId, o.shareId(), o.vfsOwner(), a, d)), a, d);
            } else if (lm.isDeletePending(fileId)) {
                throw new Nfs4Exception(Nfs4Errors.toNfs(LockStatus.DELETE_PENDING), "the file is delete-pending");
            }
            return o.bump();
        }
    }

    /** OPEN_DOWNGRADE: the open keeps only the given bits, which must be subsets of what it has. */
    static Stateid4 downgrade(OpenState o, int access, int deny) throws Nfs4Exception {
        synchronized (o.client()) {
            Set<ShareAccess> a = bits(access);
            Set<ShareAccess> d = bits(deny);
            if (a.isEmpty() || !o.access().containsAll(a) || !o.deny().containsAll(d)) {
                throw new Nfs4Exception(NfsStat4.NFS4ERR_INVAL, "downgrade to bits the open does not have");
            }
            ShareResult r = o.vfs().locks().downgrade(o.file().fileId(), o.shareId(), a, d);
            if (!r.status().equals(io.bucketfs.vfs.lock.LockStatus.GRANTED)) {
                throw new Nfs4Exception(Nfs4Errors.toNfs(r.status()), "downgrade: " + r.status());
            }
            o.reserved(o.shareId(), a, d);
            return o.bump();
        }
    }

    private static long reserve(LockManager lm, long fileId, LockOwner owner, Set<ShareAccess> a,
            Set<ShareAccess> d) throws Nfs4Exception {
        return granted(lm.openShare(fileId, owner, a, d));
    }

    /** The id of the reservation an open or upgrade was granted, waiting (bounded) for lease breaks. */
    private static long granted(java.util.concurrent.CompletableFuture<ShareResult> open) throws Nfs4Exception {
        ShareResult r;
        try {
            r = open.get(BREAK_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_DELAY, "lease break did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Nfs4Exception(NfsStat4.NFS4ERR_DELAY, "interrupted");
        } catch (ExecutionException e) {
            throw new Nfs4Exception(NfsStat4.NFS4ERR_SERVERFAULT, "share reservation failed", e.getCause());
        }
        if (r.reservation().isEmpty()) {
            throw new Nfs4Exception(Nfs4Errors.toNfs(r.status()), "share reservation: " + r.status());
        }
        return r.reservation().get().id();
    }

    private static Set<ShareAccess> union(Set<ShareAccess> x, Set<ShareAccess> y) {
        Set<ShareAccess> s = EnumSet.noneOf(ShareAccess.class);
        s.addAll(x);
        s.addAll(y);
        return s;
    }
}
