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
                    + "else ./bucketfs-data).")
    Path dataDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The cache tier (NVMe on the appliance): chunk cache and staged writes "
                    + "(default: DATA_DIR/cache).")
    Path cacheDir;

    @Option(names = "--cache-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "How much the chunk cache may hold, e.g. 500GB or 2TiB (default: 10GiB).")
    Long cacheSize;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "The address the protocol servers listen on (default: 0.0.0.0, every interface).")
    String bind = "0.0.0.0";

    @Option(names = "--nfs-port", paramLabel = "PORT",
            description = "The NFS port (default: 2049; 0 picks a free one, which the log names).")
    int nfsPort = 2049;

    @Option(names = "--nfs-grace", paramLabel = "SECONDS",
            description = "The NFSv4 grace period after a start, for clients to reclaim their state (default: 90).")
    int nfsGrace = 90;

    @Option(names = "--nfs-clients", paramLabel = "CIDR", split = ",",
            description = "The networks NFS clients of the default mount may come from (default: loopback and the "
                    + "private networks; 0.0.0.0/0,::/0 for any).")
    java.util.List<String> nfsClients;

    @Option(names = "--nfs-no-root-squash",
            description = "NFS requests of uid 0 act as root on the default mount (default: as nobody, 65534).")
    boolean nfsNoRootSquash;

    @Option(names = "--smb-port", paramLabel = "PORT",
            description = "The SMB port (default: 445; 0 picks a free one, which the log names). The user is "
                    + "bucketfs, its password in DATA_DIR/smb-password (generated at the first start).")
    int smbPort = 445;

    @Option(names = "--smb-encrypt-share", paramLabel = "SHARE",
            description = "Require encryption on this SMB share (repeatable): SMB 3 clients encrypt on it, SMB 2 "
                    + "clients are refused.")
    java.util.Set<String> smbEncryptShares = new java.util.LinkedHashSet<>();

    @Option(names = "--smb-encrypt",
            description = "Require encryption on every SMB session (all shares): SMB 3 clients encrypt, SMB 2 "
                    + "clients and clients that cannot encrypt are refused at logon.")
    boolean smbEncrypt;

    @Option(names = "--smb-signing", paramLabel = "POLICY",
            description = "Which SMB sessions must sign: smb3 (default: every SMB 3.x session; 2.x as the client "
                    + "asks), required (every dialect) or optional (only where the client asks).")
    String smbSigning = "smb3";

    @Option(names = "--smb-max-io", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "The largest SMB READ, WRITE and IOCTL payload (MaxReadSize/MaxWriteSize/MaxTransactSize; "
                    + "2.0.2 clients get 64KiB), 64KiB to 8MiB (default: 1MiB); the largest frame is 64KiB more.")
    Long smbMaxIo;

    @Option(names = "--smb-workers", paramLabel = "N",
            description = "Threads running SMB requests for all connections (default: "
                    + io.bucketfs.smb.server.SmbSettings.DEFAULT_WORKER_THREADS + ").")
    int smbWorkers = io.bucketfs.smb.server.SmbSettings.DEFAULT_WORKER_THREADS;

    @Option(names = "--smb-max-credits", paramLabel = "N",
            description = "The most SMB credits (requests in flight) a connection may hold, 16 to 65535 (default: "
                    + io.bucketfs.smb.server.SmbSettings.DEFAULT_MAX_CREDITS + ").")
    int smbMaxCredits = io.bucketfs.smb.server.SmbSettings.DEFAULT_MAX_CREDITS;

    @Option(names = "--admin-port", paramLabel = "PORT",
            description = "The admin API's port on 127.0.0.1, used by the bucketfs CLI (default: "
                    + io.bucketfs.gateway.admin.AdminServer.DEFAULT_PORT + "; 0 picks a free one, written to "
                    + "DATA_DIR/" + io.bucketfs.gateway.admin.AdminServer.ENDPOINT_FILE + ").")
    int adminPort = io.bucketfs.gateway.admin.AdminServer.DEFAULT_PORT;

    @Override
    public Integer call() throws Exception {
        if (adminPort < 0 || adminPort > 65535) {
            throw new CliException("admin-port: must be 0-65535, not " + adminPort);
        }
        if (nfsPort < 0 || nfsPort > 65535) {
            throw new CliException("nfs-port: must be 0-65535, not " + nfsPort);
        }
        if (smbPort < 0 || smbPort > 65535) {
            throw new CliException("smb-port: must be 0-65535, not " + smbPort);
        }
        if (nfsGrace < 0) {
            throw new CliException("nfs-grace: must not be negative");
        }
        io.bucketfs.smb.server.SmbSettings.Signing signing;
        try {
            signing = io.bucketfs.smb.server.SmbSettings.Signing.parse(smbSigning);
        } catch (IllegalArgumentException e) {
            throw new CliException("smb-signing: " + e.getMessage());
        }
        io.bucketfs.smb.server.SmbSettings smbSettings;
        try {
            long maxIo = smbMaxIo != null ? smbMaxIo : io.bucketfs.smb.server.SmbSettings.DEFAULT_MAX_IO_BYTES;
            smbSettings = io.bucketfs.smb.server.SmbSettings.DEFAULTS.withSigning(signing).withEncryptData(smbEncrypt)
                    .withLimits((int) Math.min(maxIo, Integer.MAX_VALUE), smbWorkers, smbMaxCredits);
        } catch (IllegalArgumentException e) {
            throw new CliException("smb limits: " + e.getMessage());
        }
        io.bucketfs.nfs.export.ExportRules exportRules = exportRules(nfsClients, !nfsNoRootSquash);
        GatewayConfig config = new GatewayConfig(dataDir != null ? dataDir : defaultDataDir(), cacheDir,
                cacheSize != null ? cacheSize : GatewayConfig.DEFAULT_CACHE_SIZE);
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (java.io.IOException e) {
            throw new CliException("cannot start: " + e.getMessage(), e);
        }
        try {
            gateway.defaultExportRules(exportRules);
            gateway.startNfs(bind, nfsPort, io.bucketfs.nfs.NfsSettings.DEFAULTS.withGrace(
                    java.time.Duration.ofSeconds(nfsGrace)));
        } catch (java.io.IOException e) {
            gateway.close();
            throw new CliException("nfs-port: " + e.getMessage(), e);
        }
        try {
            gateway.startSmb(bind, smbPort, smbSettings, gateway.defaultSmbUsers(), smbEncryptShares);
        } catch (IllegalArgumentException e) {
            gateway.close();
            throw new CliException("smb-encrypt-share: " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            gateway.close();
            throw new CliException("smb-port: " + e.getMessage(), e);
        } catch (CliException e) {
            gateway.close();
            throw e;
        }
        try {
            gateway.startAdmin(adminPort);
        } catch (java.io.IOException e) {
            gateway.close();
            throw new CliException("admin-port: " + e.getMessage(), e);
        } catch (CliException e) {
            gateway.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            gateway.close();
        }, "bucketfs-shutdown"));
        LOG.info("bucketfs gateway running, data dir {}; stop with Ctrl-C or SIGTERM", config.dataDir());
        gateway.awaitStop();
        return 0;
    }

    /** The default mount's export rules: {@code clients} (none: the private networks), squashing root or not. */
    public static io.bucketfs.nfs.export.ExportRules exportRules(java.util.List<String> clients, boolean rootSquash) {
        java.util.List<io.bucketfs.nfs.export.Cidr> networks = io.bucketfs.nfs.export.ExportRules.PRIVATE_NETWORKS;
        if (clients != null && !clients.isEmpty()) {
            try {
                networks = clients.stream().map(io.bucketfs.nfs.export.Cidr::parse).toList();
            } catch (IllegalArgumentException e) {
                throw new CliException("nfs-clients: " + e.getMessage());
            }
        }
        return new io.bucketfs.nfs.export.ExportRules(networks, false, rootSquash,
                io.bucketfs.nfs.export.ExportRules.NOBODY, io.bucketfs.nfs.export.ExportRules.NOBODY);
    }

    static Path defaultDataDir() {
        String env = System.getenv("BUCKETFS_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of("bucketfs-data");
    }
}
