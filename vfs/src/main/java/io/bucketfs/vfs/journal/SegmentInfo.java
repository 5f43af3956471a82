package io.bucketfs.vfs.journal;

import java.nio.file.Path;

/**
 * One segment file as the journal knows it.
 *
 * @param path the file
 * @param firstLsn LSN in its name: its first record's, or the next LSN to write if it is empty
 * @param lastLsn its last record's LSN; {@code firstLsn - 1} if it holds no record
 * @param bytes its size, header included
 */
record SegmentInfo(Path path, long firstLsn, long lastLsn, long bytes) {
    boolean isEmpty() {
        return lastLsn < firstLsn;
    }
}
