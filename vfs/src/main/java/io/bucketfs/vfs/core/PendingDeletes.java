package io.bucketfs.vfs.core;

import static io.bucketfs.vfs.core.Permissions.W;
import static io.bucketfs.vfs.core.Permissions.X;

import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockStatus;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delete-pending files of one mount, for every protocol ([MS-FSA] 2.1.5.4, 2.1.5.14.3). The mark itself is in
 * the mount's {@link LockManager}, beside the opens it depends on; this class adds what needs the namespace:
 * the delete permission when the mark is set, the refusal of new entries in a delete-pending directory and of
 * opening an existing delete-pending file through {@link Vfs#create}, and the removal of the file when the lock
 * manager reports its last close. The mark is volatile (it dies with the opens at a restart); the removal is an
 * ordinary journaled remove, so a crash leaves the file either there or gone, never half-deleted.
 */
final class PendingDeletes {

    private static final Logger LOG = LoggerFactory.getLogger(PendingDeletes.class);

    private final Namespace ns;
    private final LockManager locks;
    private final Vfs vfs;

    PendingDeletes(Namespace ns, LockManager locks, Vfs vfs) {
        this.ns = ns;
        this.locks = locks;
        this.vfs = vfs;
        locks.onDeletePendingClosed(this::lastClosed);
    }

    /** See {@link Vfs#setDeletePending}. */
    void set(Caller caller, FileHandle file, long shareId, boolean pending) throws VfsException {
        Inode i;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            i = ns.resolve(file);
            if (pending) {
                Inode parent = ns.get(i.parentId);
                if (i == ns.root() || parent == null) {
                    throw new VfsException(VfsStatus.ACCESS_DENIED, "the root cannot be deleted");
                }
                Permissions.require(caller, parent, W | X, "remove from '" + parent.name + "'");
                Permissions.requireStickyOk(caller, parent, i);
            }
        } finally {
            l.unlock();
        }
        if (locks.setDeletePending(i.id, shareId, pending) != LockStatus.OK) {
            throw new VfsException(VfsStatus.INVALID, "no open " + shareId + " of '" + i.name + "'");
        }
    }

    /** DELETE_PENDING when {@code dir} is delete-pending: nothing new is made in it. */
    void refuseNewIn(Inode dir) throws VfsException {
        if (locks.isDeletePending(dir.id)) {
            throw new VfsException(VfsStatus.DELETE_PENDING, "directory '" + dir.name + "' is delete-pending");
        }
    }

    /** DELETE_PENDING when {@code i} is delete-pending: it is not opened again. */
    void refuseOpen(Inode i) throws VfsException {
        if (locks.isDeletePending(i.id)) {
            throw new VfsException(VfsStatus.DELETE_PENDING, "'" + i.name + "' is delete-pending");
        }
    }

    /**
     * The last open of a delete-pending file closed: it goes, under whatever name it has now. Permission was
     * checked when the mark was set, so the removal is the gateway's own; one that fails (the file went
     * meanwhile, a directory that is not empty) leaves things as they are.
     */
    private void lastClosed(long fileId) {
        FileHandle dir;
        String name;
        boolean isDir;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode i = ns.get(fileId);
            Inode parent = i == null ? null : ns.get(i.parentId);
            if (parent == null || i == parent || !Long.valueOf(fileId).equals(parent.children.get(i.name))) {
                return;
            }
            dir = ns.handle(parent);
            name = i.name;
            isDir = i.isDir();
        } finally {
            l.unlock();
        }
        try {
            if (isDir) {
                vfs.rmdir(Caller.ROOT, dir, name);
            } else {
                vfs.remove(Caller.ROOT, dir, name);
            }
            LOG.debug("delete-pending '{}' removed at its last close", name);
        } catch (VfsException e) {
            if (e.isClientError()) {
                LOG.debug("delete-pending '{}' not removed at its last close: {}", name, e.getMessage());
            } else {
                LOG.warn("delete-pending '{}' not removed at its last close", name, e);
            }
        }
    }
}
