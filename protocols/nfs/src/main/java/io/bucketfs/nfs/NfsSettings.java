package io.bucketfs.nfs;

import java.time.Duration;

/**
 * The NFS server's settings; every decoder limit is here, with its default.
 *
 * @param maxRequestBytes the largest RPC record accepted; a longer one closes the connection
 * @param maxIoBytes the largest READ/WRITE payload offered to clients (rsize/wsize, maxread/maxwrite)
 * @param workers threads running VFS calls (RPC I/O threads never call the VFS)
 * @param maxQueued requests queued for the workers before the server stops reading sockets (back-pressure)
 * @param lease the NFSv4 lease time
 * @param grace the grace period after a start during which only reclaims are served (zero: none)
 */
public record NfsSettings(int maxRequestBytes, int maxIoBytes, int workers, int maxQueued, Duration lease,
        Duration grace) {

    public static final int DEFAULT_MAX_IO_BYTES = 1 << 20;
    /** One maximal WRITE plus room for the RPC header and the rest of a COMPOUND. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = DEFAULT_MAX_IO_BYTES + (64 << 10);
    public static final int DEFAULT_WORKERS = 32;
    public static final int DEFAULT_MAX_QUEUED = 1024;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(90);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(90);

    public static final NfsSettings DEFAULTS = new NfsSettings(DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_IO_BYTES,
            DEFAULT_WORKERS, DEFAULT_MAX_QUEUED, DEFAULT_LEASE, DEFAULT_GRACE);

    public NfsSettings {
        if (maxIoBytes < 4096) {
            throw new IllegalArgumentException("maxIoBytes: at least 4096");
        }
        if (maxRequestBytes < maxIoBytes + 1024) {
            throw new IllegalArgumentException("maxRequestBytes: at least maxIoBytes + 1024");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: at least 1");
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued: at least 1");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease: must be positive");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace: must not be negative");
        }
    }

    public NfsSettings withGrace(Duration g) {
        return new NfsSettings(maxRequestBytes, maxIoBytes, workers, maxQueued, lease, g);
    }

    public NfsSettings withLease(Duration l) {
        return new NfsSettings(maxRequestBytes, maxIoBytes, workers, maxQueued, l, grace);
    }
}
