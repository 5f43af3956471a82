package io.bucketfs.cache;

import java.nio.file.Path;

/**
 * A chunk file the index knows: where it is, how long it is and its data's CRC32C. Immutable but for
 * {@link #verified} (set once its data was checked, read without a lock) and {@link #prefetched} (guarded by the
 * cache's index lock).
 */
final class ChunkEntry {
    final ChunkKey key;
    final Path file;
    final int headerLength;
    final int dataLength;
    final int crc;
    /** True when the data was written by this process or checked against {@link #crc} since the cache opened. */
    volatile boolean verified;
    /** Admitted by read-ahead and not read yet: its first read is its admission, not a re-use. */
    boolean prefetched;

    ChunkEntry(ChunkKey key, Path file, int headerLength, int dataLength, int crc, boolean verified) {
        this.key = key;
        this.file = file;
        this.headerLength = headerLength;
        this.dataLength = dataLength;
        this.crc = crc;
        this.verified = verified;
    }

    /** Bytes the file takes: header and data. What capacity accounting counts. */
    long fileLength() {
        return (long) headerLength + dataLength;
    }

    @Override
    public String toString() {
        return key + " @ " + file;
    }
}
