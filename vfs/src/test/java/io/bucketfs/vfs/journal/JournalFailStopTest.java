package io.bucketfs.vfs.journal;

import static io.bucketfs.vfs.journal.JournalTestSupport.payload;
import static io.bucketfs.vfs.journal.JournalTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.journal.JournalTestSupport.Recorder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** After the first I/O error the journal fails everything with one exception and never writes again. */
class JournalFailStopTest {
    @TempDir
    Path dir;

    private static Throwable failureOf(CompletableFuture<Long> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    @Timeout(30)
    void failedFsyncFailsTheBatchAndEveryLaterAppend() throws Exception {
        assertFailStop(io -> io.failForce = new IOException("injected fsync failure"));
    }

    @Test
    @Timeout(30)
    void failedWriteFailsTheBatchAndEveryLaterAppend() throws Exception {
        assertFailStop(io -> io.failWrite = new IOException("injected write failure"));
    }

    private void assertFailStop(java.util.function.Consumer<HookedChannels> inject) throws Exception {
        HookedChannels io = new HookedChannels();
        Journal j = Journal.open(dir, small(), new Recorder(), io);
        for (int i = 1; i <= 10; i++) {
            assertEquals(i, j.appendAndWait(payload(i, 40)));
        }
        inject.accept(io);
        IOException injected = io.failForce != null ? io.failForce : io.failWrite;
        List<CompletableFuture<Long>> batch = new ArrayList<>();
        for (int i = 11; i <= 15; i++) {
            batch.add(j.append(payload(i, 40)));
        }
        Throwable first = failureOf(batch.get(0));
        JournalFailedException failure = assertInstanceOf(JournalFailedException.class, first);
        assertSame(injected, failure.getCause());
        for (CompletableFuture<Long> f : batch) {
            assertSame(failure, failureOf(f));
        }
        assertTrue(j.isFailed());
        assertSame(failure, j.failure());
        assertEquals(10, j.lastLsn());

        int writes = io.segmentWrites.get();
        int forces = io.segmentForces.get();
        CompletableFuture<Long> later = j.append(payload(16, 40));
        assertTrue(later.isCompletedExceptionally(), "a later append must fail fast");
        assertSame(failure, failureOf(later));
        assertSame(failure, assertThrows(JournalFailedException.class, () -> j.appendAndWait(new byte[1])));
        assertSame(failure, assertThrows(JournalFailedException.class, () -> j.snapshot(10, out -> { })));
        j.close();
        assertEquals(writes, io.segmentWrites.get(), "no write after the failure");
        assertEquals(forces, io.segmentForces.get(), "no fsync after the failure");

        Recorder r = new Recorder();
        try (Journal reopened = Journal.open(dir, small(), r)) {
            // 1..10 were acknowledged; 11..15 failed and may or may not have reached the disk
            assertTrue(r.order.size() >= 10 && r.order.size() <= 15, "replayed " + r.order);
            for (long i = 1; i <= r.order.size(); i++) {
                assertEquals(i, r.order.get((int) i - 1));
                assertArrayEquals(payload(i, 40), r.records.get(i));
            }
            assertFalse(reopened.isFailed());
            assertEquals(r.order.size() + 1, reopened.appendAndWait(new byte[2]));
        }
    }

    @Test
    @Timeout(30)
    void appendersBlockedOnAFullQueueAreFailedToo() throws Exception {
        HookedChannels io = new HookedChannels();
        JournalSettings settings = small().withQueueCapacity(2).withMaxBatchRecords(2);
        CountDownLatch release = new CountDownLatch(1);
        try (Journal j = Journal.open(dir, settings, new Recorder(), io)) {
            io.forceHook = file -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("injected: disk vanished during fsync");
            };
            int writesBefore = io.segmentWrites.get();
            CompletableFuture<Long> inFsync = j.append(payload(1, 8));
            while (io.segmentWrites.get() == writesBefore) {
                Thread.onSpinWait();
            }
            CompletableFuture<Long> q1 = j.append(payload(2, 8));
            CompletableFuture<Long> q2 = j.append(payload(3, 8));
            CompletableFuture<CompletableFuture<Long>> blocked =
                    CompletableFuture.supplyAsync(() -> j.append(payload(4, 8)));
            Thread.sleep(100);
            assertFalse(blocked.isDone());
            release.countDown();
            Throwable failure = failureOf(inFsync);
            assertInstanceOf(JournalFailedException.class, failure);
            assertSame(failure, failureOf(q1));
            assertSame(failure, failureOf(q2));
            assertSame(failure, failureOf(blocked.get(10, TimeUnit.SECONDS)));
        }
    }
}
