package io.bucketfs.gateway;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.Provider;
import io.bucketfs.gateway.cli.CliException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: owns its data directory (one gateway per directory, enforced by a lock file), the
 * embedded default bucket and the cache directory. Protocol frontends attach here as they land.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private FileChannel lockChannel;
    private FileLock lock;
    private ObjectStore defaultBucket;
    private io.bucketfs.vfs.core.VfsRuntime vfs;
    private io.bucketfs.nfs.NfsServer nfs;
    private io.bucketfs.nfs.export.ExportTable exports;
    private io.bucketfs.smb.server.SmbServer smb;

    private Gateway(GatewayConfig config) {
        this.config = config;
    }

    /** Takes the data directory, opens the embedded default bucket and prepares the cache directory. */
    public static Gateway start(GatewayConfig config) throws IOException {
        return start(config, ConnectionSpec.of(Provider.LOCAL, GatewayConfig.DEFAULT_BUCKET)
                .withEndpoint(config.bucketsDir().toString()));
    }

    /**
     * Takes the data directory and serves the default mount from the bucket {@code defaultBucket} names (any
     * provider) instead of the embedded one.
     */
    public static Gateway start(GatewayConfig config, ConnectionSpec defaultBucket) throws IOException {
        Gateway g = new Gateway(config);
        try {
            g.lockDataDir();
            Files.createDirectories(config.cacheDir());
            g.defaultBucket = ObjectStores.open(defaultBucket.validate(), BackendSettings.DEFAULT);
            long objects = g.defaultBucket.list(ListRequest.flat("")).objects().size();
            LOG.info("default bucket {} ({}{} objects)", g.defaultBucket.describe(), objects >= ListRequest.MAX_KEYS
                    ? "at least " : "", objects);
            long t0 = System.nanoTime();
            g.vfs = io.bucketfs.vfs.core.VfsRuntime.open(config.stateDir(), config.cacheDir(),
                    io.bucketfs.cache.CacheSettings.DEFAULT.withCapacityBytes(config.cacheSize()),
                    io.bucketfs.cache.write.WriteBackSettings.DEFAULT,
                    io.bucketfs.vfs.journal.JournalSettings.defaults(),
                    java.util.List.of(new io.bucketfs.vfs.core.VfsRuntime.MountSpec(
                            io.bucketfs.vfs.MountSettings.defaults(GatewayConfig.DEFAULT_BUCKET), g.defaultBucket)));
            LOG.info("mount {} ready in {} ms; cache {} of {} in {}", GatewayConfig.DEFAULT_BUCKET,
                    (System.nanoTime() - t0) / 1_000_000, Sizes.format(g.vfs.cache().stats().usedBytes()),
                    Sizes.format(config.cacheSize()), config.cacheDir());
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public GatewayConfig config() {
        return config;
    }

    public ObjectStore defaultBucket() {
        return defaultBucket;
    }

    /** The VFS of the mounts (the default one: {@link GatewayConfig#DEFAULT_BUCKET}). */
    public io.bucketfs.vfs.core.VfsRuntime vfs() {
        return vfs;
    }

    /** The export id of the default mount; part of every NFS handle of it, so it never changes. */
    public static final int DEFAULT_EXPORT_ID = 1;

    /**
     * The NFS export table: the default mount at {@code /default} (export id {@value #DEFAULT_EXPORT_ID}, open to
     * everyone). Made once; Every NFS version serves it.
     */
    public synchronized io.bucketfs.nfs.export.ExportTable nfsExports() {
        if (exports == null) {
            exports = new io.bucketfs.nfs.export.ExportTable();
            exports.add(new io.bucketfs.nfs.export.Export(DEFAULT_EXPORT_ID, GatewayConfig.DEFAULT_BUCKET,
                    vfs.mount(GatewayConfig.DEFAULT_BUCKET), io.bucketfs.nfs.export.ExportRules.OPEN));
        }
        return exports;
    }

    /**
     * Starts the NFS server (NFSv4.0/4.1/4.2, NFSv3 and MOUNT v3 on one port) with the default mount exported at
     * {@code /default} (export id {@value #DEFAULT_EXPORT_ID}, open to everyone). Logs the endpoint; a port that
     * cannot be bound is an IOException naming it.
     */
    public io.bucketfs.nfs.NfsServer startNfs(String bind, int port, io.bucketfs.nfs.NfsSettings settings)
            throws IOException {
        io.bucketfs.nfs.export.ExportTable table = nfsExports();
        nfs = io.bucketfs.nfs.NfsServer.start(bind, port, settings, table);
        LOG.info("NFS listening on {}:{} (NFSv4.0, 4.1, 4.2, NFSv3 + MOUNT v3; exports: {}; grace {} s)", bind,
                nfs.address().getPort(), table.all().stream().map(io.bucketfs.nfs.export.Export::path).toList(),
                settings.grace().toSeconds());
        return nfs;
    }

    /** The SMB account made when no user is configured; its password is in {@link GatewayConfig#smbPasswordFile()}. */
    public static final String DEFAULT_SMB_USER = "bucketfs";

    /**
     * The SMB users when none is configured: {@value #DEFAULT_SMB_USER}, with the password in
     * {@link GatewayConfig#smbPasswordFile()} (generated at the first start, reused after). Only its NT hash is
     * kept. The account acts as root in the VFS, as NFS clients do on the open default export.
     */
    public io.bucketfs.smb.ntlm.SmbUsers defaultSmbUsers() {
        Path file = config.smbPasswordFile();
        SmbPasswordFile.Loaded pw = SmbPasswordFile.loadOrCreate(file, new java.security.SecureRandom());
        LOG.info("SMB user {}: password {} {}", DEFAULT_SMB_USER, pw.created() ? "generated in" : "in", file);
        return new io.bucketfs.smb.ntlm.InMemorySmbUsers().add(new io.bucketfs.smb.ntlm.SmbUser(DEFAULT_SMB_USER,
                pw.ntHash(), io.bucketfs.vfs.Caller.ROOT));
    }

    /**
     * Starts the SMB server (SMB 2.0.2 to 3.1.1) for the {@linkplain #defaultSmbUsers() default user}, every mount
     * a share by its name (the default mount: share {@code default}) plus IPC$. Logs the endpoint; a port that
     * cannot be bound is an IOException naming it.
     */
    public io.bucketfs.smb.server.SmbServer startSmb(String bind, int port, io.bucketfs.smb.server.SmbSettings settings)
            throws IOException {
        return startSmb(bind, port, settings, defaultSmbUsers());
    }

    /** {@link #startSmb(String, int, io.bucketfs.smb.server.SmbSettings)} for the given users. */
    public io.bucketfs.smb.server.SmbServer startSmb(String bind, int port,
            io.bucketfs.smb.server.SmbSettings settings, io.bucketfs.smb.ntlm.SmbUsers users) throws IOException {
        return startSmb(bind, port, settings, users, java.util.Set.of());
    }

    /**
     * {@link #startSmb(String, int, io.bucketfs.smb.server.SmbSettings)} for the given users, the shares named in
     * {@code encryptedShares} requiring encryption (SMB 3 clients encrypt on them; SMB 2 clients are refused).
     *
     * @throws IllegalArgumentException a name in {@code encryptedShares} is no mount
     */
    public synchronized io.bucketfs.smb.server.SmbServer startSmb(String bind, int port,
            io.bucketfs.smb.server.SmbSettings settings, io.bucketfs.smb.ntlm.SmbUsers users,
            java.util.Set<String> encryptedShares) throws IOException {
        if (smb != null) {
            throw new IllegalStateException("SMB is already started");
        }
        java.util.Map<String, io.bucketfs.vfs.Vfs> mounts = vfs.mounts();
        for (String name : encryptedShares) {
            if (!mounts.containsKey(name)) {
                throw new IllegalArgumentException("no mount " + name + " to encrypt (mounts: " + mounts.keySet() + ")");
            }
        }
        java.util.List<io.bucketfs.smb.server.Share> shares = mounts.entrySet().stream()
                .map(e -> new io.bucketfs.smb.server.Share(e.getKey(), e.getValue(),
                        encryptedShares.contains(e.getKey())))
                .toList();
        try {
            smb = io.bucketfs.smb.server.SmbServer.start(bind, port, settings, shares, users);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while starting SMB on " + bind + ":" + port);
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot listen on " + bind + ":" + port + ": " + e.getCause().getMessage()
                    + (port < 1024 && e.getCause().getMessage() != null
                            && e.getCause().getMessage().contains("Permission denied")
                            ? " (a port below 1024 needs root or CAP_NET_BIND_SERVICE)" : ""), e.getCause());
        }
        LOG.info("SMB listening on {}:{} (SMB 2.0.2-3.1.1; shares: {} + IPC${}{}{})", bind, smb.port(),
                mounts.keySet(), settings.encryptData() ? "; encryption required" : "",
                encryptedShares.isEmpty() ? "" : "; encryption required on " + encryptedShares,
                settings.requireSigning() ? "; signing required" : "");
        return smb;
    }

    /** How long a stop waits for staged writes to reach the bucket before leaving them for the next start. */
    public static final java.time.Duration STOP_FLUSH_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * At a stop, once the frontends are closed: uploads what is staged, within {@link #STOP_FLUSH_TIMEOUT}. What
     * does not make it (a slow or unreachable bucket) stays durably staged and is uploaded at the next start.
     */
    private void flushUploads() {
        long t0 = System.nanoTime();
        try {
            vfs.sync(STOP_FLUSH_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            LOG.info("staged writes flushed to the bucket in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (io.bucketfs.vfs.VfsException e) {
            LOG.warn("stopping with writes still staged ({}); they are uploaded at the next start", e.getMessage());
        }
    }

    /** Blocks until {@link #close()} is called (by the shutdown hook on SIGTERM/SIGINT). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void lockDataDir() throws IOException {
        Files.createDirectories(config.dataDir());
        Path lockFile = config.dataDir().resolve("gateway.lock");
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).trim();
            lockChannel.close();
            lockChannel = null;
            throw new CliException("data-dir: " + config.dataDir() + " is in use by another gateway"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
        }
        lockChannel.truncate(0);
        lockChannel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (smb != null) {
                smb.close();
                smb = null;
            }
        }
        if (nfs != null) {
            nfs.close();
            nfs = null;
        }
        if (vfs != null) {
            flushUploads();
            vfs.close();
            vfs = null;
        }
        if (defaultBucket != null) {
            defaultBucket.close();
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("releasing the data-dir lock: {}", e.toString());
        }
        stopped.countDown();
    }
}
