package io.bucketfs.cache;

import java.util.Objects;

/**
 * The settings of one {@link ChunkCache}.
 *
 * @param chunkSize          bytes per chunk; every chunk but an object's last has this size. Default
 *                           {@value #DEFAULT_CHUNK_SIZE}. Changing it on a warm cache keeps old chunks (they are
 *                           keyed by index) only if the size is unchanged: chunks of another size are dropped at open
 * @param capacityBytes      the most bytes of chunk files (headers included) the cache directory holds; exceeded by
 *                           at most one chunk per fetch in flight. The mount's {@code cache-size}. Default
 *                           {@value #DEFAULT_CAPACITY_BYTES}
 * @param fetchThreads       threads of the fetch pool, which runs read-ahead GETs (demand misses run on the caller's
 *                           thread). Default {@value #DEFAULT_FETCH_THREADS}
 * @param readAheadMaxBytes  the most bytes of read-ahead fetches issued and not finished, across all readers; a
 *                           reader issues no read-ahead while the budget is spent. Default
 *                           {@value #DEFAULT_READ_AHEAD_MAX_BYTES}
 * @param readAheadMaxChunks the largest read-ahead window of one reader, in chunks beyond the one being read. The
 *                           window starts at {@value #INITIAL_READ_AHEAD_CHUNKS} and doubles with each chunk read
 *                           sequentially. Default {@value #DEFAULT_READ_AHEAD_MAX_CHUNKS}; 0 turns read-ahead off
 * @param eviction           the eviction policy. Default {@link Eviction#S3_FIFO} (see {@link Eviction})
 * @param verifyEveryRead    whether every read of a chunk checks its CRC32C (costs one full read of the chunk file
 *                           per access); when false (the default) a chunk is verified once, on its first read after
 *                           the cache was opened, and chunks written by this process are trusted
 */
public record CacheSettings(int chunkSize, long capacityBytes, int fetchThreads, long readAheadMaxBytes,
                            int readAheadMaxChunks, Eviction eviction, boolean verifyEveryRead) {

    /** 4 MiB: large enough that per-GET latency is amortised, small enough for ranged reads of large files. */
    public static final int DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
    /** 10 GiB. */
    public static final long DEFAULT_CAPACITY_BYTES = 10L * 1024 * 1024 * 1024;
    public static final int DEFAULT_FETCH_THREADS = 16;
    /** 256 MiB: 64 default-size chunks in flight for the whole gateway. */
    public static final long DEFAULT_READ_AHEAD_MAX_BYTES = 256L * 1024 * 1024;
    /** 8 chunks (32 MiB at the default chunk size) ahead of one sequential reader. */
    public static final int DEFAULT_READ_AHEAD_MAX_CHUNKS = 8;
    /** The window of a reader that just turned sequential. */
    public static final int INITIAL_READ_AHEAD_CHUNKS = 2;
    /** The smallest chunk size accepted. */
    public static final int MIN_CHUNK_SIZE = 4096;

    /** All defaults. */
    public static final CacheSettings DEFAULT = new CacheSettings(DEFAULT_CHUNK_SIZE, DEFAULT_CAPACITY_BYTES,
            DEFAULT_FETCH_THREADS, DEFAULT_READ_AHEAD_MAX_BYTES, DEFAULT_READ_AHEAD_MAX_CHUNKS, Eviction.S3_FIFO,
            false);

    /**
     * Eviction policies. {@link #S3_FIFO} is the default: on {@code EvictionTraceTest}'s scan-heavy trace (a Zipf
     * hot set interleaved with large sequential scans, the shape of backups and {@code grep -r} over a share) it
     * keeps the hot set while LRU is flushed by every scan; its hit ratio there is measured and asserted not to be
     * worse than LRU's. Both are O(1) per access.
     */
    public enum Eviction {
        /** Least recently used. */
        LRU,
        /** S3-FIFO: a small probationary FIFO, a main FIFO with re-insertion of re-used chunks, a ghost list. */
        S3_FIFO
    }

    public CacheSettings {
        Objects.requireNonNull(eviction, "eviction");
        if (chunkSize < MIN_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be >= " + MIN_CHUNK_SIZE + ": " + chunkSize);
        }
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be > 0: " + capacityBytes);
        }
        if (fetchThreads < 1) {
            throw new IllegalArgumentException("fetchThreads must be >= 1: " + fetchThreads);
        }
        if (readAheadMaxBytes < 0 || readAheadMaxChunks < 0) {
            throw new IllegalArgumentException("read-ahead limits must be >= 0");
        }
    }

    public CacheSettings withChunkSize(int size) {
        return new CacheSettings(size, capacityBytes, fetchThreads, readAheadMaxBytes, readAheadMaxChunks, eviction,
                verifyEveryRead);
    }

    public CacheSettings withCapacityBytes(long bytes) {
        return new CacheSettings(chunkSize, bytes, fetchThreads, readAheadMaxBytes, readAheadMaxChunks, eviction,
                verifyEveryRead);
    }

    public CacheSettings withFetchThreads(int threads) {
        return new CacheSettings(chunkSize, capacityBytes, threads, readAheadMaxBytes, readAheadMaxChunks, eviction,
                verifyEveryRead);
    }

    public CacheSettings withReadAhead(long maxBytes, int maxChunks) {
        return new CacheSettings(chunkSize, capacityBytes, fetchThreads, maxBytes, maxChunks, eviction,
                verifyEveryRead);
    }

    public CacheSettings withEviction(Eviction policy) {
        return new CacheSettings(chunkSize, capacityBytes, fetchThreads, readAheadMaxBytes, readAheadMaxChunks, policy,
                verifyEveryRead);
    }

    public CacheSettings withVerifyEveryRead(boolean verify) {
        return new CacheSettings(chunkSize, capacityBytes, fetchThreads, readAheadMaxBytes, readAheadMaxChunks,
                eviction, verify);
    }
}
