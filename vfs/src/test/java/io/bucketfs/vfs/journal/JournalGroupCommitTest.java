package io.bucketfs.vfs.journal;

import static io.bucketfs.vfs.journal.JournalTestSupport.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.journal.JournalTestSupport.Recorder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class JournalGroupCommitTest {
    private static final int THREADS = 16;
    private static final int APPENDS = 1000;

    @TempDir
    Path dir;

    /**
     * Deterministic: the first batch's fsync is held until all 1000 appends are queued, so the rest must go
     * out in (at most) a handful of batches. Counted by the channel hook, not by timing.
     */
    @Test
    @Timeout(60)
    void queuedAppendsShareOneFsync() throws Exception {
        HookedChannels io = new HookedChannels();
        CountDownLatch allQueued = new CountDownLatch(1);
        AtomicInteger forcesBeforeRelease = new AtomicInteger();
        try (Journal j = Journal.open(dir, JournalSettings.defaults(), new Recorder(), io)) {
            int setupForces = io.segmentForces.get();
            io.forceHook = file -> {
                if (allQueued.getCount() > 0) {
                    forcesBeforeRelease.incrementAndGet();
                    await(allQueued);
                }
            };
            List<CompletableFuture<Long>> futures = appendConcurrently(j, allQueued);
            List<Long> lsns = new ArrayList<>();
            for (CompletableFuture<Long> f : futures) {
                lsns.add(f.get(30, TimeUnit.SECONDS));
            }
            lsns.sort(null);
            for (int i = 0; i < APPENDS; i++) {
                assertEquals(i + 1, lsns.get(i));
            }
            int fsyncs = io.segmentForces.get() - setupForces;
            JournalStats stats = j.stats();
            System.out.printf("group commit (gated): %d appends from %d threads -> %d fsyncs, %d batches%n",
                    APPENDS, THREADS, fsyncs, stats.batches());
            assertTrue(fsyncs <= 5, "expected a handful of fsyncs, got " + fsyncs);
            assertEquals(APPENDS, stats.appendedRecords());
            assertEquals(fsyncs, stats.batches());
        }
    }

    private static List<CompletableFuture<Long>> appendConcurrently(Journal j, CountDownLatch allQueued)
            throws Exception {
        ConcurrentLinkedQueue<CompletableFuture<Long>> futures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < APPENDS; i += THREADS) {
                        futures.add(j.append(payload(i, 64)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            allQueued.countDown();
        } finally {
            pool.shutdown();
        }
        return new ArrayList<>(futures);
    }

    /**
     * Realistic: 16 threads each wait for their own record before appending the next (like VFS workers
     * acknowledging operations), on a disk whose fsync takes about a millisecond. Records arriving during
     * an fsync share the next one.
     */
    @Test
    @Timeout(60)
    void synchronousAppendersFromManyThreadsShareFsyncs() throws Exception {
        HookedChannels io = new HookedChannels();
        io.forceHook = file -> sleep(1);
        try (Journal j = Journal.open(dir, JournalSettings.defaults(), new Recorder(), io)) {
            int setupForces = io.segmentForces.get();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = thread; i < APPENDS; i += THREADS) {
                            j.appendAndWait(payload(i, 100));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(50, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdown();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            int fsyncs = io.segmentForces.get() - setupForces;
            System.out.printf("group commit (appendAndWait, 1 ms fsync): %d appends from %d threads -> %d fsyncs"
                    + " (%.1f records/fsync) in %d ms%n", APPENDS, THREADS, fsyncs, (double) APPENDS / fsyncs,
                    millis);
            assertEquals(APPENDS, j.lastLsn());
            assertTrue(fsyncs < APPENDS / 4, "expected far fewer fsyncs than appends, got " + fsyncs);
        }
    }

    /** A full queue blocks the appender until the writer makes room; nothing is lost or reordered. */
    @Test
    @Timeout(60)
    void fullQueueBlocksAppendersUntilThereIsRoom() throws Exception {
        HookedChannels io = new HookedChannels();
        CountDownLatch release = new CountDownLatch(1);
        JournalSettings settings = JournalSettings.defaults().withQueueCapacity(4).withMaxBatchRecords(4);
        try (Journal j = Journal.open(dir, settings, new Recorder(), io)) {
            io.forceHook = file -> await(release);
            int writesBefore = io.segmentWrites.get();
            CompletableFuture<Long> first = j.append(payload(0, 8)); // taken by the writer, held in fsync
            while (io.segmentWrites.get() == writesBefore) {
                Thread.onSpinWait();
            }
            List<CompletableFuture<Long>> queued = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                queued.add(j.append(payload(i, 8))); // fills the queue
            }
            CompletableFuture<CompletableFuture<Long>> blocked =
                    CompletableFuture.supplyAsync(() -> j.append(payload(5, 8)));
            Thread.sleep(200);
            assertTrue(!blocked.isDone(), "append should block while the queue is full");
            release.countDown();
            assertEquals(1, first.get(10, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                assertEquals(i + 2, queued.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(6, blocked.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
