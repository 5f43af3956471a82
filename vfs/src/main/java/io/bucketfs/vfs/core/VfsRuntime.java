package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.cache.CacheSettings;
import io.bucketfs.cache.ChunkCache;
import io.bucketfs.cache.write.UploadListener;
import io.bucketfs.cache.write.WriteBack;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.Journal;
import io.bucketfs.vfs.journal.JournalSettings;
import io.bucketfs.vfs.journal.Replay;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the mounts of one gateway share: the chunk cache and the write-back stager on the cache disk, and a
 * metadata journal per mount in the durable state directory. Opening it replays every journal, then recovers the
 * stager (uploading what was acknowledged but not yet uploaded), then starts the background work.
 *
 * <pre>
 *   stateDir/journal/&lt;storeId&gt;/    one journal per mount (durable disk)
 *   cacheDir/chunks/                 the chunk cache
 *   cacheDir/staging/                staged writes
 * </pre>
 */
public final class VfsRuntime implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(VfsRuntime.class);

    /** What one mount needs: its settings and its bucket. */
    public record MountSpec(MountSettings settings, ObjectStore store) {
        public MountSpec {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(store, "store");
        }
    }

    private final Path stateDir;
    private final ChunkCache cache;
    private final JournalSettings journalSettings;
    private final AtomicReference<WriteBack> writeBack = new AtomicReference<>();
    /** Copy-on-write under {@code this}: background threads (uploads, snapshots) read it without a lock. */
    private volatile Map<String, BucketVfs> mounts = Map.of();
    private final ScheduledExecutorService timer;
    /** Told each journal fsync: (mount, nanoseconds); for metrics. */
    private volatile java.util.function.ObjLongConsumer<String> journalFsyncs = (m, nanos) -> { };
    private final Clock clock;

    private VfsRuntime(Path stateDir, ChunkCache cache, JournalSettings journalSettings, Clock clock) {
        this.stateDir = stateDir;
        this.cache = cache;
        this.journalSettings = journalSettings;
        this.clock = clock;
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "bucketfs-vfs-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the runtime with its mounts (more can be added later with {@link #addMount}). */
    public static VfsRuntime open(Path stateDir, Path cacheDir, CacheSettings cacheSettings,
                                  WriteBackSettings writeSettings, JournalSettings journalSettings,
                                  Iterable<MountSpec> specs) throws IOException {
        return open(stateDir, cacheDir, cacheSettings, writeSettings, journalSettings, specs,
                io.bucketfs.cache.CacheListener.NONE);
    }

    /** {@link #open(Path, Path, CacheSettings, WriteBackSettings, JournalSettings, Iterable)} with a cache hook. */
    public static VfsRuntime open(Path stateDir, Path cacheDir, CacheSettings cacheSettings,
                                  WriteBackSettings writeSettings, JournalSettings journalSettings,
                                  Iterable<MountSpec> specs, io.bucketfs.cache.CacheListener cacheListener)
            throws IOException {
        ChunkCache cache = ChunkCache.open(cacheDir.resolve("chunks"), cacheSettings, cacheListener);
        VfsRuntime rt = new VfsRuntime(stateDir, cache, journalSettings, Clock.systemUTC());
        try {
            for (MountSpec m : specs) {
                rt.put(m.settings().storeId(), rt.replay(m));
            }
            rt.writeBack.set(WriteBack.open(cacheDir.resolve("staging"), writeSettings, rt::storeOf, rt::readBase,
                    rt.listener()));
            for (BucketVfs v : rt.mounts.values()) {
                v.data().adoptStagedSizes();
                v.start();
            }
            rt.timer.scheduleWithFixedDelay(rt::snapshots, 10, 10, TimeUnit.SECONDS);
            return rt;
        } catch (IOException | RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    /** Adds a mount to a running gateway (its journal is replayed). */
    public synchronized Vfs addMount(MountSpec spec) throws IOException {
        if (mounts.containsKey(spec.settings().storeId())) {
            throw new IllegalArgumentException("mount: '" + spec.settings().storeId() + "' exists");
        }
        BucketVfs v = replay(spec);
        put(spec.settings().storeId(), v);
        v.start();
        return v;
    }

    private synchronized void put(String storeId, BucketVfs v) {
        Map<String, BucketVfs> next = new LinkedHashMap<>(mounts);
        next.put(storeId, v);
        mounts = next;
    }

    /**
     * Removes a mount from a running gateway once everything written to it is in its bucket: open staged files
     * are committed, every acknowledged write uploaded and every pending namespace change applied, within
     * {@code timeout}. Then the mount's background work stops, its journal is closed and deleted (a mount created
     * later under the same name starts afresh), and the caller may close its store.
     *
     * <p>The caller must have stopped every protocol from reaching the mount first; requests already in flight may
     * still write. The flush runs twice while the mount serves (the second catches what such writes staged during
     * the first); if either does not finish in time (an unreachable bucket), the mount is left exactly as it was,
     * still serving, and the {@link VfsException} says why. What the very last in-flight requests staged is
     * committed when the mount stops; if that does not reach the bucket in time either, the mount is reopened from
     * its journal (its staged writes re-adopted and retried, as at a start): it keeps serving, as a new
     * {@link #mount} object, and the {@link VfsException} says so.
     */
    public void removeMount(String storeId, long timeout, TimeUnit unit) throws VfsException {
        BucketVfs v = mounts.get(storeId);
        if (v == null) {
            throw new VfsException(VfsStatus.NOT_FOUND, "no mount " + storeId);
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        flushForRemoval(v, storeId, deadline, "writes to mount " + storeId);
        flushForRemoval(v, storeId, deadline, "writes that raced the removal of mount " + storeId);
        v.stop(); // commits what a request still in flight staged
        boolean clean = true;
        try {
            writeBack.get().barrier(storeId).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            clean = false;
        }
        if (!clean) {
            reopen(v, storeId);
            throw new VfsException(VfsStatus.IO_ERROR, "writes that raced the removal of mount " + storeId + " did "
                    + "not reach its bucket in time; the mount was reopened from its journal");
        }
        synchronized (this) {
            Map<String, BucketVfs> next = new LinkedHashMap<>(mounts);
            next.remove(storeId);
            mounts = next;
        }
        try {
            v.closeJournal();
            deleteTree(stateDir.resolve("journal").resolve(storeId));
        } catch (IOException e) {
            LOG.warn("mount {} removed, but its journal could not be closed or deleted: {}", storeId, e.toString());
        }
        LOG.info("mount {} removed; its data is in the bucket", storeId);
    }

    /** Commits the mount's open files and waits, until {@code deadline}, for its uploads and bucket work. */
    private void flushForRemoval(BucketVfs v, String storeId, long deadline, String what) throws VfsException {
        try {
            v.data().commitAllLocal();
            writeBack.get().barrier(storeId).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!v.mover().awaitIdle(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new VfsException(VfsStatus.IO_ERROR, "changes of mount " + storeId + " are still being "
                        + "applied to its bucket");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(VfsStatus.IO_ERROR, "interrupted while flushing mount " + storeId);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new VfsException(VfsStatus.IO_ERROR, what + " did not reach its bucket in time"
                    + (e instanceof java.util.concurrent.TimeoutException ? "" : ": " + e.getCause()), e);
        }
    }

    /**
     * Brings back a mount whose removal stopped it but left writes staged: its journal is closed and replayed into
     * a new mount over the same store, which re-adopts the staged writes (their uploads go on) and serves.
     */
    private synchronized void reopen(BucketVfs v, String storeId) throws VfsException {
        try {
            v.closeJournal();
            BucketVfs again = replay(new MountSpec(v.mount(), v.data().store()));
            put(storeId, again);
            again.data().adoptStagedSizes();
            again.start();
            LOG.warn("mount {}: writes that raced its removal did not reach the bucket; the mount was reopened from "
                    + "its journal and keeps serving", storeId);
        } catch (IOException | RuntimeException e) {
            LOG.error("mount {}: writes that raced its removal did not reach the bucket and the mount could not be "
                    + "reopened; they stay staged and its journal stays in {}", storeId,
                    stateDir.resolve("journal").resolve(storeId), e);
            throw new VfsException(VfsStatus.IO_ERROR, "writes that raced the removal of mount " + storeId
                    + " did not reach its bucket, and the mount could not be reopened: " + e, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The VFS of a mount, or null. */
    public Vfs mount(String storeId) {
        return mounts.get(storeId);
    }

    /** Every mount by name, in the order they were opened or added (a snapshot). */
    public Map<String, Vfs> mounts() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mounts));
    }

    /** Sets the hook told the duration of every journal fsync of every mount (on the journal's writer thread). */
    public void journalFsyncObserver(java.util.function.ObjLongConsumer<String> observer) {
        this.journalFsyncs = Objects.requireNonNull(observer, "observer");
    }

    /** The counters of a mount's metadata journal, or null if there is no such mount. */
    public io.bucketfs.vfs.journal.JournalStats journalStats(String storeId) {
        BucketVfs v = mounts.get(storeId);
        return v == null ? null : v.log().journal().stats();
    }

    public ChunkCache cache() {
        return cache;
    }

    public WriteBack writeBack() {
        return writeBack.get();
    }

    private BucketVfs replay(MountSpec spec) throws IOException {
        MountSettings m = spec.settings();
        Path dir = stateDir.resolve("journal").resolve(m.storeId());
        Files.createDirectories(dir);
        Namespace ns = new Namespace(m.prefix(), clock.instant(), m.defaultDirMode(), m.defaultUid(), m.defaultGid());
        GroupReplay groups = new GroupReplay(ns);
        Journal journal = Journal.open(dir, journalSettings, Replay.of((lsn, in) -> {
            DataInputStream d = new DataInputStream(in);
            int n = d.readInt();
            for (int k = 0; k < n; k++) {
                byte[] b = new byte[d.readInt()];
                d.readFully(b);
                ns.apply(NsRecord.decode(b));
            }
        }, (lsn, payload) -> groups.apply(NsRecord.decode(payload))));
        int torn = groups.finish();
        if (torn > 0) {
            LOG.warn("mount {}: dropped {} journal records of an operation a crash cut short (never acknowledged)",
                    m.storeId(), torn);
        }
        LOG.info("mount {}: journal replayed ({}), {} inodes, {} pending bucket operations", m.storeId(),
                journal.replayStats(), ns.size(), ns.pending().size());
        journal.fsyncObserver(nanos -> journalFsyncs.accept(m.storeId(), nanos));
        MetaLog log = new MetaLog(journal);
        if (ns.generation() == 0) {
            long gen = new SecureRandom().nextLong() & Long.MAX_VALUE | 1;
            NsRecord.Epoch e = new NsRecord.Epoch(gen);
            ns.apply(e);
            journal.appendAndWait(NsRecord.encode(e));
            journal.appendAndWait(NsRecord.encode(NsRecord.InodeState.of(ns.root())));
        }
        FileData data = new FileData(m.storeId(), spec.store(), cache, writeBack::get, ns, m, timer);
        return new BucketVfs(spec.store(), m, ns, log, data, clock);
    }

    private ObjectStore storeOf(String storeId) {
        BucketVfs v = mounts.get(storeId);
        return v == null ? null : v.data().store();
    }

    private int readBase(String storeId, String key, String etag, long offset, ByteBuffer dst) throws IOException {
        BucketVfs v = mounts.get(storeId);
        if (v == null) {
            throw new ObjectStoreException(ObjectStoreException.Kind.NOT_FOUND, "no mount " + storeId);
        }
        return v.data().readBase(key, etag, offset, dst);
    }

    private UploadListener listener() {
        return new UploadListener() {
            @Override
            public void onUploaded(String storeId, String key, ObjectInfo info) {
                BucketVfs v = mounts.get(storeId);
                if (v != null) {
                    v.data().uploaded(key, info, v.log());
                }
            }

            @Override
            public void onConflict(String storeId, String key, String conflictKey) {
                BucketVfs v = mounts.get(storeId);
                if (v != null) {
                    v.data().conflicted(key, conflictKey);
                }
            }

            @Override
            public void onFailed(String storeId, String key, ObjectStoreException failure) {
                LOG.warn("upload of {} to {} failed ({}); the data stays staged and is retried", key, storeId,
                        failure.getMessage());
            }
        };
    }

    private void snapshots() {
        for (BucketVfs v : mounts.values()) {
            try {
                v.snapshotIfDue();
            } catch (IOException | RuntimeException e) {
                LOG.error("journal snapshot of mount {} failed", v.mount().storeId(), e);
            }
        }
    }

    /**
     * The {@code bucketfs sync} barrier: returns when every write acknowledged before the call is in the bucket
     * and every namespace change has been applied to it.
     */
    public void sync(long timeout, TimeUnit unit) throws VfsException {
        sync(null, timeout, unit);
    }

    /** {@link #sync(long, TimeUnit)} of one mount ({@code null}: of every mount). */
    public void sync(String storeId, long timeout, TimeUnit unit) throws VfsException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        java.util.Collection<BucketVfs> which;
        if (storeId == null) {
            which = mounts.values();
        } else {
            BucketVfs one = mounts.get(storeId);
            if (one == null) {
                throw new VfsException(VfsStatus.NOT_FOUND, "no mount " + storeId);
            }
            which = java.util.List.of(one);
        }
        try {
            for (BucketVfs v : which) {
                v.data().commitAllLocal();
            }
            writeBack.get().barrier(storeId).get(timeout, unit);
            for (BucketVfs v : which) {
                long left = deadline - System.nanoTime();
                if (!v.mover().awaitIdle(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    throw new VfsException(VfsStatus.IO_ERROR, "bucket work of " + v.mount().storeId()
                            + " did not finish in time");
                }
            }
            writeBack.get().barrier(storeId).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(VfsStatus.IO_ERROR, "interrupted during sync");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new VfsException(VfsStatus.IO_ERROR, "sync did not complete: " + e, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (BucketVfs v : mounts.values()) {
            v.stop();
        }
        WriteBack wb = writeBack.get();
        if (wb != null) {
            wb.close();
        }
        for (BucketVfs v : mounts.values()) {
            try {
                v.closeJournal();
            } catch (IOException e) {
                LOG.error("closing the journal of mount {} failed", v.mount().storeId(), e);
            }
        }
        try {
            cache.close();
        } catch (IOException e) {
            LOG.error("closing the cache failed", e);
        }
    }
}
