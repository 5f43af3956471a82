package io.bucketfs.cache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of read-ahead fetches issued and not finished, across every reader of a cache, bounded by
 * {@link CacheSettings#readAheadMaxBytes()}. Never blocks: a reader that cannot acquire simply issues no more
 * read-ahead for now.
 */
final class ReadAheadBudget {
    private final long max;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    ReadAheadBudget(long max) {
        this.max = max;
    }

    boolean tryAcquire(long bytes) {
        while (true) {
            long cur = inFlight.get();
            if (cur + bytes > max) {
                return false;
            }
            if (inFlight.compareAndSet(cur, cur + bytes)) {
                peak.accumulateAndGet(cur + bytes, Math::max);
                return true;
            }
        }
    }

    void release(long bytes) {
        inFlight.addAndGet(-bytes);
    }

    long inFlight() {
        return inFlight.get();
    }

    long peak() {
        return peak.get();
    }
}
