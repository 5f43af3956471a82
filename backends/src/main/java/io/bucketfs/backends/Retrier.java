package io.bucketfs.backends;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backend call under a {@link RetryPolicy}. The call throws {@link ObjectStoreException}s that are already
 * classified (each store maps its SDK's failures first); only {@link ObjectStoreException.Kind#retryable()} kinds
 * are retried. A failure on a stale pooled connection ({@link ObjectStoreException#staleConnection()}: the server
 * closed a kept-alive connection, which some S3 servers do after every upload) is retried at once, up to
 * {@link #IMMEDIATE_STALE_RETRIES} times in a row, since the next attempt takes another connection; after that, and
 * for every other failure, the pauses grow as the policy says. Clock and sleep are injectable so that tests check
 * the schedule without waiting.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** One attempt of a backend call. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws ObjectStoreException;
    }

    /** Pauses for the given nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** Stale-connection failures in a row that are retried without a pause (a pool may hold several). */
    public static final int IMMEDIATE_STALE_RETRIES = 2;

    private final RetryPolicy policy;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    public Retrier(RetryPolicy policy) {
        this(policy, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public Retrier(RetryPolicy policy, LongSupplier nanoClock, Sleeper sleeper) {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails with a kind that is not retryable, or the policy's attempts
     * or time run out; then the last failure is thrown. {@code repeatable=false} (a one-shot body) allows one
     * attempt only.
     */
    public <T> T call(String operation, boolean repeatable, Attempt<T> attempt) throws ObjectStoreException {
        long start = nanoClock.getAsLong();
        long deadline = start + policy.maxElapsed().toNanos();
        int staleInARow = 0;
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (ObjectStoreException e) {
                if (!e.kind().retryable() || !repeatable || n >= policy.maxAttempts()) {
                    throw e;
                }
                staleInARow = e.staleConnection() ? staleInARow + 1 : 0;
                if (staleInARow > 0 && staleInARow <= IMMEDIATE_STALE_RETRIES) {
                    LOG.debug("{} failed on a stale connection ({}), attempt {} of {}; retrying at once", operation,
                            e.getMessage(), n, policy.maxAttempts());
                    continue;
                }
                long pause = ThreadLocalRandom.current().nextLong(policy.delayCap(n).toNanos() + 1);
                if (nanoClock.getAsLong() + pause > deadline) {
                    throw e;
                }
                LOG.debug("{} failed ({}), attempt {} of {}; retrying in {} ms", operation, e.getMessage(), n,
                        policy.maxAttempts(), pause / 1_000_000);
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    ObjectStoreException interrupted = new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT,
                            operation + " interrupted while waiting to retry", ie);
                    interrupted.addSuppressed(e);
                    throw interrupted;
                }
            }
        }
    }
}
