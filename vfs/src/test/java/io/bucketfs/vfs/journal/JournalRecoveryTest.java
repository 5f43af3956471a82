package io.bucketfs.vfs.journal;

import static io.bucketfs.vfs.journal.JournalTestSupport.cut;
import static io.bucketfs.vfs.journal.JournalTestSupport.flip;
import static io.bucketfs.vfs.journal.JournalTestSupport.payload;
import static io.bucketfs.vfs.journal.JournalTestSupport.recordOffsets;
import static io.bucketfs.vfs.journal.JournalTestSupport.segments;
import static io.bucketfs.vfs.journal.JournalTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.journal.JournalTestSupport.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails are cut; anything that could hide an acknowledged record fails open. */
class JournalRecoveryTest {
    private static final int RECORDS = 20;
    private static final int SIZE = 100;

    @TempDir
    Path dir;

    private Path writeOneSegment() throws IOException {
        try (Journal j = Journal.open(dir, JournalSettings.defaults(), new Recorder())) {
            for (int i = 1; i <= RECORDS; i++) {
                j.appendAndWait(payload(i, SIZE));
            }
        }
        List<Path> segs = segments(dir);
        assertEquals(1, segs.size());
        return segs.get(0);
    }

    /** Opens, checks records 1..expectedLast are intact, appends one and checks it lands at expectedLast+1. */
    private void assertRecoversTo(long expectedLast, long expectedTruncated) throws IOException {
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, JournalSettings.defaults(), r)) {
            assertEquals(expectedLast, r.order.size());
            for (long i = 1; i <= expectedLast; i++) {
                assertArrayEquals(payload(i, SIZE), r.records.get(i), "record " + i);
            }
            assertEquals(expectedLast, j.replayStats().lastLsn());
            assertEquals(expectedTruncated, j.replayStats().truncatedBytes());
            assertEquals(expectedLast + 1, j.appendAndWait(payload(expectedLast + 1, SIZE)));
        }
        Recorder again = new Recorder();
        try (Journal j = Journal.open(dir, JournalSettings.defaults(), again)) {
            assertEquals(expectedLast + 1, again.order.size());
            assertEquals(0, j.replayStats().truncatedBytes());
            assertArrayEquals(payload(expectedLast + 1, SIZE), again.records.get(expectedLast + 1));
        }
    }

    @Test
    @Timeout(30)
    void lastRecordCutMidPayloadIsTruncated() throws IOException {
        Path seg = writeOneSegment();
        long last = recordOffsets(seg).get(RECORDS - 1);
        cut(seg, last + 50);
        assertRecoversTo(RECORDS - 1, 50);
    }

    @Test
    @Timeout(30)
    void lastRecordCutInsideHeaderIsTruncated() throws IOException {
        Path seg = writeOneSegment();
        long last = recordOffsets(seg).get(RECORDS - 1);
        cut(seg, last + 5);
        assertRecoversTo(RECORDS - 1, 5);
    }

    @Test
    @Timeout(30)
    void flippedByteInLastRecordIsTruncated() throws IOException {
        Path seg = writeOneSegment();
        long last = recordOffsets(seg).get(RECORDS - 1);
        flip(seg, last + 16 + 40);
        assertRecoversTo(RECORDS - 1, 16 + SIZE);
    }

    @Test
    @Timeout(30)
    void lastRecordWithLengthPastEndIsTruncated() throws IOException {
        Path seg = writeOneSegment();
        long last = recordOffsets(seg).get(RECORDS - 1);
        flip(seg, last + 1);
        assertRecoversTo(RECORDS - 1, 16 + SIZE);
    }

    @Test
    @Timeout(30)
    void zerosAfterTheLastRecordAreTruncated() throws IOException {
        Path seg = writeOneSegment();
        Files.write(seg, new byte[300], StandardOpenOption.APPEND);
        assertRecoversTo(RECORDS, 300);
    }

    @Test
    @Timeout(30)
    void badRecordFollowedByValidOnesFailsOpen() throws IOException {
        Path seg = writeOneSegment();
        long tenth = recordOffsets(seg).get(9);
        flip(seg, tenth + 16 + 3);
        long size = Files.size(seg);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> Journal.open(dir, JournalSettings.defaults(), new Recorder()));
        assertEquals(seg, e.file());
        assertEquals(tenth, e.offset());
        assertTrue(e.getMessage().contains("mid-log corruption"), e.getMessage());
        assertEquals(size, Files.size(seg), "a refused open must not modify the log");
    }

    @Test
    @Timeout(30)
    void corruptLengthFollowedByValidRecordsFailsOpen() throws IOException {
        Path seg = writeOneSegment();
        long tenth = recordOffsets(seg).get(9);
        flip(seg, tenth); // length's high byte: now runs past the end of the file
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> Journal.open(dir, JournalSettings.defaults(), new Recorder()));
        assertEquals(tenth, e.offset());
    }

    @Test
    @Timeout(30)
    void badRecordInASealedSegmentFailsOpen() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            for (int i = 1; i <= 200; i++) {
                j.appendAndWait(payload(i, SIZE));
            }
        }
        List<Path> segs = segments(dir);
        assertTrue(segs.size() > 3);
        Path second = segs.get(1);
        List<Long> offsets = recordOffsets(second);
        cut(second, offsets.get(offsets.size() - 1) + 20); // torn, but not at the end of the log
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> Journal.open(dir, small(), new Recorder()));
        assertEquals(second, e.file());
        assertTrue(e.getMessage().contains("sealed segment"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void missingMiddleSegmentFailsOpen() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            for (int i = 1; i <= 200; i++) {
                j.appendAndWait(payload(i, SIZE));
            }
        }
        Files.delete(segments(dir).get(2));
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> Journal.open(dir, small(), new Recorder()));
        assertTrue(e.getMessage().contains("gap"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void missingFirstSegmentWithoutSnapshotFailsOpen() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            for (int i = 1; i <= 100; i++) {
                j.appendAndWait(payload(i, SIZE));
            }
        }
        Files.delete(segments(dir).get(0));
        assertThrows(JournalCorruptException.class, () -> Journal.open(dir, small(), new Recorder()));
    }

    @Test
    @Timeout(30)
    void segmentTornWhileBeingCreatedIsDeleted() throws IOException {
        writeOneSegment();
        Path torn = dir.resolve(SegmentFormat.segmentName(RECORDS + 1));
        Files.write(torn, new byte[] {0x42, 0x46, 0x4A});
        assertRecoversTo(RECORDS, 0);
        assertFalse(Files.exists(torn), "torn segment should have been deleted");
    }

    @Test
    @Timeout(30)
    void zeroedHeaderOfNewestEmptySegmentIsDeleted() throws IOException {
        writeOneSegment();
        Path torn = dir.resolve(SegmentFormat.segmentName(RECORDS + 1));
        Files.write(torn, new byte[SegmentFormat.SEGMENT_HEADER_BYTES]);
        assertRecoversTo(RECORDS, 0);
    }

    @Test
    @Timeout(30)
    void tornTailInLastOfSeveralSegments() throws IOException {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            for (int i = 1; i <= 100; i++) {
                j.appendAndWait(payload(i, SIZE));
            }
        }
        List<Path> segs = segments(dir);
        Path last = segs.get(segs.size() - 1);
        List<Long> offsets = recordOffsets(last);
        cut(last, offsets.get(offsets.size() - 1) + 17);
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, small(), r)) {
            assertEquals(99, r.order.size());
            assertEquals(17, j.replayStats().truncatedBytes());
            assertEquals(100, j.appendAndWait(payload(100, SIZE)));
        }
    }
}
