package io.bucketfs.cache;

import io.bucketfs.backends.ObjectStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads one open file (one {@link ObjectVersion}) through its {@link ChunkCache}, with sequential read-ahead.
 * Thread-safe: a VFS may serve parallel reads of one open file through one reader.
 *
 * <h2>Read-ahead</h2>
 * A read is <em>sequential</em> when it starts within one chunk of where the previous read ended (NFS clients
 * reorder their parallel READs a little), or is the first read and starts at offset 0. While reads are
 * sequential, the reader keeps the next {@code window} chunks after the one being read fetched or in flight, by
 * parallel ranged GETs on the cache's fetch pool. The window starts at
 * {@value CacheSettings#INITIAL_READ_AHEAD_CHUNKS} chunks and doubles each time the reader enters a new chunk, up
 * to {@link CacheSettings#readAheadMaxChunks()}. Read-ahead bytes in flight across all readers are bounded by
 * {@link CacheSettings#readAheadMaxBytes()}: when the budget is spent the reader issues nothing more until its
 * next read. A non-sequential read (or {@link #close}) abandons the read-ahead not yet started and resets the
 * window; fetches already running finish into the cache.
 *
 * <p>Repeated reads within one chunk count as one use of it for the eviction policy, so a sequential reader's
 * many small reads do not make a scanned chunk look popular.
 */
public final class CachedReader implements Closeable {

    private final ChunkCache cache;
    private final ObjectStore store;
    private final ObjectVersion version;
    private final int maxWindow;
    private final int chunkSize;
    private final Object lock = new Object();
    /** Bumped when read-ahead is abandoned; queued fetches of an older generation are dropped. */
    private volatile int generation;
    private volatile boolean closed;
    // guarded by lock:
    private long lastEnd = -1;
    private int lastChunkRead = -1;
    private boolean sequential;
    private int window;
    private int issuedUpTo = -1;

    CachedReader(ChunkCache cache, ObjectStore store, ObjectVersion version) {
        this.cache = cache;
        this.store = store;
        this.version = version;
        this.maxWindow = cache.settings().readAheadMaxChunks();
        this.chunkSize = cache.settings().chunkSize();
        this.window = Math.min(CacheSettings.INITIAL_READ_AHEAD_CHUNKS, maxWindow);
    }

    /** The version this reader is pinned to. */
    public ObjectVersion version() {
        return version;
    }

    /**
     * Reads from {@code offset} into {@code dst} as {@link ChunkCache#read} does, first issuing read-ahead if the
     * access is sequential.
     *
     * @return bytes read, or -1 at or after the end
     * @throws ObjectChangedException the object is no longer this reader's version
     */
    public int read(long offset, ByteBuffer dst) throws IOException {
        int untouched;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("reader of " + version + " is closed");
            }
            untouched = lastChunkRead;
            observe(offset, dst.remaining());
        }
        return cache.read(store, version, offset, dst, untouched);
    }

    /** Whether the last read was seen as sequential (read-ahead active). */
    public boolean sequential() {
        synchronized (lock) {
            return sequential;
        }
    }

    private void observe(long offset, int length) {
        if (offset < 0 || offset >= version.size() || length == 0) {
            return;
        }
        long end = Math.min(version.size(), offset + length);
        int endChunk = cache.chunkIndex(end - 1);
        boolean seq = lastEnd < 0 ? offset == 0
                : offset >= lastEnd - chunkSize && offset <= lastEnd + chunkSize;
        if (seq) {
            if (sequential && endChunk > lastChunkRead) {
                window = Math.min(window * 2, maxWindow);
            }
        } else {
            if (issuedUpTo >= 0) {
                generation++;
            }
            window = Math.min(CacheSettings.INITIAL_READ_AHEAD_CHUNKS, maxWindow);
            issuedUpTo = -1;
        }
        sequential = seq;
        lastEnd = end;
        lastChunkRead = endChunk;
        if (seq && maxWindow > 0) {
            issueReadAhead(endChunk);
        }
    }

    private void issueReadAhead(int current) {
        int last = cache.chunkCount(version) - 1;
        int to = Math.min(current + window, last);
        int gen = generation;
        for (int i = Math.max(issuedUpTo + 1, current + 1); i <= to; i++) {
            ChunkCache.Prefetch p = cache.prefetch(store, version, i, () -> !closed && generation == gen);
            if (p == ChunkCache.Prefetch.NO_BUDGET) {
                return;
            }
            issuedUpTo = i;
        }
    }

    /** Abandons read-ahead not yet started. Reads after close fail. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            generation++;
        }
    }
}
