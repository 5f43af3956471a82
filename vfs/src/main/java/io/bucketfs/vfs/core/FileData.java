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
        volatile boolean committed;

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
    private java.util.function.BiConsumer<String, Long> oldKeyDeleter = (k, id) -> { };

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

    private WriteBack wb() {
        return writeBackRef.get();
    }

    /** A lock timer on the mount's scheduler (lease break timeouts). */
    io.bucketfs.vfs.lock.LockTimer lockTimer() {
        return io.bucketfs.vfs.lock.LockTimer.of(timer);
    }

    /** Who deletes the old key of a renamed file whose earlier upload had already reached it. */
    void onOldKey(java.util.function.BiConsumer<String, Long> deleter) {
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
            meta = BucketVfs.objectMetadata(i);
        } finally {
            l.unlock();
        }
        if (base.exists()) {
            baseSizes.put(key + "\n" + base.etag(), base.size());
        }
        try {
            StagedFile f = wb().stage(storeId, key, base, cond);
            f.setMetadata(meta, null);
            Open mine = new Open(f);
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

    /** Truncates or extends (stages the file first). Not under a lock. */
    void truncate(Inode i, long size) throws VfsException {
        Open o = stagedFor(i);
        try {
            o.file.truncate(size);
        } catch (RuntimeException e) {
            throw ioFailure("truncating '" + i.name + "'", e);
        }
        o.lastWrite = System.nanoTime();
        o.committed = false;
    }

    void write(Inode i, long offset, ByteBuffer src, Instant now) throws VfsException {
        Open o = stagedFor(i);
        long end = offset + src.remaining();
        try {
            o.file.write(offset, src);
        } catch (StagingFullException e) {
            throw new VfsException(VfsStatus.NO_SPACE, "staging area full: " + e.getMessage(), e);
        } catch (IOException e) {
            throw ioFailure("writing '" + i.name + "'", e);
        }
        o.lastWrite = System.nanoTime();
        o.committed = false;
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

    /** Makes the staged bytes of {@code i} durable per {@code durability}. */
    void commit(Inode i, MountSettings.Durability durability) throws VfsException {
        Open o = staged.get(i.id);
        if (o == null) {
            return;
        }
        var f = o.file.commit(durability == MountSettings.Durability.OBJECT_STORE ? Durability.OBJECT_STORE
                : Durability.LOCAL);
        o.committed = true;
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

    /** Later uploads of a renamed staged file go to {@code newKey}. Caller holds the namespace write lock. */
    void retarget(Inode i, String newKey) throws VfsException {
        Open o = staged.get(i.id);
        if (o == null) {
            return;
        }
        String oldKey = o.file.key();
        try {
            o.file.retarget(newKey, WriteCondition.NONE).thenAccept(wroteOld -> {
                if (wroteOld) {
                    oldKeyDeleter.accept(oldKey, i.id);
                }
            });
        } catch (IOException e) {
            throw ioFailure("renaming the staged '" + i.name + "'", e);
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
        if (idle < IDLE_COMMIT.toNanos()) {
            timer.schedule(() -> idleCheck(id), IDLE_COMMIT.toMillis(), TimeUnit.MILLISECONDS);
            return;
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
            try {
                int n = o.file.read(offset, dst);
                long size = o.file.size();
                return n < 0 ? new ReadResult(0, true) : new ReadResult(n, offset + n >= size);
            } catch (IOException e) {
                throw ioFailure("reading '" + i.name + "'", e);
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
            if (i != null && !i.isDir()) {
                ns.workFinished(i);
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
            f.exceptionally(t -> {
                if (t instanceof io.bucketfs.vfs.journal.JournalClosedException) {
                    LOG.debug("upload of {} ended after shutdown began; the next start learns it", key);
                } else {
                    LOG.error("journaling the upload of {} failed", key, t);
                }
                return null;
            });
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
                o.file.commit(Durability.LOCAL).get();
                o.committed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VfsException(VfsStatus.IO_ERROR, "interrupted committing " + o.file.key());
            } catch (ExecutionException e) {
                throw ioFailure("committing " + o.file.key(), e.getCause());
            }
        }
    }

    /** Closes readers and commits open staged files (LOCAL) at shutdown. */
    void close() {
        readers.values().forEach(CachedReader::close);
        readers.clear();
        for (Open o : staged.values()) {
            try {
                o.file.close();
            } catch (IOException e) {
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
