package io.bucketfs.backends;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounded exponential backoff with full jitter: attempt {@code n} (from 1) that failed retryably is followed by a
 * pause drawn uniformly from {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}, until {@code maxAttempts} attempts
 * were made or the next pause would end past {@code maxElapsed} from the first attempt.
 *
 * @param maxAttempts attempts in all, including the first (1 = no retry)
 * @param baseDelay   the cap of the first pause
 * @param maxDelay    the cap of every pause
 * @param maxElapsed  no retry starts later than this after the first attempt began
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxElapsed) {

    /** Defaults: {@value #DEFAULT_MAX_ATTEMPTS} attempts, 100 ms base, 5 s cap, 60 s in all. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;

    public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, Duration.ofMillis(100),
            Duration.ofSeconds(5), Duration.ofSeconds(60));

    /** One attempt, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry maxAttempts must be >= 1: " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxElapsed.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative");
        }
    }

    /** The cap of the pause after failed attempt {@code attempt} (from 1). */
    public Duration delayCap(int attempt) {
        long base = baseDelay.toNanos();
        int shift = Math.min(attempt - 1, 30);
        long cap = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
        return Duration.ofNanos(Math.min(cap, maxDelay.toNanos()));
    }
}
