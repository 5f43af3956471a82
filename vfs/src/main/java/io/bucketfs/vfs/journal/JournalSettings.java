package io.bucketfs.vfs.journal;

/**
 * Tunables of a {@link Journal}. Immutable; validated on construction. Start from {@link #defaults()} and
 * adjust with the {@code with*} methods.
 *
 * @param segmentBytes upper bound of a segment file's size (header included); a segment is rolled before a
 *     record that would cross it. Default {@value #DEFAULT_SEGMENT_BYTES}.
 * @param queueCapacity appends that may wait for the writer thread; when full, {@link Journal#append} blocks
 *     the caller until there is room (back-pressure). Default {@value #DEFAULT_QUEUE_CAPACITY}.
 * @param maxBatchRecords most records written per fsync (one group commit). Default
 *     {@value #DEFAULT_MAX_BATCH_RECORDS}.
 * @param maxRecordBytes largest payload accepted by {@link Journal#append}; must fit in a segment together
 *     with the segment and record headers. Default {@value #DEFAULT_MAX_RECORD_BYTES}.
 * @param snapshotEveryRecords {@link Journal#needsSnapshot()} turns true once this many records lie above
 *     the last snapshot. Default {@value #DEFAULT_SNAPSHOT_EVERY_RECORDS}.
 * @param snapshotEveryLogBytes {@link Journal#needsSnapshot()} also turns true once the segment files on
 *     disk (what a replay must read) reach this many bytes. Default
 *     {@value #DEFAULT_SNAPSHOT_EVERY_LOG_BYTES}.
 */
public record JournalSettings(
        long segmentBytes,
        int queueCapacity,
        int maxBatchRecords,
        int maxRecordBytes,
        long snapshotEveryRecords,
        long snapshotEveryLogBytes) {

    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** Default number of appends that may wait in the queue before appenders block. */
    public static final int DEFAULT_QUEUE_CAPACITY = 8192;
    /** Default number of records per group commit. */
    public static final int DEFAULT_MAX_BATCH_RECORDS = 2048;
    /** Default largest payload: 4 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;
    /** Default records above the last snapshot that make a new snapshot due. */
    public static final long DEFAULT_SNAPSHOT_EVERY_RECORDS = 1_000_000L;
    /** Default log bytes on disk that make a new snapshot due: 1 GiB. */
    public static final long DEFAULT_SNAPSHOT_EVERY_LOG_BYTES = 1024L * 1024 * 1024;

    /** Validates the settings; see the record components. */
    public JournalSettings {
        positive("queueCapacity", queueCapacity);
        positive("maxBatchRecords", maxBatchRecords);
        positive("maxRecordBytes", maxRecordBytes);
        positive("snapshotEveryRecords", snapshotEveryRecords);
        positive("snapshotEveryLogBytes", snapshotEveryLogBytes);
        long smallest = (long) SegmentFormat.SEGMENT_HEADER_BYTES + SegmentFormat.RECORD_HEADER_BYTES
                + maxRecordBytes;
        if (segmentBytes < smallest) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes
                    + " cannot hold a record of maxRecordBytes " + maxRecordBytes + " (needs " + smallest + ")");
        }
    }

    /** The documented defaults. */
    public static JournalSettings defaults() {
        return new JournalSettings(DEFAULT_SEGMENT_BYTES, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH_RECORDS,
                DEFAULT_MAX_RECORD_BYTES, DEFAULT_SNAPSHOT_EVERY_RECORDS, DEFAULT_SNAPSHOT_EVERY_LOG_BYTES);
    }

    /** A copy with {@link #segmentBytes()} replaced; validated like the constructor. */
    public JournalSettings withSegmentBytes(long value) {
        return new JournalSettings(value, queueCapacity, maxBatchRecords, maxRecordBytes, snapshotEveryRecords,
                snapshotEveryLogBytes);
    }

    /** A copy with {@link #queueCapacity()} replaced; validated like the constructor. */
    public JournalSettings withQueueCapacity(int value) {
        return new JournalSettings(segmentBytes, value, maxBatchRecords, maxRecordBytes, snapshotEveryRecords,
                snapshotEveryLogBytes);
    }

    /** A copy with {@link #maxBatchRecords()} replaced; validated like the constructor. */
    public JournalSettings withMaxBatchRecords(int value) {
        return new JournalSettings(segmentBytes, queueCapacity, value, maxRecordBytes, snapshotEveryRecords,
                snapshotEveryLogBytes);
    }

    /** A copy with {@link #maxRecordBytes()} replaced; validated like the constructor. */
    public JournalSettings withMaxRecordBytes(int value) {
        return new JournalSettings(segmentBytes, queueCapacity, maxBatchRecords, value, snapshotEveryRecords,
                snapshotEveryLogBytes);
    }

    /** A copy with {@link #snapshotEveryRecords()} replaced; validated like the constructor. */
    public JournalSettings withSnapshotEveryRecords(long value) {
        return new JournalSettings(segmentBytes, queueCapacity, maxBatchRecords, maxRecordBytes, value,
                snapshotEveryLogBytes);
    }

    /** A copy with {@link #snapshotEveryLogBytes()} replaced; validated like the constructor. */
    public JournalSettings withSnapshotEveryLogBytes(long value) {
        return new JournalSettings(segmentBytes, queueCapacity, maxBatchRecords, maxRecordBytes,
                snapshotEveryRecords, value);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
