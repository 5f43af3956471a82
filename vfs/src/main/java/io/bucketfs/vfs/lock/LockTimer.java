package io.bucketfs.vfs.lock;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs lease-break timeouts. A seam for tests, which use a manual clock; production wraps a
 * {@link ScheduledExecutorService}. Tasks must not run on the scheduling thread inside {@link #schedule}.
 */
public interface LockTimer {

    /** Runs {@code task} once after {@code delay} unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task. */
    interface Cancellable {
        /** Keeps the task from running if it has not started; no effect otherwise. */
        void cancel();
    }

    /** A timer on an executor the caller owns (and shuts down). */
    public static LockTimer of(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
