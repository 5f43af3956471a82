package io.bucketfs.vfs.journal;

import static io.bucketfs.vfs.journal.JournalTestSupport.payload;
import static io.bucketfs.vfs.journal.JournalTestSupport.segments;
import static io.bucketfs.vfs.journal.JournalTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.journal.JournalTestSupport.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class JournalAppendReplayTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void emptyJournalStartsAtLsnOne() throws Exception {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            assertEquals(0, j.lastLsn());
            assertEquals(0, j.replayStats().lastLsn());
            assertEquals(1, j.appendAndWait(new byte[0]));
            assertEquals(2, j.appendAndWait(new byte[] {7}));
            assertEquals(2, j.lastLsn());
            assertFalse(j.isFailed());
        }
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, small(), r)) {
            assertEquals(List.of(1L, 2L), r.order);
            assertArrayEquals(new byte[0], r.records.get(1L));
            assertArrayEquals(new byte[] {7}, r.records.get(2L));
        }
    }

    @Test
    @Timeout(60)
    void roundTripAcrossSegmentsKeepsOrderAndContinuesSequence() throws Exception {
        int n = 600;
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            for (int i = 1; i <= n; i++) {
                futures.add(j.append(payload(i, i % 300)));
            }
            for (int i = 1; i <= n; i++) {
                assertEquals(i, futures.get(i - 1).get(10, TimeUnit.SECONDS));
            }
        }
        assertTrue(segments(dir).size() >= 10, "expected many segments: " + segments(dir));
        for (Path s : segments(dir)) {
            assertTrue(Files.size(s) <= small().segmentBytes(), s + " exceeds the segment size");
        }
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, small(), r)) {
            assertEquals(n, r.order.size());
            for (int i = 1; i <= n; i++) {
                assertEquals(i, r.order.get(i - 1));
                assertArrayEquals(payload(i, i % 300), r.records.get((long) i), "record " + i);
            }
            ReplayStats s = j.replayStats();
            assertEquals(n, s.records());
            assertEquals(n, s.lastLsn());
            assertEquals(0, s.truncatedBytes());
            assertEquals(segments(dir).size(), s.segments());
            assertEquals(n + 1, j.appendAndWait(payload(n + 1, 10)));
        }
        Recorder again = new Recorder();
        try (Journal j = Journal.open(dir, small(), again)) {
            assertEquals(n + 1, again.order.size());
            assertEquals(n + 1, j.lastLsn());
        }
    }

    @Test
    @Timeout(30)
    void closeDrainsQueuedAppendsAndLaterAppendsFail() throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        Journal j = Journal.open(dir, small(), new Recorder());
        for (int i = 1; i <= 300; i++) {
            futures.add(j.append(payload(i, 50)));
        }
        j.close();
        for (int i = 1; i <= 300; i++) {
            assertTrue(futures.get(i - 1).isDone(), "close returned before append " + i + " completed");
            assertEquals(i, futures.get(i - 1).join());
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> j.append(new byte[1]).get());
        assertInstanceOf(JournalClosedException.class, e.getCause());
        assertThrows(JournalClosedException.class, () -> j.appendAndWait(new byte[1]));
        j.close(); // idempotent
        Recorder r = new Recorder();
        try (Journal reopened = Journal.open(dir, small(), r)) {
            assertEquals(300, r.order.size());
        }
    }

    @Test
    @Timeout(30)
    void writerThreadIsNamedAndGoneAfterClose() throws Exception {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            j.appendAndWait(new byte[3]);
            assertTrue(writerThreads() >= 1);
        }
        assertEquals(0, writerThreads());
    }

    private static long writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(Journal.WRITER_THREAD_NAME)).count();
    }

    @Test
    @Timeout(30)
    void aSecondOpenOfTheSameDirectoryIsRefused() throws Exception {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            j.appendAndWait(new byte[1]);
            JournalException e = assertThrows(JournalException.class,
                    () -> Journal.open(dir, small(), new Recorder()));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            assertEquals(1, j.lastLsn());
        }
    }

    @Test
    @Timeout(30)
    void rejectsOversizedRecordsAndBadSettings() throws Exception {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            assertThrows(IllegalArgumentException.class, () -> j.append(new byte[1025]));
            assertEquals(1, j.appendAndWait(new byte[1024]));
        }
        assertThrows(IllegalArgumentException.class, () -> small().withSegmentBytes(1024));
        assertThrows(IllegalArgumentException.class, () -> small().withQueueCapacity(0));
        JournalSettings d = JournalSettings.defaults();
        assertEquals(JournalSettings.DEFAULT_SEGMENT_BYTES, d.segmentBytes());
        assertEquals(64L << 20, d.segmentBytes());
    }

    @Test
    @Timeout(30)
    void replayHandlerExceptionFailsOpen() throws Exception {
        try (Journal j = Journal.open(dir, small(), new Recorder())) {
            j.appendAndWait(new byte[] {1});
        }
        IllegalStateException boom = new IllegalStateException("vfs refused record");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Journal.open(dir, small(), Replay.of((lsn, in) -> { }, (lsn, p) -> {
                    throw boom;
                })));
        assertEquals(boom, thrown);
        Recorder r = new Recorder();
        try (Journal j = Journal.open(dir, small(), r)) {
            assertEquals(Map.of(1L, 1), Map.of(1L, r.records.get(1L).length));
        }
    }
}
