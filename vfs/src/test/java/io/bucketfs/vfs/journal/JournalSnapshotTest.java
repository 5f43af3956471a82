package io.bucketfs.vfs.journal;

import static io.bucketfs.vfs.journal.JournalTestSupport.files;
import static io.bucketfs.vfs.journal.JournalTestSupport.flip;
import static io.bucketfs.vfs.journal.JournalTestSupport.payload;
import static io.bucketfs.vfs.journal.JournalTestSupport.segments;
import static io.bucketfs.vfs.journal.JournalTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.journal.JournalTestSupport.Recorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class JournalSnapshotTest {
    private static final int SIZE = 100;

    @TempDir
    Path dir;

    private static byte[] state(long lsn) {
        return ("state as of " + lsn + " ").repeat(500).getBytes(StandardCharsets.UTF_8);
    }

    private static SnapshotWriter stateWriter(long lsn) {
        return out -> out.write(state(lsn));
    }

    private void append(Journal j, long from, long to) throws IOException {
        for (long i = from; i <= to; i++) {
            assertEquals(i, j.appendAndWait(payload(i, SIZE)));
        }
    }

    private Recorder reopenAndCheck(long snapshotLsn, long lastLsn) throws IOException {
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, small(), r)) {
            if (snapshotLsn > 0) {
                assertEquals(snapshotLsn, r.snapshotLsn);
                assertArrayEquals(state(snapshotLsn), r.snapshot);
            } else {
                assertNull(r.snapshot);
            }
            assertEquals(lastLsn - snapshotLsn, r.order.size());
            for (long i = snapshotLsn + 1; i <= lastLsn; i++) {
                assertEquals(i, r.order.get((int) (i - snapshotLsn - 1)));
                assertArrayEquals(payload(i, SIZE), r.records.get(i), "record " + i);
            }
            assertEquals(snapshotLsn, j.snapshotLsn());
            assertEquals(lastLsn, j.lastLsn());
            assertEquals(state(snapshotLsn).length, snapshotLsn > 0 ? j.replayStats().snapshotBytes()
                    : state(0).length);
        }
        return r;
    }

    @Test
    @Timeout(30)
    void snapshotThenLaterRecordsReplayAndOldFilesGo() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 100);
            int before = segments(dir).size();
            j.snapshot(60, stateWriter(60));
            List<Path> after = segments(dir);
            assertTrue(after.size() < before, "segments covered by the snapshot should be deleted");
            long firstKept = SegmentFormat.parseSegmentName(after.get(0).getFileName().toString());
            assertTrue(firstKept <= 61, "log must reach back to snapshot + 1, starts at " + firstKept);
            assertEquals(List.of(dir.resolve(SnapshotFile.name(60))), files(dir, "snapshot-*"));
            append(j, 101, 140);
        }
        reopenAndCheck(60, 140);
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            j.snapshot(140, stateWriter(140)); // covers the active segment: rolled, then deleted
            assertEquals(List.of(dir.resolve(SnapshotFile.name(140))), files(dir, "snapshot-*"));
            assertEquals(List.of(dir.resolve(SegmentFormat.segmentName(141))), segments(dir));
        }
        reopenAndCheck(140, 140);
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 141, 150);
        }
        reopenAndCheck(140, 150);
    }

    @Test
    @Timeout(30)
    void leftoverTempSnapshotIsIgnoredAndRemoved() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 100);
            j.snapshot(60, stateWriter(60));
        }
        Path tmp = dir.resolve(SnapshotFile.name(90) + SnapshotFile.TMP_SUFFIX);
        Files.write(tmp, "half a snapshot, crash before rename".getBytes(StandardCharsets.UTF_8));
        reopenAndCheck(60, 100);
        assertFalse(Files.exists(tmp));
    }

    @Test
    @Timeout(30)
    void crashAfterRenameBeforeCompactionReplaysFromTheNewSnapshot() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 100);
        }
        SnapshotFile.write(ChannelFactory.DEFAULT, dir, 70, stateWriter(70)); // renamed, nothing compacted
        int before = segments(dir).size();
        reopenAndCheck(70, 100);
        assertTrue(segments(dir).size() < before, "covered segments are removed on open");
    }

    @Test
    @Timeout(30)
    void corruptNewestSnapshotFallsBackToAnOlderOneWhenTheLogReachesIt() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 100);
            j.snapshot(30, stateWriter(30));
        }
        Path newest = dir.resolve(SnapshotFile.name(80));
        SnapshotFile.write(ChannelFactory.DEFAULT, dir, 80, stateWriter(80)); // crash before compaction
        flip(newest, 100);
        reopenAndCheck(30, 100);
        assertFalse(Files.exists(newest));
        assertTrue(Files.exists(newest.resolveSibling(newest.getFileName() + ".corrupt")));
    }

    @Test
    @Timeout(30)
    void corruptOnlySnapshotFailsOpenLoudly() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 100);
            j.snapshot(60, stateWriter(60));
        }
        Path snap = dir.resolve(SnapshotFile.name(60));
        flip(snap, 40);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> Journal.open(dir, small(), new Recorder()));
        assertTrue(e.getMessage().contains("no usable snapshot"), e.getMessage());
        assertTrue(Files.exists(snap), "a refused open leaves the files alone");
    }

    @Test
    @Timeout(30)
    void truncatedSnapshotIsDetected() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 20);
            j.snapshot(20, stateWriter(20));
        }
        Path snap = dir.resolve(SnapshotFile.name(20));
        JournalTestSupport.cut(snap, Files.size(snap) - 3);
        assertThrows(JournalCorruptException.class, () -> Journal.open(dir, small(), new Recorder()));
    }

    @Test
    @Timeout(30)
    void failingSnapshotWriterKeepsThePreviousStateAndTheJournalRunning() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 50);
            j.snapshot(20, stateWriter(20));
            IOException boom = new IOException("vfs could not serialize");
            assertSame(boom, assertThrows(IOException.class, () -> j.snapshot(40, out -> {
                out.write(new byte[1000]);
                throw boom;
            })));
            assertFalse(j.isFailed());
            assertEquals(20, j.snapshotLsn());
            assertEquals(List.of(dir.resolve(SnapshotFile.name(20))), files(dir, "snapshot-*"));
            append(j, 51, 60);
        }
        reopenAndCheck(20, 60);
    }

    @Test
    @Timeout(30)
    void snapshotLsnMustBeAcknowledgedAndNewer() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            append(j, 1, 10);
            assertThrows(IllegalArgumentException.class, () -> j.snapshot(11, stateWriter(11)));
            assertThrows(IllegalArgumentException.class, () -> j.snapshot(0, stateWriter(0)));
            j.snapshot(5, stateWriter(5));
            assertThrows(IllegalArgumentException.class, () -> j.snapshot(5, stateWriter(5)));
            assertThrows(IllegalArgumentException.class, () -> j.snapshot(4, stateWriter(4)));
        }
    }

    @Test
    @Timeout(30)
    void needsSnapshotFollowsTheRecordAndByteTriggers() throws IOException {
        JournalSettings byRecords = small().withSnapshotEveryRecords(50);
        try (Journal j = Journal.open(dir, byRecords, new Recorder())) {
            append(j, 1, 49);
            assertFalse(j.needsSnapshot());
            append(j, 50, 50);
            assertTrue(j.needsSnapshot());
            j.snapshot(50, stateWriter(50));
            assertFalse(j.needsSnapshot());
            assertEquals(0, j.stats().recordsSinceSnapshot());
        }
        JournalSettings byBytes = small().withSnapshotEveryLogBytes(20_000);
        try (Journal j = Journal.open(dir, byBytes, new Recorder())) {
            long lsn = j.lastLsn();
            while (!j.needsSnapshot()) {
                assertEquals(++lsn, j.appendAndWait(payload(lsn, SIZE)));
                assertTrue(lsn < 400, "byte trigger never fired");
            }
            assertTrue(j.stats().logBytes() >= 20_000);
            j.snapshot(lsn, stateWriter(lsn));
            assertFalse(j.needsSnapshot());
            assertTrue(j.stats().logBytes() < 20_000, "compaction should shrink the log: " + j.stats());
        }
    }
}
