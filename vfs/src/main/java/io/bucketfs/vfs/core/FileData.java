package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.cache.CachedReader;
import io.bucketfs.cache.ChunkCache;
import io.bucketfs.cache.ObjectChangedException;
import io.bucketfs.cache.ObjectVersion;
import io.bucketfs.cache.write.Base;
import io.bucketfs.cache.write.Durability;
import io.bucketfs.cache.write.StagedFile;
import io.bucketfs.cache.write.StagingFullException;
import io.bucketfs.cache.write.WriteBack;
import io.bucketfs.cache.write.WriteCondition;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File bytes of one mount: reads through the chunk cache (pinned to the version the inode knows, with read-ahead
 * per file), writes into the write-back stager, and the bookkeeping between the two and the namespace.
 *
 * <p>A file is <em>staged</em> while the stager holds its key (written, not yet uploaded, or being uploaded): its
 * reads come from the staged file (read-your-writes), and the bucket work that would disturb its key waits
 * ({@link #isKeyBusy}). An idle staged file is committed and its handle released after {@link #IDLE_COMMIT}; a new
 * file that a client created but never committed is uploaded then too.
 */
final class FileData {

    private static final Logger LOG = LoggerFactory.getLogger(FileData.class);

    /** A staged file not written for this long is committed (LOCAL) and its handle released. */
    static final java.time.Duration IDLE_COMMIT = java.time.Duration.ofSeconds(3);
    /** The longest an OBJECT_STORE commit waits for its upload before the client gets EIO (the data stays). */
    static final java.time.Duration UPLOAD_WAIT = java.time.Duration.ofMinutes(5);

    /** A staged handle and when it was last written. */
    private static final class Open {
        final StagedFile file;
        volatile long lastWrite = System.nanoTime();
        /** Set (under the Open's monitor) when the idle check takes it out of use: it can no longer be pinned. */
        boolean released;
        /**
         * The staged data file is written in place, so bytes below this may belong to a committed generation not
         * yet known to be uploaded: overwriting them now would put unacknowledged bytes into what a crash
         * recovers as that generation. See {@link FileData#protectCommitted}.
         */
        volatile long exposed;
        /** Renames whose retarget waits for their journal record: the handle is not released meanwhile. */
        final java.util.concurrent.atomic.AtomicInteger pins = new java.util.concurrent.atomic.AtomicInteger();

        Open(StagedFile file) {
            this.file = file;
        }
    }

    private final String storeId;
    private final ObjectStore store;
    private final ChunkCache cache;
    private final java.util.function.Supplier<WriteBack> writeBackRef;
    private final Namespace ns;
    private final MountSettings mount;
    private final ScheduledExecutorService timer;
    private final Map<Long, Open> staged = new ConcurrentHashMap<>();
    private final Map<Long, CachedReader> readers = new ConcurrentHashMap<>();
    /** Sizes of base versions the stager may read ((key, etag) → size). */
    private final Map<String, Long> baseSizes = new ConcurrentHashMap<>();
    /** Inodes whose last upload became a conflict copy, until a commit reports it. */
    private final Map<Long, String> conflicts = new ConcurrentHashMap<>();
    private Mover mover;
    private Revalidator revalidator;
    private java.util.function.BiFunction<String, Long, java.util.concurrent.CompletableFuture<Long>> oldKeyDeleter =
            (k, id) -> java.util.concurrent.CompletableFuture.completedFuture(0L);

    /** Refreshes an inode from the bucket after its object changed under a read. */
    @FunctionalInterface
    interface Revalidator {
        void refresh(Inode i) throws VfsException;
    }

    FileData(String storeId, ObjectStore store, ChunkCache cache, java.util.function.Supplier<WriteBack> writeBack,
             Namespace ns, MountSettings mount, ScheduledExecutorService timer) {
        this.storeId = storeId;
        this.store = store;
        this.cache = cache;
        this.writeBackRef = writeBack;
        this.ns = ns;
        this.mount = mount;
        this.timer = timer;
    }

    WriteBack wb() {
        return writeBackRef.get();
    }

    /** A lock timer on the mount's scheduler (lease break timeouts). */
    io.bucketfs.vfs.lock.LockTimer lockTimer() {
        return io.bucketfs.vfs.lock.LockTimer.of(timer);
    }

    /**
     * Who deletes the old key of a renamed staged file (through the journal: the future is the DELETE's record).
     */
    void onOldKey(java.util.function.BiFunction<String, Long, java.util.concurrent.CompletableFuture<Long>> deleter) {
        this.oldKeyDeleter = deleter;
    }

    void bind(Mover m, Revalidator r) {
        this.mover = m;
        this.revalidator = r;
    }

    ObjectStore store() {
        return store;
    }

    /** Whether the inode's bytes are in the stager (caller may hold a namespace lock). */
    boolean isStaged(Inode i) {
        return staged.containsKey(i.id) || (!i.isDir() && wb().isStaged(storeId, ns.key(i)));
    }

    /** Whether the stager still holds {@code key} (so deleting or overwriting it must wait). */
    boolean isKeyBusy(String key) {
        return wb().isStaged(storeId, key);
    }

    long dirtyBytes() {
        return wb().stats().dirtyBytes();
    }

    // ------------------------------------------------------------------------------ staging

    /** A new file's (empty, or a symlink's target) staged object. Caller holds the namespace write lock. */
    void create(Inode i, String key, Map<String, String> meta, String symlinkTarget) throws VfsException {
        try {
            StagedFile f = wb().stage(storeId, key, Base.NONE, WriteCondition.CREATE_ONLY);
            if (symlinkTarget != null) {
                f.write(0, ByteBuffer.wrap(symlinkTarget.getBytes(StandardCharsets.UTF_8)));
            }
            f.setMetadata(meta, null);
            staged.put(i.id, new Open(f));
            scheduleIdleCommit(i.id);
        } catch (IOException e) {
            throw ioFailure("staging " + key, e);
        }
    }

    /** The staged handle of {@code i}, staging it (from its bucket version) if needed. Not under a lock. */
    private Open stagedFor(Inode i) throws VfsException {
        Open o = staged.get(i.id);
        if (o != null) {
            return o;
        }
        if (mover != null) {
            mover.settle(i); // a pending rename is applied first: the staged file reads its base at its own key
        }
        String key;
        Base base;
        WriteCondition cond;
        Map<String, String> meta;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (ns.get(i.id) == null) {
                throw new VfsException(VfsStatus.STALE, "'" + i.name + "' is gone");
            }
            key = ns.key(i);
            base = i.etag == null ? Base.NONE : Base.of(i.etag, i.size);
            cond = i.etag == null ? WriteCondition.CREATE_ONLY : WriteCondition.ifMatch(i.etag);
            meta = i.objectMetadata();
        } finally {
            l.unlock();
        }
        if (base.exists()) {
            baseSizes.put(key + "\n" + base.etag(), base.size());
        }
        boolean existing = wb().isStaged(storeId, key);
        try {
            StagedFile f = wb().stage(storeId, key, base, cond);
            f.setMetadata(meta, null);
            Open mine = new Open(f);
            mine.exposed = existing ? Long.MAX_VALUE : 0; // an earlier handle's commits may still be uploading
            Open raced = staged.putIfAbsent(i.id, mine);
            if (raced != null) {
                f.close();
                return raced;
            }
            scheduleIdleCommit(i.id);
            return mine;
        } catch (IOException e) {
            throw ioFailure("staging " + key, e);
        }
    }

    void setMetadata(Inode i, Map<String, String> meta) {
        Open o = staged.get(i.id);
        if (o != null) {
            o.file.setMetadata(meta, null);
        }
    }

    /**
     * The staged handle of {@code i} (staged now if needed), pinned so that the idle check cannot close it while
     * the caller writes through it (a write may wait long, for an upload or for staging space); the caller unpins.
     */
    private Open pinnedFor(Inode i) throws VfsException {
        while (true) {
            Open o = stagedFor(i);
            synchronized (o) {
                if (!o.released) {
                    o.pins.incrementAndGet();
                    return o;
                }
            }
        }
    }

    /** Truncates or extends (stages the file first). Not under a lock. */
    void truncate(Inode i, long size) throws VfsException {
        Open o = pinnedFor(i);
        try {
            protectCommitted(i, o, size);
            o.file.truncate(size);
        } catch (RuntimeException e) {
            throw ioFailure("truncating '" + i.name + "'", e);
        } finally {
            o.lastWrite = System.nanoTime();
            o.pins.decrementAndGet();
        }
    }

    void write(Inode i, long offset, ByteBuffer src, Instant now) throws VfsException {
        Open o = pinnedFor(i);
        long end = offset + src.remaining();
        try {
            protectCommitted(i, o, offset);
            ByteBuffer bytes = src.duplicate();
            withRoom("writing " + o.file.key(), false, () -> o.file.write(offset, bytes.duplicate()));
            src.position(src.limit());
        } catch (StagingFullException e) {
            throw new VfsException(VfsStatus.NO_SPACE, "staging area full: " + e.getMessage(), e);
        } catch (IOException e) {
            throw ioFailure("writing '" + i.name + "'", e);
        } finally {
            o.lastWrite = System.nanoTime();
            o.pins.decrementAndGet();
        }
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            if (end > i.size) {
                i.size = end;
            }
            i.mtime = now;
            i.touchChange(now);
        } finally {
            l.unlock();
        }
    }

    /**
     * Before bytes at or after {@code from} change: if a committed generation may still be waiting for its upload
     * there, waits for that upload first. The stager keeps one data file and writes it in place, so an overwrite
     * of committed bytes before their upload would, after a crash, be recovered as part of the acknowledged
     * generation: a mixture of an acknowledged version and unacknowledged bytes. Appends never wait, and the wait
     * commits nothing (a commit now would make part of the client's unstable writes a generation of its own).
     */
    private void protectCommitted(Inode i, Open o, long from) throws VfsException {
        if (from >= o.exposed) {
            return;
        }
        try {
            o.file.committedUploaded().get(UPLOAD_WAIT.toSeconds(), TimeUnit.SECONDS); // this file's, no other's
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(VfsStatus.IO_ERROR, "interrupted waiting for the upload of '" + i.name + "'");
        } catch (ExecutionException e) {
            throw ioFailure("uploading '" + i.name + "' before it is overwritten", e.getCause());
        } catch (TimeoutException e) {
            throw new VfsException(VfsStatus.DELAY, "'" + i.name + "' is still being uploaded; try again");
        }
        o.exposed = 0;
    }

    /** Makes the staged bytes of {@code i} durable per {@code durability}. */
    void commit(Inode i, MountSettings.Durability durability) throws VfsException {
        Open o = staged.get(i.id);
        if (o == null) {
            return;
        }
        long size = o.file.size();
        var f = o.file.commit(durability == MountSettings.Durability.OBJECT_STORE ? Durability.OBJECT_STORE
                : Durability.LOCAL);
        o.exposed = durability == MountSettings.Durability.OBJECT_STORE ? o.exposed : Math.max(o.exposed, size);
        try {
            f.get(UPLOAD_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(VfsStatus.IO_ERROR, "interrupted waiting for the upload of '" + i.name + "'");
        } catch (ExecutionException e) {
            throw ioFailure("committing '" + i.name + "'", e.getCause());
        } catch (TimeoutException e) {
            throw new VfsException(VfsStatus.IO_ERROR, "the upload of '" + i.name + "' did not finish in "
                    + UPLOAD_WAIT + "; it stays staged and is retried");
        }
        String copy = durability == MountSettings.Durability.OBJECT_STORE ? conflicts.remove(i.id) : null;
        if (copy != null) {
            throw new VfsException(VfsStatus.CONFLICT, "'" + i.name + "' was changed in the bucket meanwhile; "
                    + "this write was saved as '" + copy + "'");
        }
    }

    /** At start, after the stager recovered: see {@link StagedRecovery#adoptStagedSizes}. */
    void adoptStagedSizes() {
        new StagedRecovery(this, storeId, store, ns).adoptStagedSizes();
    }

    /** Forgets the staged bytes of a removed file (pending uploads are dropped). Caller may hold the lock. */
    void discard(Inode i) {
        Open o = staged.remove(i.id);
        CachedReader r = readers.remove(i.id);
        if (r != null) {
            r.close();
        }
        StagedFile f = o != null ? o.file : (i.isDir() ? null : wb().attach(storeId, ns.key(i)));
        if (f != null) {
            f.discard(); // also when our handle went idle but the stager still holds the bytes
        }
    }

    /**
     * Lets the stager finish with {@code key}, the key of {@code i}, before another file's bytes take it (a rename
     * over {@code i}): commits and releases {@code i}'s staged handle, then waits until the stager no longer holds
     * the key (its upload ended). Two staged files never share a key, and a late upload of the replaced file can
     * neither overwrite the new bytes nor be taken for their version. False if that did not happen in time. Not
     * under a lock.
     */
    boolean releaseKey(Inode i, String key, long timeout, TimeUnit unit) throws VfsException {
        Open o = staged.remove(i.id);
        if (o != null) {
            try {
                o.file.close(); // commits LOCAL what is uncommitted; the upload follows
            } catch (IOException e) {
                throw ioFailure("committing '" + i.name + "'", e);
            }
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (isKeyBusy(key)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps the staged handle of a file being renamed (attaching one if only the stager holds its key) until
     * {@link #retarget}: the retarget waits for the rename's journal record, and the stager must still hold the
     * bytes then. Caller holds the namespace write lock, before the namespace moves the file.
     */
    void pin(Inode i) {
        Open o = staged.get(i.id);
        if (o == null) {
            o = attach(i);
        }
        if (o != null) {
            o.pins.incrementAndGet();
        }
    }

    /**
     * Later uploads of a renamed staged file go to {@code newKey}; releases the {@link #pin}. Called once the
     * rename is durable in the journal: an upload to the new key before that would outlive a crash that lost the
     * rename (the file under its old name, its bytes under the new one). Not under a lock.
     */
    void retarget(Inode i, String newKey) throws VfsException {
        Open o = staged.get(i.id);
        if (o == null) {
            return;
        }
        try {
            String oldKey = o.file.key();
            if (oldKey.equals(newKey)) {
                return;
            }
            Inode oldDir = directoryOf(oldKey);
            MetaLog.await(journalOldKeyDelete(i, oldKey));
            o.file.retarget(newKey, WriteCondition.NONE).thenAccept(wroteOld -> {
                if (wroteOld) {
                    deleteOldKey(oldKey, oldDir, i.id);
                }
            });
        } catch (IOException e) {
            throw ioFailure("renaming the staged '" + i.name + "'", e);
        } finally {
            o.pins.decrementAndGet();
        }
    }

    /** The directory whose entry {@code key} names now (null if none is known there). */
    Inode directoryOf(String key) {
        int slash = key.lastIndexOf('/', key.length() - 2);
        String parent = slash < 0 ? ns.prefix() : key.substring(0, slash + 1);
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode d = ns.byPath(parent);
            return d != null && d.isDir() ? d : null;
        } finally {
            l.unlock();
        }
    }

    /**
     * Before the stager retargets {@code i} away from {@code oldKey}: a DELETE of that key, queued in the journal
     * (the returned future) unless the rename's own op already removes it ({@code oldKey} is where the file's bytes
     * wait for their move). An upload to the old key may be in flight, or may have landed without the namespace
     * taking it as the file's (the file had moved on): once the stager's manifest names the new key, a crash would
     * leave that object known to no one — a file that was never there. The mover runs the delete once the file is
     * no longer staged, and leaves the key alone if a file's bytes live there by then.
     */
    java.util.concurrent.CompletableFuture<Long> journalOldKeyDelete(Inode i, String oldKey) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (oldKey.equals(ns.dataKey(i))) {
                return java.util.concurrent.CompletableFuture.completedFuture(0L);
            }
        } finally {
            l.unlock();
        }
        return oldKeyDeleter.apply(oldKey, i.id);
    }

    /**
     * An upload reached the old key of a renamed file: that object goes. If the directory that held the key was
     * moved since the rename, the object may have moved with it (the directory move copied it before this delete
     * was queued), so the same name under the directory's current key goes too; the mover leaves alone a key that
     * is a file's own.
     */
    void deleteOldKey(String oldKey, Inode oldDir, long inodeId) {
        oldKeyDeleter.apply(oldKey, inodeId);
        if (oldDir == null) {
            return;
        }
        String moved;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (ns.get(oldDir.id) != oldDir) {
                return;
            }
            moved = ns.key(oldDir) + oldKey.substring(oldKey.lastIndexOf('/', oldKey.length() - 2) + 1);
        } finally {
            l.unlock();
        }
        if (!moved.equals(oldKey)) {
            oldKeyDeleter.apply(moved, inodeId);
        }
    }

    private void scheduleIdleCommit(long id) {
        timer.schedule(() -> idleCheck(id), IDLE_COMMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void idleCheck(long id) {
        Open o = staged.get(id);
        if (o == null) {
            return;
        }
        long idle = System.nanoTime() - o.lastWrite;
        if (idle < IDLE_COMMIT.toNanos() || o.pins.get() > 0) {
            timer.schedule(() -> idleCheck(id), IDLE_COMMIT.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        try {
            commitLocal(o); // before letting go: a failure keeps the handle, committed at the next check
        } catch (IOException | RuntimeException e) {
            LOG.warn("committing idle staged file {} failed ({}); it stays open and is tried again", o.file.key(),
                    e.toString());
            timer.schedule(() -> idleCheck(id), IDLE_COMMIT.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        synchronized (o) {
            if (o.pins.get() > 0) { // pinned since the check above
                timer.schedule(() -> idleCheck(id), IDLE_COMMIT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            o.released = true;
        }
        if (staged.remove(id, o)) {
            try {
                o.file.close(); // commits LOCAL what is uncommitted; the upload follows
            } catch (IOException e) {
                LOG.error("committing idle staged file {} failed; it stays staged", o.file.key(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------ reads

    ReadResult read(Inode i, long offset, ByteBuffer dst) throws VfsException {
        Open o = staged.get(i.id);
        if (o == null) {
            o = attach(i); // bytes still on their way to the bucket
        }
        if (o != null) {
            int mark = dst.position();
            try {
                int n = o.file.read(offset, dst);
                long size = o.file.size();
                return n < 0 ? new ReadResult(0, true) : new ReadResult(n, offset + n >= size);
            } catch (IOException e) {
                throw ioFailure("reading '" + i.name + "'", e);
            } catch (IllegalStateException retired) {
                // the stager retired the file (its upload is done and journaled) as this read attached to it:
                // the bucket has the bytes now
                LOG.debug("'{}': staged file retired during a read; reading the bucket", i.name);
                staged.remove(i.id, o);
                dst.position(mark);
            }
        }
        for (int attempt = 1; ; attempt++) {
            ObjectVersion v = version(i);
            if (v == null || offset >= v.size()) {
                return new ReadResult(0, true);
            }
            try {
                int n = reader(i.id, v).read(offset, dst);
                return n < 0 ? new ReadResult(0, true) : new ReadResult(n, offset + n >= v.size());
            } catch (ObjectChangedException e) {
                if (attempt > 1 || revalidator == null) {
                    throw new VfsException(VfsStatus.IO_ERROR, "'" + i.name + "' keeps changing in the bucket", e);
                }
                revalidator.refresh(i);
            } catch (ObjectStoreException e) {
                ObjectVersion now = version(i);
                boolean moved = now != null && !now.key().equals(v.key());
                if (e.kind() != ObjectStoreException.Kind.NOT_FOUND || !moved || attempt > 2) {
                    throw ioFailure("reading '" + i.name + "'", e);
                }
                // the mover just moved the bytes to the file's new key: read them there
            } catch (IOException e) {
                throw ioFailure("reading '" + i.name + "'", e);
            }
        }
    }

    /** A handle on the staged bytes of {@code i} if the stager still holds them (never stages anything). */
    private Open attach(Inode i) {
        String key;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            key = ns.key(i);
        } finally {
            l.unlock();
        }
        StagedFile f = wb().attach(storeId, key);
        if (f == null) {
            return null;
        }
        Open mine = new Open(f);
        mine.exposed = Long.MAX_VALUE; // what the stager holds may be a committed generation still uploading
        mine.lastWrite = 0; // idle at once: released at the next idle check
        Open raced = staged.putIfAbsent(i.id, mine);
        if (raced != null) {
            try {
                f.close();
            } catch (IOException e) {
                LOG.debug("closing a spare staged handle of {}: {}", key, e.toString());
            }
            return raced;
        }
        scheduleIdleCommit(i.id);
        return mine;
    }

    private ObjectVersion version(Inode i) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return i.etag == null ? null : new ObjectVersion(storeId, ns.dataKey(i), i.etag, i.size);
        } finally {
            l.unlock();
        }
    }

    private CachedReader reader(long id, ObjectVersion v) {
        return readers.compute(id, (k, old) -> {
            if (old != null && old.version().equals(v)) {
                return old;
            }
            if (old != null) {
                old.close();
            }
            return cache.reader(store, v);
        });
    }

    /** Base bytes for the stager (see {@link io.bucketfs.cache.write.BaseSource}). */
    int readBase(String key, String etag, long offset, ByteBuffer dst) throws IOException {
        Long size = baseSizes.get(key + "\n" + etag);
        if (size == null) {
            ObjectInfo info = store.head(key);
            if (!info.etag().equals(etag)) {
                throw new ObjectStoreException(ObjectStoreException.Kind.PRECONDITION_FAILED,
                        "base " + key + " is no longer version " + etag);
            }
            size = info.size();
            baseSizes.put(key + "\n" + etag, size);
        }
        return cache.read(store, new ObjectVersion(storeId, key, etag, size), offset, dst);
    }

    // ------------------------------------------------------------------------------ stager reports

    /** A generation reached the bucket: the inode at that key learns its new version. */
    void uploaded(String key, ObjectInfo info, MetaLog log) {
        java.util.concurrent.CompletableFuture<Long> f = null;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            Inode i = ns.byPath(key);
            String movedKey = null;
            if (i == null) { // uploaded to a path a directory move has left (its retarget came later, or a crash)
                movedKey = ns.afterPendingMoves(key);
                Inode m = movedKey.equals(key) ? null : ns.byPath(movedKey);
                i = m != null && !m.isDir() && ns.byDataKey(key) == null && !staged.containsKey(m.id) ? m : null;
            }
            if (i != null && !i.isDir()) {
                ns.workFinished(i);
                // the bytes are at its own key now (a pending move only deletes the old) — or, uploaded to the
                // path before a directory move, at that key until the move carries them
                ns.setDataKey(i, i == ns.byPath(key) ? null : key);
                i.etag = info.etag();
                if (!staged.containsKey(i.id) && info.size() >= 0) {
                    i.size = info.size();
                }
                i.validatedAt = System.nanoTime();
                f = log.append(NsRecord.InodeState.of(i));
            }
        } finally {
            l.unlock();
        }
        cache.invalidate(storeId, key);
        if (f != null) {
            // durable before the stager retires the staged file (and deletes its manifest): a crash in between
            // would leave the upload known to no one, and a queued delete of the key could take the object
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = e.getCause();
                if (t instanceof io.bucketfs.vfs.journal.JournalClosedException
                        || t instanceof java.io.InterruptedIOException) { // a stop interrupts the uploaders
                    LOG.debug("upload of {} ended after shutdown began; the next start learns it", key);
                } else {
                    LOG.error("journaling the upload of {} failed", key, t);
                }
            }
        }
        if (mover != null) {
            mover.kick();
        }
    }

    /** An upload found the object changed in the bucket; the staged bytes went to {@code conflictKey}. */
    void conflicted(String key, String conflictKey) {
        LOG.warn("'{}' was changed in the bucket while it was being written here; this gateway's version was saved"
                + " as '{}'", key, conflictKey);
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            Inode i = ns.byPath(key);
            if (i != null) {
                conflicts.put(i.id, conflictKey);
                Open o = staged.remove(i.id);
                if (o != null) {
                    try {
                        o.file.close();
                    } catch (IOException e) {
                        LOG.error("releasing the staged conflict copy {} failed", conflictKey, e);
                    }
                }
                i.validatedAt = 0; // the next access reads the bucket's version
            }
        } finally {
            l.unlock();
        }
    }

    /** Commits (LOCAL) every staged file with uncommitted writes: the start of a sync barrier. */
    void commitAllLocal() throws VfsException {
        for (Open o : staged.values()) {
            try {
                long size = o.file.size();
                o.file.commit(Durability.LOCAL).get();
                o.exposed = Math.max(o.exposed, size);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VfsException(VfsStatus.IO_ERROR, "interrupted committing " + o.file.key());
            } catch (ExecutionException e) {
                throw ioFailure("committing " + o.file.key(), e.getCause());
            }
        }
    }

    /** A staging write. */
    @FunctionalInterface
    private interface StagingIo {
        void run() throws IOException;
    }

    /** How much of the cache a staging write that found the disk full evicts before it tries once more. */
    static final long ROOM_BYTES = 64L << 20;

    /**
     * Runs {@code io}; when the disk is full (the staging area shares it with the chunk cache), evicts cached chunks
     * — clean copies of the bucket — and runs it once more: staged data, not yet in the bucket, comes first. A
     * commit ({@code committing}) that still finds no room gets the staging space reserve: what was written and
     * acknowledged must become durable; new writes are refused instead.
     */
    private void withRoom(String what, boolean committing, StagingIo io) throws IOException {
        try {
            io.run();
        } catch (IOException e) {
            if (!ChunkCache.noSpace(e)) {
                throw e;
            }
            int evicted = cache.shed(ROOM_BYTES);
            LOG.warn("staging disk full {} ({}): evicted {} cached chunks to make room", what, e.getMessage(), evicted);
            if (evicted == 0 && !(committing && wb().releaseSpaceReserve())) {
                throw e;
            }
            io.run();
        }
    }

    /** Commits (LOCAL: data and manifest synced) what {@code o} wrote, making room on a full disk if it must. */
    private void commitLocal(Open o) throws IOException {
        withRoom("committing " + o.file.key(), true, () -> {
            try {
                o.file.commit(Durability.LOCAL).join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e;
            }
        });
    }

    /** Closes readers and commits open staged files (LOCAL) at shutdown. */
    void close() {
        readers.values().forEach(CachedReader::close);
        readers.clear();
        for (Open o : staged.values()) {
            try {
                commitLocal(o);
                o.file.close();
            } catch (IOException | RuntimeException e) {
                LOG.error("committing {} at shutdown failed; it stays staged", o.file.key(), e);
            }
        }
        staged.clear();
    }

    static VfsException ioFailure(String what, Throwable e) {
        if (e instanceof StagingFullException) {
            return new VfsException(VfsStatus.NO_SPACE, what + ": staging area full", e);
        }
        if (e instanceof ObjectStoreException ose) {
            return BucketProbe.io(what, ose);
        }
        return new VfsException(VfsStatus.IO_ERROR, what + ": " + e, e);
    }
}
