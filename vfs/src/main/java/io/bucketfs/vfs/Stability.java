package io.bucketfs.vfs;

/**
 * How durable a write must be before it is acknowledged.
 * <ul>
 *   <li>{@link #UNSTABLE}: in the gateway's memory or staging file; durable after {@link Vfs#commit}.</li>
 *   <li>{@link #DATA_SYNC} / {@link #FILE_SYNC}: durable per the mount's policy before the call returns
 *       ({@code local}: fsynced to the cache disk with a journal record; {@code object-store}: in the bucket).</li>
 * </ul>
 */
public enum Stability {
    UNSTABLE,
    DATA_SYNC,
    FILE_SYNC
}
