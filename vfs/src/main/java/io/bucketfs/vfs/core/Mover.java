package io.bucketfs.vfs.core;

import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.vfs.VfsException;
import java.io.Closeable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the namespace's pending bucket work ({@link NsRecord.KeyOp}) in journal order on one background thread,
 * and records each as done in the journal; an op that must wait is set aside and the work that does not depend
 * on it goes on ({@link #pick}). Every step is idempotent, so work interrupted by a crash is simply
 * redone after the journal replay: a copy whose source is gone was done, a delete of a missing key succeeds.
 *
 * <p>Bytes of a file that is being written stay where its staging reads them from: the old key of a renamed file
 * that has a staged write is deleted only once the write is uploaded (the op waits and is retried).
 * A failed op is retried with backoff, and later ops wait behind it (they may depend on it).
 */
final class Mover implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Mover.class);
    static final long MAX_BACKOFF_MILLIS = 30_000;
    /** How long an op that must wait is set aside before it is tried again. */
    static final long PARK_MILLIS = 200;
    /** How many waiting ops {@link #pick} looks past for one that may run. */
    static final int MAX_WAITING_SCAN = 1000;

    private final ObjectStore store;
    private final Namespace ns;
    private final MetaLog log;
    private FileData data;
    private final ReentrantLock signal = new ReentrantLock();
    private final Condition wake = signal.newCondition();
    private final Thread thread;
    private volatile boolean closed;
    private boolean kicked;
    private long backoff = 100;
    /**
     * Held around the bucket work on single keys (a delete, a move, one key of a directory move) and around
     * {@link #settle}, which moves a file's bytes from a write's thread: a delete that found a key nobody's must not
     * land after a settle copied a file's bytes there.
     */
    private final ReentrantLock keyWork = new ReentrantLock();
    /** Ops that must wait (their bucket work said so), by op id: when to try each again. The mover thread's. */
    private final java.util.Map<Long, Long> parked = new java.util.HashMap<>();

    Mover(ObjectStore store, Namespace ns, MetaLog log) {
        this.store = store;
        this.ns = ns;
        this.log = log;
        this.thread = new Thread(this::run, "bucketfs-mover");
        this.thread.setDaemon(true);
    }

    void start(FileData fileData) {
        this.data = fileData;
        thread.start();
    }

    /** Wakes the mover: new work was queued. */
    void kick() {
        signal.lock();
        try {
            kicked = true;
            wake.signalAll();
        } finally {
            signal.unlock();
        }
    }

    /** Waits until no work is pending (tests, sync barrier, shutdown). */
    boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            if (pendingCount() == 0) {
                return true;
            }
            kick();
            Thread.sleep(10);
        }
        return pendingCount() == 0;
    }

    int pendingCount() {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return ns.pending().size();
        } finally {
            l.unlock();
        }
    }

    private void run() {
        while (!closed) {
            NsRecord.KeyOp op;
            try {
                op = next();
            } catch (RuntimeException e) {
                LOG.error("waiting for the journal before bucket work failed", e);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                continue;
            }
            if (op == null) {
                sleep(parked.isEmpty() ? 1000 : PARK_MILLIS / 2);
                continue;
            }
            try {
                boolean done = apply(op);
                if (done) {
                    parked.remove(op.opId());
                    finish(op);
                    backoff = 100;
                } else {
                    // it waits (for a staged write, an upload): later work that touches none of its keys goes on
                    parked.put(op.opId(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PARK_MILLIS));
                }
            } catch (ObjectStoreException | VfsException e) {
                LOG.warn("bucket work {} {} failed ({}); retrying in {} ms", op.kind(), describe(op), e.getMessage(),
                        backoff);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } catch (RuntimeException e) {
                LOG.error("bucket work {} {} failed", op.kind(), describe(op), e);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    private static String describe(NsRecord.KeyOp op) {
        return (op.source() != null ? op.source() : "") + (op.target() != null ? " -> " + op.target() : "");
    }

    /**
     * The oldest pending op that may run now ({@link #pick}), once it is durable: an op is pending from the moment
     * its change is made in memory, and bucket work done before the journal has it (a copy, a delete) would
     * outlive a crash that loses the change.
     */
    private NsRecord.KeyOp next() {
        NsRecord.KeyOp op;
        CompletableFuture<Long> durable;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            op = pick();
            if (op == null) {
                return null;
            }
            durable = log.last(); // queued in the critical section that made the op, so it covers it
        } finally {
            l.unlock();
        }
        durable.join();
        return op;
    }

    /**
     * The oldest pending op that is not parked (or is due again) and touches nothing an older op that waits touches
     * (the same file, or a key equal to or under one of its keys, or above): ops run in journal order except that
     * one waiting for a file being written does not hold up unrelated work. Caller holds a lock.
     */
    private NsRecord.KeyOp pick() {
        long now = System.nanoTime();
        java.util.List<NsRecord.KeyOp> waiting = new java.util.ArrayList<>();
        for (NsRecord.KeyOp op : ns.pending().values()) {
            Long due = parked.get(op.opId());
            if ((due == null || due - now <= 0) && !dependsOn(op, waiting)) {
                return op;
            }
            waiting.add(op);
            if (waiting.size() > MAX_WAITING_SCAN) {
                return null;
            }
        }
        return null;
    }

    /** Whether {@code op} must wait behind one of {@code older}: same file, or keys equal or nested. */
    static boolean dependsOn(NsRecord.KeyOp op, java.util.List<NsRecord.KeyOp> older) {
        for (NsRecord.KeyOp w : older) {
            if (op.inodeId() != 0 && op.inodeId() == w.inodeId()) {
                return true;
            }
            for (String a : new String[] {op.source(), op.target()}) {
                for (String b : new String[] {w.source(), w.target()}) {
                    if (a != null && b != null && (a.startsWith(b) || b.startsWith(a))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Does the op's bucket work; false if it must wait (a staged write still needs the source). */
    private boolean apply(NsRecord.KeyOp op) throws ObjectStoreException, VfsException {
        switch (op.kind()) {
            case DELETE:
                keyWork.lock();
                try {
                    if (stagedNeeds(op.inodeId()) || data.isKeyBusy(op.source())) {
                        return false;
                    }
                    if (!claimedForDelete(op.source(), op.inodeId())) {
                        deleteKey(op.source());
                    }
                    return true;
                } finally {
                    keyWork.unlock();
                }
            case MOVE:
                keyWork.lock();
                try {
                    return moveKey(op.source(), op.target(), op.ifMatch(), op.inodeId()) != null
                            && dropStale(op.target(), op.inodeId());
                } finally {
                    keyWork.unlock();
                }
            case MOVE_PREFIX:
                return movePrefix(op.source(), op.target());
            case MARKER:
                writeMarker(op);
                return true;
            case META:
                replaceMetadata(op);
                return true;
            default:
                throw new IllegalStateException("unknown key op " + op.kind());
        }
    }

    private boolean stagedNeeds(long inodeId) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode i = ns.get(inodeId);
            return i != null && data != null && data.isStaged(i);
        } finally {
            l.unlock();
        }
    }

    /**
     * Copies {@code source} to {@code target} and deletes {@code source}; an inode reading it moves along. The bytes
     * go where their file is now: a file renamed again (or whose directory moved) before this op ran has another key
     * than the op's target, and the later op of that rename finds the source gone. A file's op whose bytes are no
     * longer at the source (moved already before a crash, or the file removed: its delete is queued) copies nothing.
     * Returns the key the bytes went to ({@code target}, or the file's key now), or null if the move must wait.
     */
    private String moveKey(String source, String target, String ifMatch, long inodeId) throws ObjectStoreException {
        Inode owner;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            owner = ns.byDataKey(source);
            if (owner != null && data != null && data.isStaged(owner)) {
                return null; // its staged write reads the source; it will upload to the target itself
            }
            if (owner != null) {
                target = ns.key(owner);
                // the version at the source is the file's current one: its own uploads may have reached its data
                // key since the rename recorded the op (a crash before the retarget, a directory move under way)
                ifMatch = owner.etag != null ? owner.etag : ifMatch;
            }
            if (data != null && (data.isKeyBusy(source) || data.isKeyBusy(target))) {
                return null; // an upload to either key is still on its way
            }
        } finally {
            l.unlock();
        }
        if (owner == null && inodeId != 0) {
            if (!claimedByAnother(source, inodeId)) {
                deleteKey(source);
            }
            return target;
        }
        ObjectInfo copied = null;
        try {
            LOG.debug("copy {} -> {} (if-match {})", source, target, ifMatch);
            copied = store.copy(source, target, ifMatch == null ? CopyOptions.KEEP_METADATA
                    : CopyOptions.KEEP_METADATA.withSourceIfMatch(ifMatch));
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.PRECONDITION_FAILED && owner != null) {
                // the file's bytes are there in another version than it knows (changed by another tool): they
                // are still its bytes, and deleting the source without a copy would lose them
                LOG.warn("moving {} to {}: the object is not version {} any more; moving the version there",
                        source, target, ifMatch);
                copied = copyUnlessGone(source, target);
            } else if (e.kind() != ObjectStoreException.Kind.NOT_FOUND
                    && e.kind() != ObjectStoreException.Kind.PRECONDITION_FAILED) {
                throw e;
            }
            // otherwise gone or replaced since: moved already (a redo after a crash) or changed by someone else
        }
        if (!settleInode(source, target, copied)) { // readers switch to the target before the source goes
            // renamed on during the copy: the copy went to a name the file has left; the next try copies again
            if (copied != null && !claimedByAnother(target, inodeId) && (data == null || !data.isKeyBusy(target))) {
                deleteKey(target);
            }
            return null;
        }
        if (!claimedByAnother(source, inodeId)) {
            deleteKey(source);
        }
        return target;
    }

    /**
     * After a move: deletes the copy at {@code key} (the op's target as it named it) that an earlier attempt made
     * before the file was renamed on (cut short by a crash, or by a failure the store reported after doing the copy),
     * unless some file's bytes are there or due there ({@link Namespace#holdsBytes}). For a directory move the key
     * is a file's path in the moved directory, which the file may have left before its bytes moved. The key stays
     * hidden and reserved ({@link Namespace#isPendingRemoval}) until the delete is done, so no new file takes it in
     * between. False (retry) while an upload to it is on its way.
     */
    private boolean dropStale(String key, long inodeId) throws ObjectStoreException {
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            if (ns.holdsBytes(key, inodeId)) {
                return true;
            }
            if (data != null && data.isKeyBusy(key)) {
                return false;
            }
            ns.clearing.add(key); // a new file of that name waits until the delete is done (isPendingRemoval)
        } finally {
            l.unlock();
        }
        try {
            deleteKey(key);
        } finally {
            l.lock();
            try {
                ns.clearing.remove(key);
            } finally {
                l.unlock();
            }
        }
        return true;
    }

    /** An unconditional copy; null if the source is gone (moved already). */
    private ObjectInfo copyUnlessGone(String source, String target) throws ObjectStoreException {
        try {
            return store.copy(source, target, CopyOptions.KEEP_METADATA);
        } catch (ObjectStoreException e) {
            if (e.kind() != ObjectStoreException.Kind.NOT_FOUND) {
                throw e;
            }
            return null;
        }
    }

    /**
     * Whether a DELETE must leave {@code key} alone: it is the key of a file whose bytes live there (whichever
     * file: the op's own file renamed back onto its old name has its content there now), or the data key of another
     * file waiting for its move.
     */
    private boolean claimedForDelete(String key, long inodeId) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode at = ns.byPath(key);
            Inode pending = ns.byDataKey(key);
            // another file of that name claims the key even while its bytes are still on their way to it (a move
            // pending, or its upload retargeted there): between the stager finishing that upload and the namespace
            // taking its ETag, deleting the key would delete the new file's object (found by the end-to-end crash
            // test: the acknowledged file was gone from the bucket, and a listing after the restart dropped it)
            return (at != null && !at.isDir() && (at.dataKey == null || at.id != inodeId))
                    || (pending != null && pending.id != inodeId);
        } finally {
            l.unlock();
        }
    }

    /**
     * Whether a live file other than {@code inodeId} has its bytes at {@code key} (they must not be deleted): the
     * file of that name unless its bytes are still elsewhere (a move pending), or a file renamed away whose bytes
     * have not moved yet.
     */
    private boolean claimedByAnother(String key, long inodeId) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode at = ns.byPath(key);
            Inode pending = ns.byDataKey(key);
            return (at != null && at.id != inodeId && !at.isDir() && at.dataKey == null)
                    || (pending != null && pending.id != inodeId);
        } finally {
            l.unlock();
        }
    }

    /**
     * Waits until no pending work removes or moves {@code key} away (so a new file may take the key without its
     * bytes being moved or deleted after it). False if that did not happen within {@code timeout}.
     */
    boolean awaitClear(String key, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Lock l = ns.lock.readLock();
            l.lock();
            try {
                if (!ns.isPendingRemoval(key)) {
                    return true;
                }
            } finally {
                l.unlock();
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            kick();
            Thread.sleep(5);
        }
    }

    /** The time a new name waits for bucket work that is still moving or deleting the old object of that name. */
    static final long KEY_WAIT_SECONDS = 20;

    /**
     * Waits until no pending bucket work still removes {@code name}'s key in {@code d} (a file removed or renamed
     * away a moment ago): the new file's bytes must not be deleted or moved by that work. DELAY if it takes long.
     */
    void awaitNameFree(Inode d, String name, boolean dir) throws VfsException {
        String key;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            key = ns.key(d) + name + (dir ? "/" : "");
        } finally {
            l.unlock();
        }
        try {
            if (!awaitClear(key, KEY_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new VfsException(io.bucketfs.vfs.VfsStatus.DELAY, "'" + name + "' is still being removed from the bucket");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(io.bucketfs.vfs.VfsStatus.DELAY, "interrupted");
        }
    }

    /**
     * Before a file is renamed to {@code toName}: bucket work still removing a former file of that name is done
     * (as for a new file), and the stager has finished with the key of the file it replaces, so the renamed file's
     * bytes never share their key with staged bytes of another file. DELAY if it takes long.
     */
    void awaitTargetKeyFree(Inode to, String toName, Inode dst) throws VfsException {
        awaitNameFree(to, toName, false);
        if (dst == null || dst.isDir()) {
            return;
        }
        String key;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            key = ns.key(to) + toName;
        } finally {
            l.unlock();
        }
        settleBeforeReplace(dst);
        if (!data.releaseKey(dst, key, KEY_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new VfsException(io.bucketfs.vfs.VfsStatus.DELAY, "'" + toName + "' is still being uploaded; try again");
        }
    }

    /**
     * Before a rename replaces {@code dst}: if its own bytes are still being moved into the key the renamed file
     * takes (a rename of {@code dst} whose bucket move is pending or under way), that move is finished first. Else
     * the mover's copy of the replaced file's bytes, pending or in flight, could land on the key after the new
     * file's upload there and overwrite an acknowledged version with the replaced one (found by the end-to-end
     * crash test: after a restart the file read back as the version it had replaced). DELAY if it takes long.
     */
    private void settleBeforeReplace(Inode dst) throws VfsException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KEY_WAIT_SECONDS);
        while (true) {
            try {
                settle(dst); // waits for a move of it under way (keyWork), else moves its bytes now
                return;
            } catch (VfsException e) {
                if (e.status() != io.bucketfs.vfs.VfsStatus.DELAY || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            kick();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VfsException(io.bucketfs.vfs.VfsStatus.DELAY, "interrupted");
            }
        }
    }

    /**
     * The inode whose bytes were at {@code source} now reads them at {@code target}; false (and nothing changed) if
     * it was renamed on while they were copied, so {@code target} is no longer its key.
     */
    private boolean settleInode(String source, String target, ObjectInfo copied) {
        CompletableFuture<Long> f = null;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            Inode i = ns.byDataKey(source);
            if (i != null && !ns.key(i).equals(target)) {
                return false;
            }
            if (i != null) {
                ns.setDataKey(i, null);
                ns.workFinished(i);
                if (copied != null) {
                    i.etag = copied.etag();
                }
                f = log.append(NsRecord.InodeState.of(i));
            }
        } finally {
            l.unlock();
        }
        if (f != null) {
            f.join();
        }
        return true;
    }

    private boolean movePrefix(String source, String target) throws ObjectStoreException {
        boolean all = true;
        String token = null;
        do {
            ListPage p = store.list(new ListRequest(source, null, token, ListRequest.MAX_KEYS));
            for (ObjectSummary s : p.objects()) {
                all &= movePrefixKey(s, target + s.key().substring(source.length()));
            }
            token = p.nextContinuationToken();
        } while (token != null);
        return all;
    }

    /** One key of a directory move: copied unless the file there now has bytes of its own. */
    private boolean movePrefixKey(ObjectSummary s, String newKey) throws ObjectStoreException {
        keyWork.lock();
        try {
            return movePrefixKeyLocked(s, newKey);
        } finally {
            keyWork.unlock();
        }
    }

    private boolean movePrefixKeyLocked(ObjectSummary s, String newKey) throws ObjectStoreException {
        boolean ownBytes;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode atNew = ns.byPath(newKey);
            if (atNew != null && data != null && data.isStaged(atNew)) {
                return false; // being written: its upload goes to newKey; the old key waits until then
            }
            ownBytes = atNew != null && !atNew.isDir() && atNew.dataKey == null && atNew.etag != null
                    && ns.byDataKey(s.key()) == null;
            if (!ownBytes && ns.byDataKey(s.key()) == null && removedByLaterOp(s.key())) {
                return true; // a file removed (or moved away) since: its own op deletes the key, nothing is copied
            }
        } finally {
            l.unlock();
        }
        if (ownBytes) {
            deleteKey(s.key());
            return true;
        }
        String went = moveKey(s.key(), newKey, s.etag(), 0);
        // a file renamed on from the moved directory got its bytes at its key now: a copy that an earlier attempt
        // left at the moved path is stale (a key nobody owns that went there stays: later moves carry it on)
        return went != null && (went.equals(newKey) || dropStale(newKey, 0));
    }

    /** Deletes {@code key}; already gone counts as done (a redo, or a concurrent delete of the same key). */
    private void deleteKey(String key) throws ObjectStoreException {
        LOG.debug("delete {}", key);
        try {
            store.delete(key);
        } catch (ObjectStoreException e) {
            if (e.kind() != ObjectStoreException.Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Whether a pending delete or move of a single key has {@code key} as its source. Caller holds the lock. */
    private boolean removedByLaterOp(String key) {
        for (NsRecord.KeyOp op : ns.pending().values()) {
            if ((op.kind() == NsRecord.KeyOp.Kind.DELETE || op.kind() == NsRecord.KeyOp.Kind.MOVE)
                    && key.equals(op.source())) {
                return true;
            }
        }
        return false;
    }

    private void writeMarker(NsRecord.KeyOp op) throws ObjectStoreException {
        java.util.Map<String, String> meta;
        String key;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode i = ns.get(op.inodeId());
            if (i == null) {
                return; // removed since
            }
            // where the op says even if the directory moved since: the ops queued after this one (the move of
            // that prefix, the delete of a directory replaced there) act on that key in journal order. Written
            // where the directory is now, it could be deleted by the pending delete of a directory it replaced.
            key = op.target();
            meta = i.objectMetadata();
        } finally {
            l.unlock();
        }
        store.put(key, Payload.empty(), PutOptions.metadata(meta));
    }

    private void replaceMetadata(NsRecord.KeyOp op) throws ObjectStoreException {
        java.util.Map<String, String> meta;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode i = ns.get(op.inodeId());
            if (i == null || !op.ifMatch().equals(i.etag) || !ns.dataKey(i).equals(op.target())) {
                return;
            }
            meta = i.objectMetadata();
        } finally {
            l.unlock();
        }
        ObjectInfo info;
        try {
            info = store.copy(op.target(), op.target(),
                    CopyOptions.replacingMetadata(meta).withSourceIfMatch(op.ifMatch()));
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.NOT_FOUND
                    || e.kind() == ObjectStoreException.Kind.PRECONDITION_FAILED) {
                return; // changed or gone since; revalidation picks that up
            }
            throw e;
        }
        CompletableFuture<Long> f = null;
        l = ns.lock.writeLock();
        l.lock();
        try {
            Inode i = ns.get(op.inodeId());
            if (i != null && op.ifMatch().equals(i.etag)) {
                i.etag = info.etag();
                f = log.append(NsRecord.InodeState.of(i));
            }
        } finally {
            l.unlock();
        }
        if (f != null) {
            f.join();
        }
    }

    private void finish(NsRecord.KeyOp op) {
        CompletableFuture<Long> f;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            NsRecord.KeyDone done = new NsRecord.KeyDone(op.opId());
            ns.apply(done);
            Inode i = ns.get(op.inodeId());
            if (i != null && op.kind() == NsRecord.KeyOp.Kind.MOVE_PREFIX) {
                ns.workFinishedTree(i); // a listing begun before the keys arrived must not drop what is below
            } else if (i != null) {
                ns.workFinished(i);
            }
            f = log.append(done);
        } finally {
            l.unlock();
        }
        f.join();
    }

    /** Applies the pending move of {@code i}'s bytes now (before a write stages the file). */
    void settle(Inode i) throws VfsException {
        String source;
        String target;
        String etag;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (i.dataKey == null) {
                return;
            }
            source = i.dataKey;
            target = ns.key(i);
            etag = i.etag;
        } finally {
            l.unlock();
        }
        keyWork.lock(); // not while the mover checks and deletes a key: it could take the bytes copied here
        try {
            if (moveKey(source, target, etag, i.id) == null) {
                throw new VfsException(io.bucketfs.vfs.VfsStatus.DELAY, "'" + i.name
                        + "' is still being moved in the bucket; try again");
            }
        } catch (ObjectStoreException e) {
            throw BucketProbe.io("moving " + source + " to " + target, e);
        } finally {
            keyWork.unlock();
        }
    }

    private void sleep(long millis) {
        signal.lock();
        try {
            if (!kicked && !closed) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
            kicked = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            signal.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        kick();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
