package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of a {@link WriteBack}. {@link #DEFAULT} holds the defaults named by the constants below.
 *
 * @param maxStagingBytes      staged bytes (written data plus copies kept for uploads in flight) above which
 *                             writes wait; default {@value #DEFAULT_MAX_STAGING_BYTES}
 * @param stagingWaitTimeout   how long a write waits for uploads to free staging space before it fails with
 *                             {@link StagingFullException}; default {@value #DEFAULT_STAGING_WAIT_SECONDS} s
 * @param partSize             multipart part size, at least {@link ObjectStore#MIN_PART_SIZE}; files larger than
 *                             one part are uploaded in parts, smaller ones with one PUT; default
 *                             {@value #DEFAULT_PART_SIZE}
 * @param uploadThreads        files uploaded at once (the upload pool); default {@value #DEFAULT_UPLOAD_THREADS}
 * @param partThreads          parts uploaded at once over all files (the part pool); default
 *                             {@value #DEFAULT_PART_THREADS}
 * @param partsInFlightPerFile parts of one file uploaded at once; default {@value #DEFAULT_PARTS_IN_FLIGHT}
 * @param retryInitialBackoff  wait before the first retry of a failed upload, doubled after each further failure;
 *                             default {@value #DEFAULT_RETRY_INITIAL_MILLIS} ms
 * @param retryMaxBackoff      the longest wait between retries; default {@value #DEFAULT_RETRY_MAX_SECONDS} s
 */
public record WriteBackSettings(long maxStagingBytes, Duration stagingWaitTimeout, long partSize,
                                int uploadThreads, int partThreads, int partsInFlightPerFile,
                                Duration retryInitialBackoff, Duration retryMaxBackoff) {

    public static final long DEFAULT_MAX_STAGING_BYTES = 8L << 30;
    public static final long DEFAULT_STAGING_WAIT_SECONDS = 30;
    public static final long DEFAULT_PART_SIZE = 16L << 20;
    public static final int DEFAULT_UPLOAD_THREADS = 4;
    public static final int DEFAULT_PART_THREADS = 8;
    public static final int DEFAULT_PARTS_IN_FLIGHT = 4;
    public static final long DEFAULT_RETRY_INITIAL_MILLIS = 1000;
    public static final long DEFAULT_RETRY_MAX_SECONDS = 300;

    public static final WriteBackSettings DEFAULT = new WriteBackSettings(DEFAULT_MAX_STAGING_BYTES,
            Duration.ofSeconds(DEFAULT_STAGING_WAIT_SECONDS), DEFAULT_PART_SIZE, DEFAULT_UPLOAD_THREADS,
            DEFAULT_PART_THREADS, DEFAULT_PARTS_IN_FLIGHT, Duration.ofMillis(DEFAULT_RETRY_INITIAL_MILLIS),
            Duration.ofSeconds(DEFAULT_RETRY_MAX_SECONDS));

    public WriteBackSettings {
        Objects.requireNonNull(stagingWaitTimeout, "stagingWaitTimeout");
        Objects.requireNonNull(retryInitialBackoff, "retryInitialBackoff");
        Objects.requireNonNull(retryMaxBackoff, "retryMaxBackoff");
        if (maxStagingBytes < 1) {
            throw new IllegalArgumentException("maxStagingBytes must be >= 1: " + maxStagingBytes);
        }
        if (stagingWaitTimeout.isNegative()) {
            throw new IllegalArgumentException("stagingWaitTimeout must be >= 0");
        }
        if (partSize < ObjectStore.MIN_PART_SIZE || partSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("partSize must be " + ObjectStore.MIN_PART_SIZE + ".."
                    + Integer.MAX_VALUE + ": " + partSize);
        }
        if (uploadThreads < 1 || partThreads < 1 || partsInFlightPerFile < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1");
        }
        if (retryInitialBackoff.isNegative() || retryInitialBackoff.isZero()
                || retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < retryInitialBackoff <= retryMaxBackoff");
        }
    }

    public WriteBackSettings withMaxStagingBytes(long bytes, Duration waitTimeout) {
        return new WriteBackSettings(bytes, waitTimeout, partSize, uploadThreads, partThreads,
                partsInFlightPerFile, retryInitialBackoff, retryMaxBackoff);
    }

    public WriteBackSettings withPartSize(long bytes) {
        return new WriteBackSettings(maxStagingBytes, stagingWaitTimeout, bytes, uploadThreads, partThreads,
                partsInFlightPerFile, retryInitialBackoff, retryMaxBackoff);
    }

    public WriteBackSettings withRetryBackoff(Duration initial, Duration max) {
        return new WriteBackSettings(maxStagingBytes, stagingWaitTimeout, partSize, uploadThreads, partThreads,
                partsInFlightPerFile, initial, max);
    }
}
