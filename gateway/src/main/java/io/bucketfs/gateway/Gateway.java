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
    /** Timeouts, retries and connections of every bucket the gateway opens. */
    private final BackendSettings backend;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private FileChannel lockChannel;
    private FileLock lock;
    private ObjectStore defaultBucket;
    private io.bucketfs.vfs.core.VfsRuntime vfs;
    private io.bucketfs.nfs.NfsServer nfs;
    private volatile io.bucketfs.nfs.export.ExportTable exports;
    private io.bucketfs.nfs.export.ExportRules defaultExportRules = io.bucketfs.nfs.export.ExportRules.DEFAULT;
    private volatile io.bucketfs.smb.server.SmbServer smb;
    /** The SMB shares of created mounts, each detachable for when its mount is deleted. */
    private final java.util.Map<String, DetachableVfs> smbShares = new java.util.concurrent.ConcurrentHashMap<>();
    /** Every share the SMB server serves (the default one too), as served: what a failed detach puts back. */
    private final java.util.Map<String, io.bucketfs.smb.server.Share> served =
            new java.util.concurrent.ConcurrentHashMap<>();
    private io.bucketfs.gateway.admin.AdminServer admin;
    private io.bucketfs.gateway.state.StateStore state;
    private java.nio.channels.ServerSocketChannel nfsPrebound;
    private java.nio.channels.ServerSocketChannel smbPrebound;
    private io.bucketfs.gateway.vault.Vault vault;
    /** The stores of the created mounts (not the default's), closed when the mount goes. */
    private final java.util.Map<String, ObjectStore> mountStores = new java.util.concurrent.ConcurrentHashMap<>();
    private final io.bucketfs.gateway.metrics.GatewayMetrics metrics = new io.bucketfs.gateway.metrics.GatewayMetrics();

    private Gateway(GatewayConfig config, BackendSettings backend) {
        this.config = config;
        this.backend = backend;
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
        return start(config, defaultBucket, BackendSettings.DEFAULT, io.bucketfs.cache.write.WriteBackSettings.DEFAULT);
    }

    /**
     * {@link #start(GatewayConfig, ConnectionSpec)} with the backend's timeouts and retries ({@code backend}, for
     * every bucket the gateway opens) and the staging bounds ({@code writeBack}) given.
     */
    public static Gateway start(GatewayConfig config, ConnectionSpec defaultBucket, BackendSettings backend,
                                io.bucketfs.cache.write.WriteBackSettings writeBack) throws IOException {
        Gateway g = new Gateway(config, backend);
        try {
            g.lockDataDir();
            Files.createDirectories(config.cacheDir());
            g.vault = io.bucketfs.gateway.vault.Vault.open(config.dataDir());
            try {
                g.state = io.bucketfs.gateway.state.StateStore.open(config.dataDir());
            } catch (io.bucketfs.gateway.state.FieldException e) {
                throw new CliException(io.bucketfs.gateway.state.StateStore.FILE + ": " + e.line(), e);
            }
            g.defaultBucket = ObjectStores.open(defaultBucket.validate(), backend);
            long objects = g.defaultBucket.list(ListRequest.flat("")).objects().size();
            LOG.info("default bucket {} ({}{} objects)", g.defaultBucket.describe(), objects >= ListRequest.MAX_KEYS
                    ? "at least " : "", objects);
            long t0 = System.nanoTime();
            java.util.List<io.bucketfs.vfs.core.VfsRuntime.MountSpec> specs = new java.util.ArrayList<>();
            specs.add(new io.bucketfs.vfs.core.VfsRuntime.MountSpec(
                    io.bucketfs.vfs.MountSettings.defaults(GatewayConfig.DEFAULT_BUCKET),
                    new io.bucketfs.gateway.metrics.MeteredObjectStore(g.defaultBucket,
                            g.metrics.mount(GatewayConfig.DEFAULT_BUCKET))));
            for (io.bucketfs.gateway.state.MountRecord m : g.state.get().mounts()) {
                try {
                    specs.add(g.mountSpec(m));
                } catch (IOException | RuntimeException e) {
                    throw new CliException("mount " + m.name() + ": cannot be opened: " + e.getMessage(), e);
                }
            }
            g.vfs = io.bucketfs.vfs.core.VfsRuntime.open(config.stateDir(), config.cacheDir(),
                    io.bucketfs.cache.CacheSettings.DEFAULT.withCapacityBytes(config.cacheSize()),
                    writeBack, io.bucketfs.vfs.journal.JournalSettings.defaults(), specs, g.metrics);
            g.metrics.bind(g.vfs);
            for (io.bucketfs.gateway.state.MountRecord m : g.state.get().mounts()) {
                if (m.cacheSize() > config.cacheSize()) {
                    LOG.warn("mount {}: its cache-size {} exceeds the cache pool of {} (serve --cache-size, or the "
                            + "cache disk); it is capped at the pool", m.name(), Sizes.format(m.cacheSize()),
                            Sizes.format(config.cacheSize()));
                }
                g.vfs.cache().limit(m.name(), g.cacheSizeOf(m)); // the mount's --cache-size, within the pool
            }
            g.nfsExports(); // the table of the mounts opened now; later ones are added by attachMount
            LOG.info("mounts {} ready in {} ms; cache {} of {} in {}", g.vfs.mounts().keySet(),
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

    /**
     * The most of the cache pool a mount may take: its {@code --cache-size}, or the pool if that is smaller (a
     * mount created on a gateway that was later restarted with a smaller {@code --cache-size} or cache disk).
     */
    public long cacheSizeOf(io.bucketfs.gateway.state.MountRecord m) {
        return Math.min(m.cacheSize(), config.cacheSize());
    }

    /**
     * Starts the admin API on 127.0.0.1:{@code port} (0: a free one; the port is written to the data directory for
     * the CLI). A port that cannot be bound is an IOException naming it.
     */
    public synchronized io.bucketfs.gateway.admin.AdminServer startAdmin(int port) throws IOException {
        if (admin != null) {
            throw new IllegalStateException("the admin API is already started");
        }
        admin = io.bucketfs.gateway.admin.AdminServer.start(config.dataDir(), port,
                new io.bucketfs.gateway.control.ControlPlane(this, java.time.Clock.systemUTC()));
        return admin;
    }

    /** Whether the running SMB server serves the mount {@code name} as a share. */
    public boolean smbServes(String name) {
        return smb != null && (smbShares.containsKey(name) || name.equals(GatewayConfig.DEFAULT_BUCKET));
    }

    /** Whether the SMB server requires encryption on the share of mount {@code name} (or of every session). */
    public boolean smbEncrypts(String name) {
        io.bucketfs.smb.server.SmbServer s = smb;
        io.bucketfs.smb.server.Share share = served.get(name);
        return s != null && share != null && (share.encrypt() || s.settings().encryptData());
    }

    /** Whether the NFS server exports the mount {@code name}. */
    public boolean nfsExports(String name) {
        io.bucketfs.nfs.export.ExportTable t = exports; // made at start; never waits for a change in progress
        return t != null && t.byName(name).isPresent();
    }

    /** The control plane's durable state (connections, buckets, mounts, users). */
    public io.bucketfs.gateway.state.StateStore state() {
        return state;
    }

    public io.bucketfs.gateway.vault.Vault vault() {
        return vault;
    }

    /** Opens the bucket of a connection, its secrets opened from the vault; no request is made. */
    public ObjectStore openConnection(io.bucketfs.gateway.state.ConnectionRecord c) throws IOException {
        return ObjectStores.open(Connections.spec(c, vault), backend);
    }

    /**
     * Opens the store of a managed bucket: its connection's (the bucket's keys are under
     * {@link io.bucketfs.gateway.state.BucketRecord#keyPrefix()}), or a directory under
     * {@link GatewayConfig#bucketsDir()}, made if needed.
     */
    public ObjectStore openManagedBucket(String name) throws IOException {
        java.util.Optional<io.bucketfs.gateway.state.BucketRecord> b = state == null ? java.util.Optional.empty()
                : state.get().bucket(name);
        if (b.isPresent() && b.get().connection() != null) {
            return openConnection(state.get().connection(b.get().connection()).orElseThrow());
        }
        return ObjectStores.open(ConnectionSpec.of(Provider.LOCAL, name).withEndpoint(config.bucketsDir().toString()),
                backend);
    }

    /** The VFS side of a created mount: its settings and its (newly opened) store, remembered for closing. */
    private io.bucketfs.vfs.core.VfsRuntime.MountSpec mountSpec(io.bucketfs.gateway.state.MountRecord m)
            throws IOException {
        boolean readOnly = m.readOnly();
        String prefix = m.prefix() == null ? "" : m.prefix();
        ObjectStore store;
        if (m.connection() != null) {
            io.bucketfs.gateway.state.ConnectionRecord c = state.get().connection(m.connection()).orElseThrow();
            readOnly |= !c.readWrite();
            store = openConnection(c);
        } else {
            store = openManagedBucket(m.bucket());
            prefix = state.get().bucket(m.bucket()).map(b -> b.keyPrefix()).orElse("") + prefix;
        }
        store = new io.bucketfs.gateway.metrics.MeteredObjectStore(store, metrics.mount(m.name()));
        if (readOnly) {
            store = new ReadOnlyObjectStore(store);
        }
        mountStores.put(m.name(), store);
        io.bucketfs.vfs.MountSettings settings = io.bucketfs.vfs.MountSettings.defaults(m.name())
                .withPrefix(prefix).withReadOnly(readOnly)
                .withDurability(io.bucketfs.gateway.state.MountRecord.durability("durability", m.durability()));
        return new io.bucketfs.vfs.core.VfsRuntime.MountSpec(settings, store);
    }

    /**
     * The NFS export of a created mount: its persistent id, its client networks (none listed: everyone, as mounts
     * made before the private-network default were), root squash, read-only if the mount is.
     */
    private io.bucketfs.nfs.export.Export export(io.bucketfs.gateway.state.MountRecord m, io.bucketfs.vfs.Vfs v) {
        boolean readOnly = readOnly(m);
        java.util.List<io.bucketfs.nfs.export.Cidr> clients = m.nfsClients().stream()
                .map(io.bucketfs.nfs.export.Cidr::parse).toList();
        return new io.bucketfs.nfs.export.Export(m.exportId(), m.name(), v, new io.bucketfs.nfs.export.ExportRules(
                clients, readOnly, m.squashesRoot(), io.bucketfs.nfs.export.ExportRules.NOBODY,
                io.bucketfs.nfs.export.ExportRules.NOBODY));
    }

    /** Whether a mount refuses every change: made {@code --read-only}, or on a read-only connection. */
    private boolean readOnly(io.bucketfs.gateway.state.MountRecord m) {
        return m.readOnly() || (m.connection() != null
                && !state.get().connection(m.connection()).map(c -> c.readWrite()).orElse(false));
    }

    /**
     * The SMB share of a created mount over {@code v}: its {@code --smb-users}, read-only if the mount is, requiring
     * encryption if the mount asks ({@code --smb-encrypt}) or {@code encrypt} (named on {@code --smb-encrypt-share}).
     */
    private io.bucketfs.smb.server.Share share(io.bucketfs.gateway.state.MountRecord m, io.bucketfs.vfs.Vfs v,
                                               boolean encrypt) {
        return new io.bucketfs.smb.server.Share(m.name(), v, encrypt || m.encryptsSmb(), smbUsersOf(m.name()),
                readOnly(m));
    }

    /**
     * Brings a mount that is in the state (just added) into the running gateway: opens its bucket, replays (or
     * starts) its journal and adds its NFS export and SMB share at once. On failure nothing of it is left running.
     */
    public synchronized void attachMount(io.bucketfs.gateway.state.MountRecord m) throws IOException {
        if (nfsExports().byName(m.name()).isPresent() || nfsExports().byId(m.exportId()).isPresent()
                || vfs.mount(m.name()) != null) {
            throw new IllegalStateException("mount " + m.name() + " (export id " + m.exportId() + ") is running");
        }
        io.bucketfs.vfs.core.VfsRuntime.MountSpec spec = mountSpec(m);
        io.bucketfs.vfs.Vfs v;
        try {
            v = vfs.addMount(spec);
        } catch (IOException | RuntimeException e) {
            closeStore(m.name());
            throw e;
        }
        vfs.cache().limit(m.name(), cacheSizeOf(m));
        if (m.protocolEnum().nfs()) {
            nfsExports().add(export(m, v));
        }
        if (m.protocolEnum().smb() && smb != null) {
            DetachableVfs d = new DetachableVfs(v);
            io.bucketfs.smb.server.Share share = share(m, d.vfs(), false);
            smb.addShare(share);
            served.put(m.name(), share);
            smbShares.put(m.name(), d);
        }
        LOG.info("mount {} added ({}{}; NFS export {}; SMB share {}{})", m.name(), spec.store().describe(),
                m.prefix() == null || m.prefix().isEmpty() ? "" : " prefix " + m.prefix(),
                m.protocolEnum().nfs() ? "/" + m.name() : "none", m.protocolEnum().smb() ? m.name() : "none",
                smbEncrypts(m.name()) ? ", encryption required" : "");
    }

    /**
     * Takes a mount out of the running gateway: its NFS export and SMB share go first (NFS handles and SMB trees
     * of it turn stale), then
     * everything written to it is flushed to its bucket within {@code timeout}, then its journal and store are
     * closed. If the flush does not finish, the export and share come back and the mount keeps serving (if the
     * VFS had to reopen it, the export and share serve the reopened mount): the {@link io.bucketfs.vfs.VfsException}
     * says why.
     */
    public synchronized void detachMount(io.bucketfs.gateway.state.MountRecord m, java.time.Duration timeout)
            throws io.bucketfs.vfs.VfsException {
        java.util.Optional<io.bucketfs.nfs.export.Export> removed = nfsExports().remove(m.name());
        DetachableVfs share = smbShares.get(m.name());
        io.bucketfs.smb.server.Share was = served.get(m.name());
        boolean unshared = share != null && smb != null && smb.removeShare(m.name());
        try {
            vfs.removeMount(m.name(), timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (io.bucketfs.vfs.VfsException e) {
            io.bucketfs.vfs.Vfs now = vfs.mount(m.name());
            boolean reopened = removed.isPresent() && removed.get().vfs() != now
                    || share != null && !share.serves(now);
            if (now != null && reopened) { // the removal stopped the mount, then reopened it from its journal
                removed.ifPresent(x -> nfsExports().add(export(m, now)));
                if (share != null) {
                    share.retarget(now);
                }
            } else {
                removed.ifPresent(x -> nfsExports().add(x));
            }
            if (unshared) {
                smb.addShare(was); // as it was served: encryption, users, read-only
            }
            throw e;
        }
        if (share != null) {
            share.detach(); // trees connected before the delete now get STALE
            smbShares.remove(m.name());
            served.remove(m.name());
        }
        closeStore(m.name());
        metrics.removeMount(m.name());
        LOG.info("mount {} deleted", m.name());
    }

    private void closeStore(String mount) {
        ObjectStore s = mountStores.remove(mount);
        if (s != null) {
            s.close();
        }
    }

    /** The meters scraped at {@code /metrics}. */
    public io.bucketfs.gateway.metrics.GatewayMetrics metrics() {
        return metrics;
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
     * Sets the rules of the default mount's export ({@link io.bucketfs.nfs.export.ExportRules#DEFAULT} unless set:
     * the private networks, root squashed); meant for before NFS starts (a running server applies them to the
     * requests that follow).
     */
    public synchronized void defaultExportRules(io.bucketfs.nfs.export.ExportRules rules) {
        defaultExportRules = java.util.Objects.requireNonNull(rules);
        if (exports != null && exports.remove(GatewayConfig.DEFAULT_BUCKET).isPresent()) {
            exports.add(new io.bucketfs.nfs.export.Export(DEFAULT_EXPORT_ID, GatewayConfig.DEFAULT_BUCKET,
                    vfs.mount(GatewayConfig.DEFAULT_BUCKET), rules));
        }
    }

    /**
     * The NFS export table: the default mount at {@code /default} (export id {@value #DEFAULT_EXPORT_ID}, with
     * {@link #defaultExportRules}). Made once; Every NFS version serves it.
     */
    public synchronized io.bucketfs.nfs.export.ExportTable nfsExports() {
        if (exports == null) {
            exports = new io.bucketfs.nfs.export.ExportTable();
            exports.add(new io.bucketfs.nfs.export.Export(DEFAULT_EXPORT_ID, GatewayConfig.DEFAULT_BUCKET,
                    vfs.mount(GatewayConfig.DEFAULT_BUCKET), defaultExportRules));
            for (io.bucketfs.gateway.state.MountRecord m : state.get().mounts()) {
                if (m.protocolEnum().nfs()) {
                    exports.add(export(m, vfs.mount(m.name())));
                }
            }
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
        nfs = nfsPrebound != null ? io.bucketfs.nfs.NfsServer.start(nfsPrebound, settings, table)
                : io.bucketfs.nfs.NfsServer.start(bind, port, settings, table);
        nfs.opListener(metrics);
        LOG.info("NFS listening on {}:{} (NFSv4.0, 4.1, 4.2, NFSv3 + MOUNT v3; exports: {}; grace {} s)", bind,
                nfs.address().getPort(), table.all().stream().map(io.bucketfs.nfs.export.Export::path).toList(),
                settings.grace().toSeconds());
        return nfs;
    }

    /** The users a mount's share admits (its {@code --smb-users}; empty: all, as for the default mount). */
    private java.util.Set<String> smbUsersOf(String mount) {
        return state == null ? java.util.Set.of()
                : state.get().mount(mount).map(m -> java.util.Set.copyOf(m.smbUsers())).orElse(java.util.Set.of());
    }

    /**
     * Listening channels bound by someone else for {@link #startNfs} and {@link #startSmb} to serve instead of
     * binding their address and port (either may be null): the daemon binds the privileged ports as root in its
     * {@code init()}, then starts the gateway as the service user.
     */
    public synchronized void usePreboundChannels(java.nio.channels.ServerSocketChannel nfsChannel,
                                                 java.nio.channels.ServerSocketChannel smbChannel) {
        this.nfsPrebound = nfsChannel;
        this.smbPrebound = smbChannel;
    }

    /**
     * The generated SMB account, admitting logons only while no user is configured; its password is in
     * {@link GatewayConfig#smbPasswordFile()}.
     */
    public static final String DEFAULT_SMB_USER = io.bucketfs.gateway.state.GatewayState.BUILT_IN_SMB_USER;

    /**
     * The SMB users: those created with {@code bucketfs users add} (looked up in the state at each logon, so a
     * user added, deleted or given a new password counts at once) or, while there is none, {@value #DEFAULT_SMB_USER}
     * with the password in {@link GatewayConfig#smbPasswordFile()} (generated at the first start, reused after, kept
     * while users are configured). Only NT hashes are kept. Every account acts as root in the VFS, as NFS clients do
     * on the open default export.
     */
    public io.bucketfs.smb.ntlm.SmbUsers defaultSmbUsers() {
        Path file = config.smbPasswordFile();
        SmbPasswordFile.Loaded pw = SmbPasswordFile.loadOrCreate(file, new java.security.SecureRandom());
        int users = state == null ? 0 : state.get().users().size();
        LOG.info("SMB user {}: password {} {}{}", DEFAULT_SMB_USER, pw.created() ? "generated in" : "in", file,
                users == 0 ? "" : "; it admits no logon while SMB users are configured (" + users + ")");
        return new SmbAccounts(new io.bucketfs.smb.ntlm.SmbUser(DEFAULT_SMB_USER, pw.ntHash(),
                io.bucketfs.vfs.Caller.ROOT), state, vault);
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
        java.util.Map<String, io.bucketfs.smb.server.Share> shares = new java.util.LinkedHashMap<>();
        shares.put(GatewayConfig.DEFAULT_BUCKET, new io.bucketfs.smb.server.Share(GatewayConfig.DEFAULT_BUCKET,
                vfs.mount(GatewayConfig.DEFAULT_BUCKET), encryptedShares.contains(GatewayConfig.DEFAULT_BUCKET)));
        java.util.Map<String, DetachableVfs> detachable = new java.util.LinkedHashMap<>();
        for (io.bucketfs.gateway.state.MountRecord m : state.get().mounts()) {
            if (m.protocolEnum().smb()) {
                DetachableVfs d = new DetachableVfs(vfs.mount(m.name()));
                detachable.put(m.name(), d);
                shares.put(m.name(), share(m, d.vfs(), encryptedShares.contains(m.name())));
            }
        }
        for (String name : encryptedShares) {
            if (!shares.containsKey(name)) {
                throw new IllegalArgumentException("no mount " + name + " to encrypt (mounts: " + shares.keySet() + ")");
            }
        }
        java.util.List<String> encrypted = shares.values().stream().filter(io.bucketfs.smb.server.Share::encrypt)
                .map(io.bucketfs.smb.server.Share::name).toList();
        try {
            smb = smbPrebound != null
                    ? io.bucketfs.smb.server.SmbServer.start(smbPrebound, settings, shares.values(), users)
                    : io.bucketfs.smb.server.SmbServer.start(bind, port, settings, shares.values(), users);
            smb.opListener(metrics);
            smbShares.putAll(detachable);
            served.putAll(shares);
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
                shares.keySet(), settings.encryptData() ? "; encryption required" : "",
                encrypted.isEmpty() ? "" : "; encryption required on " + encrypted,
                "; signing required on " + switch (settings.signing()) {
                    case OPTIONAL -> "sessions that ask";
                    case SMB3 -> "SMB 3.x";
                    case REQUIRED -> "every dialect";
                });
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
            if (admin != null) {
                admin.close();
                admin = null;
            }
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
        for (String m : java.util.List.copyOf(mountStores.keySet())) {
            closeStore(m);
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
