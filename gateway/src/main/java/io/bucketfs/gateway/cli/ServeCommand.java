package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bucketfs serve}: runs the gateway in the foreground until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway in the foreground until stopped (SIGTERM or Ctrl-C).",
            "With no configuration it serves the embedded default: a local-directory bucket in the data "
                + "directory and a cache directory beside it."})
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Durable gateway state and the embedded buckets (default: $BUCKETFS_DATA_DIR, "
                    + "else ~/.local/share/bucketfs).")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The cache tier (NVMe on the appliance): chunk cache and staged writes "
                    + "(default: DATA_DIR/cache).")
    Path cacheDir;

    @Option(names = "--cache-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "How much the chunk cache may hold, e.g. 500GB or 2TiB (default: 10GiB).")
    Long cacheSize;

    @Override
    public Integer call() throws Exception {
        GatewayConfig config = new GatewayConfig(dataDir != null ? dataDir : defaultDataDir(), cacheDir,
                cacheSize != null ? cacheSize : GatewayConfig.DEFAULT_CACHE_SIZE);
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (java.io.IOException e) {
            throw new CliException("cannot start: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            gateway.close();
        }, "bucketfs-shutdown"));
        LOG.info("frontends: NFS not available yet (NFSv4.1 server: issue 4); SMB not available yet (issue 5)");
        LOG.info("bucketfs gateway running, data dir {}; stop with Ctrl-C or SIGTERM", config.dataDir());
        gateway.awaitStop();
        return 0;
    }

    static Path defaultDataDir() {
        String env = System.getenv("BUCKETFS_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "bucketfs");
    }
}
