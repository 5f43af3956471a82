package io.bucketfs.backends;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backend call under a {@link RetryPolicy}. The call throws {@link ObjectStoreException}s that are already
 * classified (each store maps its SDK's failures first); only {@link ObjectStoreException.Kind#retryable()} kinds
 * are retried. Clock and sleep are injectable so that tests check the schedule without waiting.
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
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (ObjectStoreException e) {
                if (!e.kind().retryable() || !repeatable || n >= policy.maxAttempts()) {
                    throw e;
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
