package io.bucketfs.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the gateway keeps its state.
 *
 * @param dataDir  durable state: the lock file, the embedded default bucket ({@code buckets/default}), later the
 *                 metadata journal and the configuration
 * @param cacheDir the cache tier (the NVMe mount on the appliance): the chunk cache and staged writes
 * @param cacheSize bytes the chunk cache may hold
 */
public record GatewayConfig(Path dataDir, Path cacheDir, long cacheSize) {

    /** The cache size when none is given. */
    public static final long DEFAULT_CACHE_SIZE = 10L << 30;

    /** The name of the embedded default bucket and of the mount that exports it. */
    public static final String DEFAULT_BUCKET = "default";

    public GatewayConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath().normalize();
        cacheDir = cacheDir == null ? dataDir.resolve("cache") : cacheDir.toAbsolutePath().normalize();
        if (cacheSize <= 0) {
            throw new IllegalArgumentException("cache-size: must be more than 0");
        }
    }

    public GatewayConfig(Path dataDir, Path cacheDir) {
        this(dataDir, cacheDir, DEFAULT_CACHE_SIZE);
    }

    /** The metadata journals and other durable VFS state. */
    public Path stateDir() {
        return dataDir.resolve("state");
    }

    /** The password of the generated SMB user (mode 0600). */
    public Path smbPasswordFile() {
        return dataDir.resolve(SmbPasswordFile.FILE);
    }

    /** The directory holding the embedded local buckets. */
    public Path bucketsDir() {
        return dataDir.resolve("buckets");
    }
}
