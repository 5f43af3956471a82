package io.bucketfs.cache;

/**
 * A hook for metrics (the gateway binds it to Micrometer). Methods are called on the thread doing the work, after
 * the fact and outside every cache lock; they must be cheap and must not throw (a throwing listener is logged and
 * otherwise ignored). Every method has an empty default.
 */
public interface CacheListener {

    /** Does nothing. */
    CacheListener NONE = new CacheListener() { };

    /** A chunk lookup was served from the cache. */
    default void onHit(ObjectVersion version, int chunkIndex) {
    }

    /** A read of {@code version} copied {@code bytes} into the caller's buffer (from cached or fetched chunks). */
    default void onServed(ObjectVersion version, long bytes) {
    }

    /** A chunk lookup had to wait for a backend GET. */
    default void onMiss(ObjectVersion version, int chunkIndex) {
    }

    /** A ranged GET of {@code bytes} body bytes finished (successfully) after {@code nanos}. */
    default void onFetch(ObjectVersion version, int chunkIndex, long bytes, long nanos, boolean readAhead) {
    }

    /** {@code count} chunks of {@code bytes} in total were evicted to make room. */
    default void onEviction(int count, long bytes) {
    }

    /** A chunk failed verification and was dropped. */
    default void onCorruptChunk(String file) {
    }
}
