package io.bucketfs.vfs.journal;

/**
 * Counters of a running {@link Journal} since it was opened; see {@link Journal#stats()}. Each field is read
 * separately, so a value may be a moment newer than another.
 *
 * @param lastLsn highest durable (acknowledged or about to be) LSN
 * @param appendedRecords records made durable since open
 * @param batches group commits since open
 * @param fsyncs {@code FileChannel.force} calls on segment files since open: one per batch, plus one per segment created
 * @param fsyncNanos time spent in those {@code force} calls since open (divided by {@code fsyncs}: the mean fsync
 *        latency)
 * @param logBytes bytes of segment files on disk
 * @param snapshotLsn LSN of the newest snapshot, 0 if none
 * @param recordsSinceSnapshot records above {@code snapshotLsn}
 */
public record JournalStats(
        long lastLsn,
        long appendedRecords,
        long batches,
        long fsyncs,
        long fsyncNanos,
        long logBytes,
        long snapshotLsn,
        long recordsSinceSnapshot) {
}
