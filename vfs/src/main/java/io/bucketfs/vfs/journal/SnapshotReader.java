package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Restores state from a snapshot during {@link Journal#open}. The journal has already verified the
 * snapshot's checksum before calling, so the bytes are exactly those the {@link SnapshotWriter} wrote.
 */
@FunctionalInterface
public interface SnapshotReader {
    /**
     * @param lsn the LSN the snapshot state is as of; replay continues with {@code lsn + 1}
     * @param in the snapshot body; ends where the writer's output ended; closed by the journal afterwards
     */
    void read(long lsn, InputStream in) throws IOException;
}
