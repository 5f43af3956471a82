package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * What {@link Journal#open} feeds the recovered state to, on the opening thread, before {@code open}
 * returns. Order: {@link #restore} at most once (only if a snapshot exists), then {@link #apply} for every
 * record with an LSN above the snapshot's, in strictly increasing LSN order without gaps. An exception from
 * either method aborts the open and is rethrown by it unchanged.
 */
public interface Replay {
    /** Restores the state saved by the newest valid snapshot, taken as of {@code snapshotLsn}. */
    void restore(long snapshotLsn, InputStream state) throws IOException;

    /** Applies one record. {@code payload} is the caller's own array from now on. */
    void apply(long lsn, byte[] payload) throws IOException;

    /** A record handler, as used by {@link #of(SnapshotReader, RecordHandler)}. */
    @FunctionalInterface
    interface RecordHandler {
        void apply(long lsn, byte[] payload) throws IOException;
    }

    /** Combines a snapshot reader and a record handler into a replay. */
    static Replay of(SnapshotReader snapshots, RecordHandler records) {
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(records, "records");
        return new Replay() {
            @Override
            public void restore(long snapshotLsn, InputStream state) throws IOException {
                snapshots.read(snapshotLsn, state);
            }

            @Override
            public void apply(long lsn, byte[] payload) throws IOException {
                records.apply(lsn, payload);
            }
        };
    }
}
