package io.bucketfs.vfs.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several threads lock, unlock, wait and cancel on a few files at once; every consistent snapshot of a file
 * must satisfy the lock invariants, and once every owner is released every future must have completed.
 */
@Timeout(30)
class LockManagerStressTest {

    static final int THREADS = 4;
    static final int OPS = 2_000;
    static final List<LockOwner> OWNERS = List.of(new LockOwner("n1", "a"), new LockOwner("n1", "b"),
            new LockOwner("n2", "c"), new LockOwner("n3", "d"));

    @Test
    void concurrentOperationsKeepTheInvariants() throws Exception {
        LockManager lm = new LockManager(new InMemoryLockStore(2), new ManualTimer(), Duration.ofSeconds(1));
        Queue<CompletableFuture<LockResult>> waits = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 1234L + t;
                done.add(pool.submit(() -> run(lm, new Random(seed), waits)));
            }
            for (Future<?> f : done) {
                f.get(25, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        OWNERS.forEach(lm::releaseOwner);
        for (CompletableFuture<LockResult> w : waits) {
            assertTrue(w.isDone(), "every waiter completes once its owner or the holders are released");
        }
        for (long file = 0; file < 3; file++) {
            assertEquals(List.of(), lm.locks(file));
        }
    }

    private static void run(LockManager lm, Random rnd, Queue<CompletableFuture<LockResult>> waits) {
        for (int i = 0; i < OPS; i++) {
            long file = rnd.nextInt(3);
            LockOwner owner = OWNERS.get(rnd.nextInt(OWNERS.size()));
            LockFlavor flavor = rnd.nextBoolean() ? LockFlavor.POSIX : LockFlavor.SMB;
            LockType type = rnd.nextBoolean() ? LockType.READ : LockType.WRITE;
            long offset = rnd.nextInt(64);
            long length = 1 + rnd.nextInt(16);
            switch (rnd.nextInt(5)) {
                case 0, 1 -> lm.lock(file, owner, flavor, type, offset, length, false);
                case 2 -> {
                    CompletableFuture<LockResult> f = lm.lock(file, owner, flavor, type, offset, length, true);
                    if (rnd.nextInt(3) == 0) {
                        f.cancel(false);
                    }
                    waits.add(f);
                }
                case 3 -> lm.unlock(file, owner, LockFlavor.POSIX, offset, length);
                default -> lm.locks(file).stream().filter(l -> l.owner().equals(owner)).findAny()
                        .ifPresent(l -> lm.unlock(file, owner, l.flavor(), l.range().offset(), l.range().length()));
            }
            PosixLockPropertiesTest.assertInvariants(lm.locks(file));
        }
    }
}
