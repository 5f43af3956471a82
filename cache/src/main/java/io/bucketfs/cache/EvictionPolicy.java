package io.bucketfs.cache;

/**
 * Which resident chunk goes next. Not thread-safe: the cache calls it only under its index lock. Keys passed to
 * {@link #admit} are not resident; {@link #touch} and {@link #remove} of a key that is not resident do nothing.
 *
 * @param <K> the key type
 */
interface EvictionPolicy<K> {

    /** {@code key} of {@code weight} bytes became resident. */
    void admit(K key, long weight);

    /** A resident {@code key} was used again. */
    void touch(K key);

    /** {@code key} is no longer resident (invalidated, corrupt, replaced), not by this policy's choice. */
    void remove(K key);

    /** Chooses a resident key to evict and forgets it; {@code null} when nothing is resident. */
    K evict();

    /** The number of resident keys. */
    int size();

    static <K> EvictionPolicy<K> create(CacheSettings.Eviction kind, long capacityBytes) {
        switch (kind) {
            case LRU:
                return new LruPolicy<>();
            case S3_FIFO:
                return new S3FifoPolicy<>(capacityBytes);
            default:
                throw new IllegalArgumentException("unknown eviction policy " + kind);
        }
    }
}
