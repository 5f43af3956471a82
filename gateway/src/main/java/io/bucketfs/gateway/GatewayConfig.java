package io.bucketfs.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the gateway keeps its state.
 *
 * @param dataDir  durable state: the lock file, the embedded default bucket ({@code buckets/default}), later the
 *                 metadata journal and the configuration
 * @param cacheDir the cache tier (the NVMe mount on the appliance); may be wiped while the gateway is stopped
 */
public record GatewayConfig(Path dataDir, Path cacheDir) {

    /** The name of the embedded default bucket and of the mount that exports it. */
    public static final String DEFAULT_BUCKET = "default";

    public GatewayConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath().normalize();
        cacheDir = cacheDir == null ? dataDir.resolve("cache") : cacheDir.toAbsolutePath().normalize();
    }

    /** The directory holding the embedded local buckets. */
    public Path bucketsDir() {
        return dataDir.resolve("buckets");
    }
}
