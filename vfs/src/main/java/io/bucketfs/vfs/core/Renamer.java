package io.bucketfs.vfs.core;

import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * Rename: atomic in the namespace at once, applied to the bucket in the background. A clean file gets a MOVE
 * (copy + delete) and reads its old key until the mover is done; a file being written is retargeted so its
 * next upload goes to the new key; a directory gets one MOVE_PREFIX and every known descendant reads its old key
 * until its own key is moved. The caller made every descendant of a renamed directory known first.
 *
 * <p>Lock order: only the namespace write lock, so there is no order to get wrong; a directory is never moved
 * into its own subtree ({@link Namespace#isAncestorOrSelf}).
 */
final class Renamer {

    /** Makes (and registers) a pending key operation. */
    @FunctionalInterface
    interface KeyOps {
        NsRecord.KeyOp op(NsRecord.KeyOp.Kind kind, String source, String target, String ifMatch, long inode);
    }

    private final Namespace ns;
    private final MetaLog log;
    private final FileData data;
    private final Clock clock;
    private final KeyOps ops;
    private final ChangeReports changes;
    /** Staged files moved by this rename and their new keys: retargeted once the rename is durable. */
    private final List<Inode> retargeted = new ArrayList<>();
    private final List<String> newKeys = new ArrayList<>();

    Renamer(Namespace ns, MetaLog log, FileData data, Clock clock, KeyOps ops, ChangeReports changes) {
        this.ns = ns;
        this.changes = changes;
        this.log = log;
        this.data = data;
        this.clock = clock;
        this.ops = ops;
    }

    CompletableFuture<Long> rename(Caller caller, Inode from, String fromName, Inode src, Inode to, String toName,
                                   Inode dst) throws VfsException {
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            check(caller, from, fromName, src, to, toName, dst);
            List<NsRecord> recs = new ArrayList<>();
            if (dst != null) {
                replace(dst, recs);
            }
            String oldKey = ns.key(src);
            if (src.isDir()) {
                moveDirectory(src, to, toName, oldKey, recs);
            } else {
                moveFile(src, to, toName, recs);
            }
            Instant now = clock.instant();
            src.touchChange(now);
            from.mtime = now;
            from.touchChange(now);
            to.mtime = now;
            to.touchChange(now);
            recs.add(NsRecord.InodeState.of(src));
            recs.add(NsRecord.InodeState.of(from));
            if (to != from) {
                recs.add(NsRecord.InodeState.of(to));
                changes.removed(from, src, fromName);
                changes.added(to, src, toName);
            } else {
                changes.renamed(from, src, fromName, toName);
            }
            return log.append(recs);
        } finally {
            l.unlock();
        }
    }

    /**
     * After the rename's records are durable: the stager uploads the moved staged files to their new keys from
     * now on (before, a crash could lose the rename and leave their bytes under the new names).
     */
    void retargetStaged() throws VfsException {
        for (int k = 0; k < retargeted.size(); k++) {
            data.retarget(retargeted.get(k), newKeys.get(k));
        }
    }

    private void check(Caller caller, Inode from, String fromName, Inode src, Inode to, String toName, Inode dst)
            throws VfsException {
        if (ns.get(from.id) == null || ns.get(to.id) == null) {
            throw new VfsException(VfsStatus.STALE, "a directory of the rename is gone");
        }
        Long now = from.children.get(fromName);
        if (now == null || now != src.id) {
            throw new VfsException(VfsStatus.NOT_FOUND, "'" + fromName + "' went away");
        }
        Long target = to.children.get(toName);
        if ((target == null ? 0 : target) != (dst == null ? 0 : dst.id)) {
            throw new VfsException(VfsStatus.DELAY, "'" + toName + "' changed during the rename; try again");
        }
        if (!src.isDir() && data.isKeyBusy(ns.key(to) + toName)) {
            throw new VfsException(VfsStatus.DELAY, "'" + toName + "' is being written again; try again");
        }
        if (src.isDir() && ns.isAncestorOrSelf(src, to)) {
            throw new VfsException(VfsStatus.INVALID, "cannot move a directory into itself");
        }
        if (dst != null && dst.isDir() && !dst.children.isEmpty()) {
            throw new VfsException(VfsStatus.NOT_EMPTY, "'" + toName + "' is not empty");
        }
        Permissions.requireStickyOk(caller, from, src);
        if (dst != null) {
            Permissions.requireStickyOk(caller, to, dst);
        }
        if (src.isDir() && to != from && !Permissions.has(caller, src, Permissions.W)) {
            throw new VfsException(VfsStatus.ACCESS_DENIED, "moving a directory needs write on it ('..')");
        }
    }

    /** The target name's old inode goes; its object is overwritten by the move (or its marker deleted). */
    private void replace(Inode dst, List<NsRecord> recs) {
        data.discard(dst);
        if (dst.isDir()) {
            // its marker, whether known here or not (a directory learned from a listing may have one)
            recs.add(ops.op(NsRecord.KeyOp.Kind.DELETE, ns.key(dst), null, null, dst.id));
        } else {
            if (dst.dataKey != null) {
                recs.add(ops.op(NsRecord.KeyOp.Kind.DELETE, dst.dataKey, null, null, dst.id));
            }
            // its object at the name is not necessarily overwritten: the renamed file's bytes go where that file
            // is when they move (it may be renamed on before); kept if they already arrived (claimed)
            recs.add(ops.op(NsRecord.KeyOp.Kind.DELETE, ns.key(dst), null, null, dst.id));
        }
        ns.forget(dst);
        recs.add(new NsRecord.Forget(dst.id));
    }

    private void moveFile(Inode src, Inode to, String toName, List<NsRecord> recs) throws VfsException {
        String oldData = ns.dataKey(src);
        boolean inBucket = src.etag != null;
        boolean staged = data.isStaged(src); // at its old key
        if (staged) {
            data.pin(src);
        }
        ns.move(src, to, toName);
        String newKey = ns.key(src);
        if (staged) {
            retargeted.add(src);
            newKeys.add(newKey);
            // its bytes stay at the old key until an upload reaches the new one (then the move only deletes the
            // old key): even without an ETag yet an upload to the old key may have landed or be on its way, and a
            // crash before the retarget leaves them there for the move to carry over
            recs.add(ops.op(NsRecord.KeyOp.Kind.MOVE, oldData, newKey, src.etag, src.id));
            ns.setDataKey(src, oldData);
        } else if (inBucket) {
            recs.add(ops.op(NsRecord.KeyOp.Kind.MOVE, oldData, newKey, src.etag, src.id));
            ns.setDataKey(src, oldData);
        }
    }

    private void moveDirectory(Inode src, Inode to, String toName, String oldPrefix, List<NsRecord> recs)
            throws VfsException {
        // before the move: where each descendant's bytes are now
        List<Inode> files = new ArrayList<>();
        List<String> oldDataKeys = new ArrayList<>();
        collectFiles(src, files, oldDataKeys);
        List<Boolean> staged = new ArrayList<>();
        for (Inode f : files) {
            staged.add(data.isStaged(f)); // at its old key
            if (staged.get(staged.size() - 1)) {
                data.pin(f);
            }
        }
        ns.move(src, to, toName);
        String newPrefix = ns.key(src);
        recs.add(ops.op(NsRecord.KeyOp.Kind.MOVE_PREFIX, oldPrefix, newPrefix, null, src.id));
        for (int k = 0; k < files.size(); k++) {
            Inode f = files.get(k);
            if (staged.get(k)) {
                retargeted.add(f);
                newKeys.add(ns.key(f));
                ns.setDataKey(f, oldDataKeys.get(k)); // as in moveFile: there until an upload reaches the new key
                recs.add(NsRecord.InodeState.of(f));
            } else if (f.etag != null) {
                ns.setDataKey(f, oldDataKeys.get(k));
                recs.add(NsRecord.InodeState.of(f));
            }
        }
    }

    private void collectFiles(Inode dir, List<Inode> files, List<String> keys) {
        for (long c : dir.children.values()) {
            Inode ci = ns.get(c);
            if (ci == null) {
                continue;
            }
            if (ci.isDir()) {
                collectFiles(ci, files, keys);
            } else {
                files.add(ci);
                keys.add(ns.dataKey(ci));
            }
        }
    }
}
