package io.bucketfs.cache;

/**
 * A snapshot of a {@link ChunkCache}'s counters since it was opened (counters) and of its current state (gauges).
 * A chunk lookup of a read is a hit when the chunk was cached and verified, a miss when it had to be fetched (or
 * was being fetched by someone else). Read-ahead fetches count in {@code bytesFromBackend} and
 * {@code readAheadChunks}, not as misses.
 *
 * @param hits                  chunk lookups served from the cache
 * @param misses                chunk lookups that waited for a backend GET
 * @param bytesFromBackend      body bytes received from backends (demand and read-ahead)
 * @param bytesServed           bytes copied into callers' buffers
 * @param evictions             chunks evicted to make room (not counting invalidations or corrupt chunks)
 * @param corruptChunks         chunks dropped because their data or header failed verification
 * @param readAheadChunks       chunks fetched by read-ahead
 * @param readAheadBytesInFlight gauge: bytes of read-ahead fetches issued and not yet finished
 * @param readAheadPeakBytes    the highest {@code readAheadBytesInFlight} seen
 * @param usedBytes             gauge: bytes of chunk files the index holds (headers included)
 * @param reservedBytes         gauge: bytes reserved by fetches in flight
 * @param capacityBytes         the configured capacity
 * @param chunks                gauge: chunk files the index holds
 */
public record CacheStats(long hits, long misses, long bytesFromBackend, long bytesServed, long evictions,
                         long corruptChunks, long readAheadChunks, long readAheadBytesInFlight,
                         long readAheadPeakBytes, long usedBytes, long reservedBytes, long capacityBytes,
                         long chunks) {

    /** hits / (hits + misses), or 0 when there were no lookups. */
    public double hitRatio() {
        long n = hits + misses;
        return n == 0 ? 0 : (double) hits / n;
    }
}
