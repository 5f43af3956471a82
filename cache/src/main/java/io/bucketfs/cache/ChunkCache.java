package io.bucketfs.cache;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read cache: chunks of object versions in files of a local directory, shared by every client of every
 * protocol and every mount (chunks are keyed by store, key, ETag and index, see {@link ObjectVersion}).
 *
 * <h2>Promises</h2>
 * <ul>
 *   <li><b>Never mixes versions.</b> Every backend GET is a ranged GET pinned with {@code If-Match} on the
 *       version's ETag; a refused condition is an {@link ObjectChangedException}. Chunks of one version are never
 *       served for another.</li>
 *   <li><b>Bounded.</b> Chunk files (headers included) never take more than
 *       {@link CacheSettings#capacityBytes()} plus one chunk per fetch in flight: a fetch reserves its file's
 *       length before its GET, evicting to make room, and gives the reservation back if it fails.</li>
 *   <li><b>Single-flight.</b> Concurrent readers of a missing chunk cause one GET; they all get its outcome, a
 *       failure included; the next read after a failure retries.</li>
 *   <li><b>Warm across restart, never serving bad data.</b> {@link #open} rebuilds the index from the chunk files'
 *       headers; a chunk's data is checked against its CRC32C on its first read after open (see
 *       {@link ChunkFiles} for the layout), a failing chunk is dropped and fetched again.</li>
 *   <li><b>Other failures are typed.</b> Backend failures other than a changed object surface as the store's
 *       {@link ObjectStoreException} (a deleted object is NOT_FOUND).</li>
 * </ul>
 *
 * <h2>Verification and its cost</h2>
 * Each chunk's CRC32C is computed while it is written (free: the bytes pass through anyway). A chunk loaded at
 * open is verified on its first read: one sequential read of the whole chunk file instead of the requested range
 * (at most {@link CacheSettings#chunkSize()} bytes, CRC32C is hardware-assisted at several GB/s), once per chunk
 * per process lifetime — so open costs one header read per file, not a read of the whole cache. Chunks written by
 * this process are trusted afterwards unless {@link CacheSettings#verifyEveryRead()} is set (then every access
 * reads its whole chunk).
 *
 * <h2>Concurrency design</h2>
 * <ul>
 *   <li>One index lock (a {@link ReentrantLock}) guards the {@link ChunkIndex}: the map, the eviction policy and
 *       the used/reserved accounting. It is held for in-memory work only — lookups, reservations, commits — never
 *       during I/O: GETs, chunk reads and writes and the deletion of evicted files happen after unlocking.</li>
 *   <li>Single-flight is a {@link ConcurrentHashMap} of {@link ChunkFetch}es by chunk key. A fetch is removed from
 *       it before its waiters are woken, after its chunk is in the index; a fetch looks the index up again before
 *       its GET, so a reader that missed just before a commit does not fetch twice.</li>
 *   <li>Chunk files are immutable once renamed into place; readers open them without a lock. A file evicted
 *       between lookup and open is looked up again; one evicted while open stays readable until closed (POSIX
 *       unlink semantics; the appliance runs Linux).</li>
 *   <li>Demand misses are fetched on the caller's thread (the VFS worker pools bound those); read-ahead runs on a
 *       fetch pool of {@link CacheSettings#fetchThreads()} threads, its bytes in flight bounded by a
 *       {@link ReadAheadBudget}; a demand reader needing a queued read-ahead chunk runs that fetch itself.</li>
 *   <li>Lock order: a {@link CachedReader}'s own lock, then the index lock. {@link CacheListener}s are called
 *       outside both.</li>
 * </ul>
 */
public final class ChunkCache implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkCache.class);
    /** How many times one chunk read may find its file evicted or corrupt before the read fails. */
    static final int MAX_ATTEMPTS = 4;

    /** What {@link #prefetch} did. */
    enum Prefetch { ISSUED, PRESENT, NO_BUDGET }

    private final Path dir;
    private final CacheSettings settings;
    private final CacheListener listener;
    private final ChunkFiles files;
    private final CacheDirectory directory;
    private final ReentrantLock indexLock = new ReentrantLock();
    /** Guarded by {@link #indexLock}. */
    private final ChunkIndex index;
    private final ConcurrentHashMap<ChunkKey, ChunkFetch> inflight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor fetchPool;
    private final ReadAheadBudget budget;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder bytesFromBackend = new LongAdder();
    private final LongAdder bytesServed = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder corruptChunks = new LongAdder();
    private final LongAdder readAheadChunks = new LongAdder();
    private volatile boolean closed;

    private ChunkCache(Path dir, CacheSettings settings, CacheListener listener, CacheDirectory directory) {
        this.dir = dir;
        this.settings = settings;
        this.listener = listener;
        this.directory = directory;
        this.files = new ChunkFiles(dir);
        this.index = new ChunkIndex(settings.capacityBytes(), settings.eviction());
        this.budget = new ReadAheadBudget(settings.readAheadMaxBytes());
        AtomicInteger threads = new AtomicInteger();
        this.fetchPool = new ThreadPoolExecutor(settings.fetchThreads(), settings.fetchThreads(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "bucketfs-cache-fetch-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.fetchPool.allowCoreThreadTimeOut(true);
    }

    /** Opens the cache in {@code dir} with no listener; see {@link #open(Path, CacheSettings, CacheListener)}. */
    public static ChunkCache open(Path dir, CacheSettings settings) throws IOException {
        return open(dir, settings, CacheListener.NONE);
    }

    /**
     * Opens the cache in {@code dir}, creating it if missing. Chunks left by a previous run are indexed from their
     * headers (malformed files are deleted, data is verified lazily); a directory made with another chunk size or
     * format, or wiped, starts empty. If the chunks exceed {@code capacityBytes} (it was lowered) the excess is
     * evicted. One process at a time: a second open of the same directory fails.
     */
    public static ChunkCache open(Path dir, CacheSettings settings, CacheListener listener) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        Path d = dir.toAbsolutePath().normalize();
        CacheDirectory directory = CacheDirectory.lock(d, settings.chunkSize());
        try {
            ChunkCache cache = new ChunkCache(d, settings, listener, directory);
            cache.load();
            return cache;
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private void load() throws IOException {
        files.prepare();
        ChunkFiles.Scan scan = files.scan(settings.chunkSize());
        List<ChunkEntry> surplus = new java.util.ArrayList<>();
        indexLock.lock();
        try {
            for (ChunkEntry e : scan.entries()) {
                ChunkEntry replaced = index.commit(e, 0);
                if (replaced != null) {
                    surplus.add(replaced);
                }
            }
            surplus.addAll(index.trim());
        } finally {
            indexLock.unlock();
        }
        surplus.forEach(files::delete);
        corruptChunks.add(scan.dropped());
        LOG.info("chunk cache {}: {} chunks ({} bytes) loaded, {} malformed dropped, {} over capacity or duplicate "
                + "dropped", dir, scan.entries().size() - surplus.size(), index.used(), scan.dropped(), surplus.size());
    }

    /** The settings the cache was opened with. */
    public CacheSettings settings() {
        return settings;
    }

    /**
     * Reads from {@code offset} of version {@code v} into {@code dst} until it is full or the object ends, from
     * cached chunks, fetching missing ones with ranged GETs pinned with If-Match on {@code v.etag()}.
     *
     * @return the number of bytes read, or -1 if {@code offset >= v.size()} (a zero-byte object is always -1);
     *         0 only if {@code dst} has no room
     * @throws ObjectChangedException the object is no longer version {@code v}
     * @throws ObjectStoreException   any other backend failure, by kind
     */
    public int read(ObjectStore store, ObjectVersion v, long offset, ByteBuffer dst) throws IOException {
        return read(store, v, offset, dst, -1);
    }

    /** {@link #read(ObjectStore, ObjectVersion, long, ByteBuffer)}; chunk {@code untouched} is no re-use. */
    int read(ObjectStore store, ObjectVersion v, long offset, ByteBuffer dst, int untouched) throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(v, "version");
        checkOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (offset >= v.size()) {
            return -1;
        }
        int total = 0;
        long pos = offset;
        while (dst.hasRemaining() && pos < v.size()) {
            int idx = chunkIndex(pos);
            int n = readChunk(store, v, idx, (int) (pos - chunkStart(idx)), dst, idx != untouched);
            pos += n;
            total += n;
        }
        bytesServed.add(total);
        long served = total;
        notify(l -> l.onServed(v, served));
        return total;
    }

    /**
     * A reader for one open file of version {@code v}: reads like {@link #read}, and issues read-ahead while the
     * access is sequential. Close it when the file is closed.
     */
    public CachedReader reader(ObjectStore store, ObjectVersion v) {
        checkOpen();
        return new CachedReader(this, Objects.requireNonNull(store, "store"), Objects.requireNonNull(v, "version"));
    }

    private int readChunk(ObjectStore store, ObjectVersion v, int idx, int within, ByteBuffer dst, boolean touch)
            throws IOException {
        boolean use = touch;
        for (int attempt = 1; ; attempt++) {
            ChunkEntry e = chunk(store, v, idx, use);
            boolean verify = settings.verifyEveryRead() || !e.verified;
            try {
                int n = files.read(e, within, dst, verify);
                e.verified = true;
                return n;
            } catch (NoSuchFileException gone) {
                drop(e);
            } catch (ChunkFiles.CorruptChunkException bad) {
                LOG.warn("cache chunk dropped: {}", bad.getMessage());
                corruptChunks.increment();
                drop(e);
                notify(l -> l.onCorruptChunk(e.file.toString()));
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new IOException("chunk " + idx + " of " + v + " was evicted or corrupt " + attempt
                        + " times in a row");
            }
            use = false;
        }
    }

    /** The entry of chunk {@code idx} of {@code v}, fetching it (or waiting for its fetch) if missing. */
    private ChunkEntry chunk(ObjectStore store, ObjectVersion v, int idx, boolean touch) throws IOException {
        ChunkKey k = ChunkKey.of(v, idx);
        boolean missed = false;
        while (true) {
            ChunkEntry e = lookup(k, touch);
            if (e != null) {
                if (!missed) {
                    hits.increment();
                    notify(l -> l.onHit(v, idx));
                }
                return e;
            }
            if (!missed) {
                missed = true;
                misses.increment();
                notify(l -> l.onMiss(v, idx));
            }
            ChunkFetch f = inflight.computeIfAbsent(k, kk -> new ChunkFetch(kk, v, store, false));
            if (f.claim()) {
                f.readAhead = false;
                runFetch(f);
            }
            try {
                return f.await();
            } catch (ChunkFetch.Abandoned a) {
                // a queued read-ahead was dropped: look again
            }
        }
    }

    private ChunkEntry lookup(ChunkKey k, boolean touch) {
        indexLock.lock();
        try {
            return index.get(k, touch);
        } finally {
            indexLock.unlock();
        }
    }

    private void drop(ChunkEntry e) {
        boolean removed;
        indexLock.lock();
        try {
            removed = index.removeExact(e);
        } finally {
            indexLock.unlock();
        }
        if (removed) {
            files.delete(e);
        }
    }

    /** Runs a claimed fetch to its end: the chunk is in the index, or every waiter gets the failure. */
    private void runFetch(ChunkFetch f) {
        ChunkEntry result = null;
        Throwable failure = null;
        try {
            result = lookup(f.key, false);
            if (result == null) {
                result = fetchAndCommit(f);
            }
        } catch (Throwable t) {
            failure = t;
            LOG.debug("fetch of {} failed: {}", f.key, t.toString());
        } finally {
            inflight.remove(f.key, f);
            if (result != null) {
                f.complete(result);
            } else {
                f.fail(failure != null ? failure
                        : new IllegalStateException("fetch of " + f.key + " ended without a result"));
            }
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
    }

    /** How many times a chunk whose body broke off (reset, truncated) is fetched before the read fails. */
    static final int BODY_ATTEMPTS = 4;

    /**
     * Gives back at least {@code bytes} of the disk by evicting resident chunks (fewer if it holds less): for the
     * staging area on the same disk, whose writes must not fail while clean chunks take the room.
     *
     * @return the chunks evicted
     */
    public int shed(long bytes) {
        List<ChunkEntry> victims;
        indexLock.lock();
        try {
            victims = index.shed(bytes);
        } finally {
            indexLock.unlock();
        }
        dropEvicted(victims);
        return victims.size();
    }

    /** How many chunks' worth a fetch evicts when the cache disk is full ({@link #noSpace}). */
    static final int SHED_CHUNKS = 4;

    /** Whether {@code e} is the file system's "no space left on device" (ENOSPC) or quota exceeded. */
    public static boolean noSpace(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
    }

    private ChunkEntry fetchAndCommit(ChunkFetch f) throws IOException {
        ObjectVersion v = f.version;
        long start = chunkStart(f.key.index());
        int len = chunkLength(v, f.key.index());
        long fileLength = ChunkFiles.fileLength(f.key, len);
        reserve(f.key.storeId(), fileLength);
        boolean committed = false;
        try {
            long t0 = System.nanoTime();
            ChunkEntry e = null;
            for (int attempt = 1; e == null; attempt++) {
                boolean body = false;
                try (ObjectContent c = f.store.get(v.key(), GetOptions.range(start, len).withIfMatch(v.etag()))) {
                    if (c.info().size() != v.size() || c.length() != len) {
                        throw new ObjectChangedException(v, "GET " + v.key() + " with ETag " + v.etag()
                                + " answered " + c.length() + " bytes of an object of " + c.info().size()
                                + ", expected " + len + " of " + v.size(), null);
                    }
                    body = true;
                    e = files.write(f.key, c.stream(), len);
                } catch (ObjectStoreException ex) {
                    if (ex.kind() == ObjectStoreException.Kind.PRECONDITION_FAILED) {
                        throw new ObjectChangedException(v, "object " + v.key() + " is no longer ETag " + v.etag(),
                                ex);
                    }
                    // the GET itself was retried by the store; a body cut short (reset, truncated) is fetched again
                    if (!body || !ex.kind().retryable() || attempt >= BODY_ATTEMPTS) {
                        throw ex;
                    }
                    LOG.debug("body of {} failed ({}), attempt {} of {}; fetching it again", f.key, ex.getMessage(),
                            attempt, BODY_ATTEMPTS);
                } catch (IOException ex) {
                    if (!noSpace(ex) || attempt >= BODY_ATTEMPTS) {
                        throw ex;
                    }
                    // the disk filled before the cache did: make room by evicting, then fetch the chunk again
                    int evicted = shed(SHED_CHUNKS * fileLength);
                    LOG.warn("cache disk full writing {} ({}): evicted {} chunks to make room", f.key,
                            ex.getMessage(), evicted);
                    if (evicted == 0) {
                        throw ex; // nothing of ours to give back: the disk is full of something else
                    }
                }
            }
            long nanos = System.nanoTime() - t0;
            boolean ahead = f.readAhead;
            ChunkEntry replaced;
            indexLock.lock();
            try {
                e.prefetched = ahead;
                replaced = index.commit(e, fileLength);
                committed = true;
            } finally {
                indexLock.unlock();
            }
            if (replaced != null) {
                files.delete(replaced);
            }
            bytesFromBackend.add(len);
            if (ahead) {
                readAheadChunks.increment();
            }
            notify(l -> l.onFetch(v, f.key.index(), len, nanos, ahead));
            return e;
        } finally {
            if (!committed) {
                release(f.key.storeId(), fileLength);
            }
        }
    }

    /**
     * Reserves room for a chunk file of {@code storeId}, deleting the files of the chunks evicted for it (outside
     * the lock).
     */
    private void reserve(String storeId, long fileLength) {
        List<ChunkEntry> victims;
        indexLock.lock();
        try {
            victims = index.reserve(storeId, fileLength);
        } finally {
            indexLock.unlock();
        }
        dropEvicted(victims);
    }

    /**
     * Caps the bytes the chunks of {@code storeId} (a mount) may take, within the capacity ({@code <= 0}: no cap
     * of its own): once at the cap, a miss of that store evicts that store's chunks, not another's. Lowering it
     * evicts down to it now.
     */
    public void limit(String storeId, long bytes) {
        Objects.requireNonNull(storeId, "storeId");
        List<ChunkEntry> victims;
        indexLock.lock();
        try {
            victims = index.limit(storeId, bytes);
        } finally {
            indexLock.unlock();
        }
        dropEvicted(victims);
    }

    /** The bytes cached for {@code storeId} now, and its cap ({@link #limit}; the capacity if none). */
    public long[] usage(String storeId) {
        indexLock.lock();
        try {
            return new long[] {index.usedBy(storeId), index.limitOf(storeId)};
        } finally {
            indexLock.unlock();
        }
    }

    private void dropEvicted(List<ChunkEntry> victims) {
        if (!victims.isEmpty()) {
            long bytes = 0;
            for (ChunkEntry e : victims) {
                files.delete(e);
                bytes += e.fileLength();
            }
            evictions.add(victims.size());
            long b = bytes;
            notify(l -> l.onEviction(victims.size(), b));
        }
    }

    private void release(String storeId, long fileLength) {
        indexLock.lock();
        try {
            index.release(storeId, fileLength);
        } finally {
            indexLock.unlock();
        }
    }

    /**
     * Issues a read-ahead fetch of chunk {@code idx} on the fetch pool unless it is cached or in flight, or the
     * read-ahead budget is spent. {@code wanted} is asked when the fetch is about to run; false drops it.
     */
    Prefetch prefetch(ObjectStore store, ObjectVersion v, int idx, BooleanSupplier wanted) {
        ChunkKey k = ChunkKey.of(v, idx);
        if (closed || inflight.containsKey(k) || lookup(k, false) != null) {
            return Prefetch.PRESENT;
        }
        long bytes = chunkLength(v, idx);
        if (!budget.tryAcquire(bytes)) {
            return Prefetch.NO_BUDGET;
        }
        ChunkFetch f = new ChunkFetch(k, v, store, true);
        if (inflight.putIfAbsent(k, f) != null) {
            budget.release(bytes);
            return Prefetch.PRESENT;
        }
        f.future().whenComplete((e, t) -> budget.release(bytes));
        try {
            fetchPool.execute(() -> runReadAhead(f, wanted));
        } catch (RejectedExecutionException closing) {
            abandon(f);
        }
        return Prefetch.ISSUED;
    }

    private void runReadAhead(ChunkFetch f, BooleanSupplier wanted) {
        if (closed || !wanted.getAsBoolean()) {
            abandon(f);
        } else if (f.claim()) {
            runFetch(f);
        }
    }

    private void abandon(ChunkFetch f) {
        if (f.claim()) {
            inflight.remove(f.key, f);
            f.abandon();
        }
    }

    /** Drops every cached chunk of every version of {@code key} in {@code storeId}. */
    public void invalidate(String storeId, String key) {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(key, "key");
        List<ChunkEntry> removed;
        indexLock.lock();
        try {
            removed = index.removeObject(storeId, key);
        } finally {
            indexLock.unlock();
        }
        removed.forEach(files::delete);
    }

    /**
     * Makes the first {@code v.size()} bytes of {@code data} (a file the write path just uploaded as version
     * {@code v}) cached chunks of {@code v}, without a download. Reads {@code data} by position; its position is
     * not changed and it is not closed. Chunks of other versions of the key are left alone (use
     * {@link #invalidate}). Space is made as for a fetch, so adopting a file larger than the cache keeps only
     * what the policy lets stay.
     */
    public void adopt(ObjectVersion v, FileChannel data) throws IOException {
        Objects.requireNonNull(v, "version");
        checkOpen();
        if (data.size() < v.size()) {
            throw new IOException("cannot adopt " + v + ": the file has only " + data.size() + " bytes");
        }
        for (int idx = 0; idx < chunkCount(v); idx++) {
            ChunkKey k = ChunkKey.of(v, idx);
            int len = chunkLength(v, idx);
            long fileLength = ChunkFiles.fileLength(k, len);
            reserve(v.storeId(), fileLength);
            boolean committed = false;
            try {
                ChunkEntry e = files.write(k, ChunkFiles.rangeOf(data, chunkStart(idx), len), len);
                ChunkEntry replaced;
                indexLock.lock();
                try {
                    replaced = index.commit(e, fileLength);
                    committed = true;
                } finally {
                    indexLock.unlock();
                }
                if (replaced != null) {
                    files.delete(replaced);
                }
            } finally {
                if (!committed) {
                    release(v.storeId(), fileLength);
                }
            }
        }
    }

    /** The counters and gauges now. */
    public CacheStats stats() {
        long used;
        long reserved;
        int chunks;
        indexLock.lock();
        try {
            used = index.used();
            reserved = index.reserved();
            chunks = index.size();
        } finally {
            indexLock.unlock();
        }
        return new CacheStats(hits.sum(), misses.sum(), bytesFromBackend.sum(), bytesServed.sum(), evictions.sum(),
                corruptChunks.sum(), readAheadChunks.sum(), budget.inFlight(), budget.peak(), used, reserved,
                settings.capacityBytes(), chunks);
    }

    /** The directory the cache lives in. */
    public Path directory() {
        return dir;
    }

    /** The directory holding the chunk files (for operators and tests: its files are what capacity bounds). */
    public Path chunksDirectory() {
        return files.chunksDir();
    }

    int chunkIndex(long offset) {
        return (int) (offset / settings.chunkSize());
    }

    long chunkStart(int idx) {
        return (long) idx * settings.chunkSize();
    }

    int chunkLength(ObjectVersion v, int idx) {
        return (int) Math.min(settings.chunkSize(), v.size() - chunkStart(idx));
    }

    int chunkCount(ObjectVersion v) {
        return (int) ((v.size() + settings.chunkSize() - 1) / settings.chunkSize());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("chunk cache " + dir + " is closed");
        }
    }

    private void notify(Consumer<CacheListener> event) {
        if (listener == CacheListener.NONE) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("cache listener failed", e);
        }
    }

    /**
     * Stops read-ahead (queued fetches are dropped, running ones are waited for up to a few seconds) and releases
     * the directory. Chunks stay on disk for the next {@link #open}. Reads after close fail.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        fetchPool.shutdown();
        try {
            if (!fetchPool.awaitTermination(10, TimeUnit.SECONDS)) {
                fetchPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fetchPool.shutdownNow();
        } finally {
            directory.close();
        }
    }
}
