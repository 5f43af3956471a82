package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the caller's complete state as of the LSN passed to {@link Journal#snapshot(long, SnapshotWriter)}.
 * The journal owns framing, checksum, fsync and the atomic rename; the writer only writes its bytes.
 */
@FunctionalInterface
public interface SnapshotWriter {
    /**
     * Writes the state to {@code out}. Must not close {@code out} (closing is harmless but ignored). An
     * exception aborts the snapshot: the temporary file is deleted and the previous snapshot stays in force.
     */
    void write(OutputStream out) throws IOException;
}
