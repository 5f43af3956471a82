package io.bucketfs.backends;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts, retries and connection limits of one store. Every value is a setting of the connection it belongs to.
 *
 * @param connectTimeout  establishing a TCP (and TLS) connection
 * @param requestTimeout  one attempt of a request that has no body to stream (HEAD, LIST, DELETE, COPY, complete),
 *                        and the longest silence while a body is streamed either way
 * @param retry           retries after throttling, 5xx, resets and timeouts
 * @param maxConnections  pooled connections per store; size it to the caller's pools
 */
public record BackendSettings(Duration connectTimeout, Duration requestTimeout, RetryPolicy retry,
                              int maxConnections) {

    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    public static final BackendSettings DEFAULT = new BackendSettings(Duration.ofSeconds(10), Duration.ofSeconds(60),
            RetryPolicy.DEFAULT, DEFAULT_MAX_CONNECTIONS);

    public BackendSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retry, "retry");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be > 0");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1: " + maxConnections);
        }
    }

    public BackendSettings withRetry(RetryPolicy r) {
        return new BackendSettings(connectTimeout, requestTimeout, r, maxConnections);
    }

    public BackendSettings withTimeouts(Duration connect, Duration request) {
        return new BackendSettings(connect, request, retry, maxConnections);
    }
}
