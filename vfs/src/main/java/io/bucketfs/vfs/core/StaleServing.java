package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectStoreException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Reports the accesses served from what the gateway already knew (attributes, a directory's last listing) because the bucket could not be reached: one
 * warning at the first, then at most one per {@value #QUIET_SECONDS} s with how many were served meanwhile, so an
 * outage does not flood the log.
 */
final class StaleServing {

    static final long QUIET_SECONDS = 30;

    private final Logger log;
    private final AtomicLong lastWarned = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong since = new AtomicLong();
    /** When the bucket last failed to answer (nanoTime), or Long.MIN_VALUE while it answers. */
    private final AtomicLong failedAt = new AtomicLong(Long.MIN_VALUE);

    StaleServing(Logger log) {
        this.log = log;
    }

    /** The retryable backend failure (the bucket unreachable after the retries) behind {@code e}, or null. */
    static ObjectStoreException unreachable(Throwable e) {
        return e.getCause() instanceof ObjectStoreException o && o.kind().retryable() ? o : null;
    }

    /** How long after a failure the bucket is not asked again for what the gateway already knows. */
    static final long RETRY_AFTER_SECONDS = 5;

    /**
     * Whether the bucket failed to answer within the last {@value #RETRY_AFTER_SECONDS} s: then what the gateway
     * knows is served at once rather than after another round of retries (each access would wait for them).
     */
    boolean recentlyUnreachable() {
        long at = failedAt.get();
        return at != Long.MIN_VALUE && System.nanoTime() - at < RETRY_AFTER_SECONDS * 1_000_000_000L;
    }

    /** The bucket answered. */
    void reachable() {
        if (failedAt.get() != Long.MIN_VALUE) {
            failedAt.set(Long.MIN_VALUE);
            log.info("the bucket answers again");
        }
    }

    /** {@code key}'s attributes were served unvalidated because of {@code e}. */
    void note(String key, ObjectStoreException e) {
        failedAt.set(System.nanoTime());
        served(key, e);
    }

    /** Served without asking (the bucket failed recently). */
    void served(String key) {
        served(key, null);
    }

    private void served(String key, ObjectStoreException e) {
        long n = since.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarned.get();
        if ((last == Long.MIN_VALUE || now - last >= QUIET_SECONDS * 1_000_000_000L)
                && lastWarned.compareAndSet(last, now)) {
            since.addAndGet(-n);
            log.warn("the bucket is unreachable ({}): serving what the gateway knows of '{}'{} until it answers",
                    e == null ? "it failed less than " + RETRY_AFTER_SECONDS + " s ago" : e.getMessage(), key,
                    n > 1 ? " and " + (n - 1) + " earlier accesses" : "");
        }
    }
}
