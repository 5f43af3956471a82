package io.bucketfs.cache.write;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The staging space account: bytes reserved against a limit. Writers {@link #reserve} before they take any file
 * lock and may wait for space; space the write-back itself needs while it holds a file lock (copies kept for
 * uploads in flight, base bytes filled in) is {@link #force forced}, which may exceed the limit briefly. The lock
 * here guards counters only; no I/O happens under it.
 */
final class SpaceBudget {

    private final long limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;

    SpaceBudget(long limit) {
        this.limit = limit;
    }

    /** Reserves {@code bytes}, waiting up to {@code timeout} for enough to be released; else StagingFullException. */
    void reserve(long bytes, Duration timeout) throws StagingFullException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            // a write larger than the whole limit may go in alone, else it could never succeed
            while (used > 0 && used + bytes > limit) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StagingFullException(bytes, used, limit);
                }
                freed.await(left, TimeUnit.NANOSECONDS);
            }
            used += bytes;
        } finally {
            lock.unlock();
        }
    }

    void force(long bytes) {
        lock.lock();
        try {
            used += bytes;
        } finally {
            lock.unlock();
        }
    }

    void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        lock.lock();
        try {
            used = Math.max(0, used - bytes);
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }
}
