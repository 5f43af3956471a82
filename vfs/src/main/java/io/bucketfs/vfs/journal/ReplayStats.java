package io.bucketfs.vfs.journal;

/**
 * What {@link Journal#open} recovered; see {@link Journal#replayStats()}.
 *
 * @param snapshotLsn LSN of the snapshot restored, 0 if none
 * @param snapshotBytes size of that snapshot's body
 * @param records records passed to {@link Replay#apply} (those above {@code snapshotLsn})
 * @param bytes payload bytes of those records
 * @param segments segment files read
 * @param truncatedBytes bytes of torn tail cut from the last segment (0 after a clean shutdown)
 * @param lastLsn the last LSN in the journal after recovery; the next append gets {@code lastLsn + 1}
 * @param millis wall time of the whole recovery, snapshot included
 */
public record ReplayStats(
        long snapshotLsn,
        long snapshotBytes,
        long records,
        long bytes,
        int segments,
        long truncatedBytes,
        long lastLsn,
        long millis) {
}
