package io.bucketfs.gateway.control;

import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Provider;
import io.bucketfs.gateway.Connections;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.gateway.Sizes;
import io.bucketfs.gateway.state.BucketRecord;
import io.bucketfs.gateway.state.ConnectionRecord;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.gateway.state.GatewayState;
import io.bucketfs.gateway.state.MountRecord;
import io.bucketfs.gateway.state.Names;
import io.bucketfs.gateway.state.UserRecord;
import io.bucketfs.gateway.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations of the control plane, as the admin API calls them: each validates its input completely (a
 * {@link FieldException} naming the field, before anything changes), checks what it can against the backend,
 * makes the change durable in the {@link io.bucketfs.gateway.state.StateStore} and applies it to the running
 * gateway. Changes are serialized (one at a time); reads are not.
 *
 * <p>Connections live here; what applies a mount to the VFS and the NFS export table is
 * {@link Gateway#attachMount}/{@link Gateway#detachMount}. Bucket-facing checks live in {@link Probes}.
 */
public final class ControlPlane {

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    /** How long a mount delete waits for the mount's dirty data to reach its bucket before refusing. */
    public static final Duration DELETE_FLUSH_TIMEOUT = Duration.ofSeconds(60);

    private final Gateway gateway;
    private final Vault vault;
    private final Clock clock;
    private final Duration deleteFlushTimeout;
    private final Preloads preloads;

    public ControlPlane(Gateway gateway, Clock clock) {
        this(gateway, clock, DELETE_FLUSH_TIMEOUT);
    }

    /** With another bound on how long a mount delete waits for its flush (tests). */
    public ControlPlane(Gateway gateway, Clock clock, Duration deleteFlushTimeout) {
        this.gateway = gateway;
        this.vault = gateway.vault();
        this.clock = clock;
        this.deleteFlushTimeout = deleteFlushTimeout;
        this.preloads = new Preloads(gateway);
    }

    /** {@code GET /v1/status}: per mount, cache, write-back and backend figures; see {@link Status}. */
    public List<Map<String, Object>> status() {
        return Status.of(gateway);
    }

    /** {@code POST /v1/preload}: starts a cache warm-up job; see {@link Preloads}. */
    public Map<String, Object> startPreload(Requests.Preload r) {
        return preloads.start(r);
    }

    /** {@code GET /v1/preload/ID}: the progress of a warm-up job. */
    public Map<String, Object> preload(String id) {
        return preloads.get(id);
    }

    /** The Prometheus text exposition of the gateway's meters ({@code GET /metrics}). */
    public String metrics() {
        return gateway.metrics().scrape();
    }

    /** Stops background jobs (preloads); called when the admin API closes. */
    public void close() {
        preloads.close();
    }

    private GatewayState state() {
        return gateway.state().get();
    }

    private String now() {
        return clock.instant().toString();
    }

    // ---- connections ----

    /**
     * Creates a connection after checking that its credentials can list the bucket (a wrong key, a missing bucket
     * or an unreachable endpoint is refused, naming the field, and nothing is stored).
     */
    public synchronized Map<String, Object> createConnection(Requests.Connection r) throws IOException {
        Names.name("name", r.name());
        if (Names.RESERVED.equals(r.name())) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is reserved");
        }
        Provider p = provider(r.provider());
        boolean azure = p.family() == Provider.Family.AZURE;
        if (azure && (r.accessKey() != null || r.secretKey() != null || r.roleArn() != null)) {
            throw FieldException.invalid(r.accessKey() != null ? "access-key" : r.secretKey() != null ? "secret-key"
                    : "role-arn", "not for provider azure (use account-name with account-key or sas)");
        }
        if (!azure && (r.accountKey() != null || r.sas() != null)) {
            throw FieldException.invalid(r.accountKey() != null ? "account-key" : "sas", "only for provider azure");
        }
        if (p != Provider.AWS_S3 && (r.roleArn() != null || r.externalId() != null)) {
            throw FieldException.invalid(r.roleArn() != null ? "role-arn" : "external-id", "only for provider "
                    + "aws-s3 (a role is assumed with AWS STS); give " + p.id() + " its own keys");
        }
        ConnectionSpec spec = new ConnectionSpec(p, r.bucket(), r.region(), r.endpoint(), r.pathStyle(),
                r.accessKey(), r.secretKey(), r.roleArn(), r.externalId(), r.accountName(), r.accountKey(), r.sas());
        try {
            spec.validate();
        } catch (IllegalArgumentException e) {
            throw fromSpec(e);
        }
        if (state().connection(r.name()).isPresent()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "connection '" + r.name() + "' exists");
        }
        try (ObjectStore store = io.bucketfs.backends.ObjectStores.open(spec,
                io.bucketfs.backends.BackendSettings.DEFAULT)) {
            Probes.reachable(store, "", spec);
        }
        String n = r.name();
        ConnectionRecord c = new ConnectionRecord(n, p.id(), r.bucket(), blankToNull(r.region()),
                blankToNull(r.endpoint()), r.pathStyle(), blankToNull(r.accessKey()),
                vault.seal(Connections.context(n, "secret-key"), blankToNull(r.secretKey())), blankToNull(r.roleArn()),
                blankToNull(r.externalId()), blankToNull(r.accountName()),
                vault.seal(Connections.context(n, "account-key"), blankToNull(r.accountKey())),
                vault.seal(Connections.context(n, "sas"), blankToNull(r.sas())), Boolean.TRUE.equals(r.readWrite()),
                now());
        gateway.state().update(s -> s.withConnection(c));
        LOG.info("connection {} created ({}, bucket {}, {})", n, p.id(), r.bucket(),
                c.readWrite() ? "read-write" : "read-only");
        return Views.connection(c, state());
    }

    public List<Map<String, Object>> listConnections() {
        GatewayState s = state();
        return s.connections().stream().map(c -> Views.connection(c, s)).toList();
    }

    public Map<String, Object> showConnection(String name) {
        GatewayState s = state();
        return Views.connection(connection(s, name), s);
    }

    /** Deletes a connection no mount uses. */
    public synchronized void deleteConnection(String name) throws IOException {
        GatewayState s = state();
        connection(s, name);
        List<String> users = s.mounts().stream().filter(m -> name.equals(m.connection())).map(MountRecord::name)
                .toList();
        if (!users.isEmpty()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "connection '" + name + "' is used by "
                    + "mount" + (users.size() > 1 ? "s " : " ") + String.join(", ", users) + "; delete "
                    + (users.size() > 1 ? "them" : "it") + " first");
        }
        List<String> hosted = s.buckets().stream().filter(b -> name.equals(b.connection())).map(BucketRecord::name)
                .toList();
        if (!hosted.isEmpty()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "connection '" + name + "' holds managed "
                    + "bucket" + (hosted.size() > 1 ? "s " : " ") + String.join(", ", hosted) + "; delete "
                    + (hosted.size() > 1 ? "them" : "it") + " first");
        }
        gateway.state().update(x -> x.withoutConnection(name));
        LOG.info("connection {} deleted", name);
    }

    /**
     * Checks what the connection's credentials allow: list and head, and with {@code readWrite} a put, head and
     * delete of a probe key (refused for a read-only connection: bucketfs never writes to one).
     */
    public Map<String, Object> testConnection(String name, boolean readWrite) throws IOException {
        ConnectionRecord c = connection(state(), name);
        if (readWrite && !c.readWrite()) {
            throw FieldException.invalid("read-write", "connection '" + name + "' is read-only: bucketfs never "
                    + "writes to it (create it with --read-write to allow writes)");
        }
        try (ObjectStore store = gateway.openConnection(c)) {
            return Probes.test(store, c, readWrite);
        }
    }

    // ---- managed buckets ----

    public synchronized Map<String, Object> createBucket(Requests.Bucket r) throws IOException {
        Names.bucket("name", r.name());
        if (Names.RESERVED.equals(r.name())) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is the built-in bucket");
        }
        if (state().bucket(r.name()).isPresent()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "bucket '" + r.name() + "' exists");
        }
        if (r.connection() != null) {
            return createBucketOn(r.name(), r.connection());
        }
        Path dir = bucketDir(r.name());
        if (Files.exists(dir)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", dir + " exists but is not a managed "
                    + "bucket; move it away first");
        }
        gateway.openManagedBucket(r.name()).close();
        BucketRecord b = new BucketRecord(r.name(), now());
        try {
            gateway.state().update(s -> s.withBucket(b));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
        LOG.info("managed bucket {} created in {}", r.name(), dir);
        return Views.bucket(b, state(), dir);
    }

    /** A managed bucket under {@code <name>/} of a read-write connection's bucket, which must hold nothing there. */
    private Map<String, Object> createBucketOn(String name, String connection) throws IOException {
        GatewayState s = state();
        ConnectionRecord c = s.connection(connection).orElseThrow(() -> new FieldException(
                FieldException.Kind.NOT_FOUND, "connection", "no connection '" + connection + "'"));
        if (!c.readWrite()) {
            throw FieldException.invalid("connection", "connection '" + connection + "' is read-only; a managed "
                    + "bucket needs one created with --read-write");
        }
        BucketRecord b = new BucketRecord(name, now(), connection);
        for (MountRecord m : s.mounts()) {
            String p = m.prefix() == null ? "" : m.prefix();
            if (connection.equals(m.connection()) && (p.startsWith(b.keyPrefix()) || b.keyPrefix().startsWith(p))) {
                throw new FieldException(FieldException.Kind.CONFLICT, "name", "'" + b.keyPrefix() + "' of connection"
                        + " '" + connection + "' is inside mount '" + m.name() + "' (prefix '" + p + "')");
            }
        }
        try (ObjectStore store = gateway.openConnection(c)) {
            if (!store.list(ListRequest.flat(b.keyPrefix()).withMaxKeys(1)).objects().isEmpty()) {
                throw new FieldException(FieldException.Kind.CONFLICT, "name", "'" + b.keyPrefix() + "' of bucket '"
                        + c.bucket() + "' holds objects; it is no new managed bucket (mount the connection with"
                        + " --prefix " + b.keyPrefix() + " to serve them)");
            }
        }
        gateway.state().update(x -> x.withBucket(b));
        LOG.info("managed bucket {} created under {} of connection {}", name, b.keyPrefix(), connection);
        return Views.bucket(b, state(), null);
    }

    public List<Map<String, Object>> listBuckets() {
        GatewayState s = state();
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(Views.builtinBucket(gateway.config().bucketsDir().resolve(GatewayConfig.DEFAULT_BUCKET)));
        s.buckets().forEach(b -> out.add(Views.bucket(b, s, b.connection() == null ? bucketDir(b.name()) : null)));
        return out;
    }

    /** Deletes an empty managed bucket no mount uses. */
    public synchronized void deleteBucket(String name) throws IOException {
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is the built-in bucket");
        }
        GatewayState s = state();
        if (s.bucket(name).isEmpty()) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "name", "no managed bucket '" + name + "'");
        }
        List<String> users = s.mounts().stream().filter(m -> name.equals(m.bucket())).map(MountRecord::name)
                .toList();
        if (!users.isEmpty()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "bucket '" + name + "' is used by mount"
                    + (users.size() > 1 ? "s " : " ") + String.join(", ", users) + "; delete it first");
        }
        String keyPrefix = s.bucket(name).orElseThrow().keyPrefix();
        try (ObjectStore store = gateway.openManagedBucket(name)) {
            if (!store.list(ListRequest.flat(keyPrefix).withMaxKeys(1)).objects().isEmpty()) {
                throw new FieldException(FieldException.Kind.CONFLICT, "name", "bucket '" + name + "' holds "
                        + "objects; delete them first (a mount of it shows them)");
            }
        }
        gateway.state().update(x -> x.withoutBucket(name));
        if (keyPrefix.isEmpty()) {
            deleteTree(bucketDir(name));
        }
        LOG.info("managed bucket {} deleted", name);
    }

    private Path bucketDir(String name) {
        return gateway.config().bucketsDir().resolve(name);
    }

    // ---- SMB users ----

    public synchronized Map<String, Object> addUser(Requests.User r) throws IOException {
        Names.user("name", r.name());
        if (Gateway.DEFAULT_SMB_USER.equalsIgnoreCase(r.name())) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'" + Gateway.DEFAULT_SMB_USER
                    + "' is the built-in user (its password is in " + gateway.config().smbPasswordFile() + ")");
        }
        byte[] hash = ntHash(r.ntHash());
        if (state().user(r.name()).isPresent()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "user '" + r.name() + "' exists (change "
                    + "the password with 'bucketfs users passwd')");
        }
        UserRecord u = new UserRecord(r.name(), vault.sealBytes(userContext(r.name()), hash), now());
        Arrays.fill(hash, (byte) 0);
        boolean first = state().users().isEmpty();
        gateway.state().update(s -> s.withUser(u));
        LOG.info("SMB user {} added{}", r.name(), first ? "; the generated account " + Gateway.DEFAULT_SMB_USER
                + " admits no logon while SMB users are configured" : "");
        return Views.user(u);
    }

    public synchronized Map<String, Object> setPassword(String name, Requests.User r) throws IOException {
        UserRecord old = state().user(name).orElseThrow(() -> new FieldException(FieldException.Kind.NOT_FOUND,
                "name", "no user '" + name + "'"));
        byte[] hash = ntHash(r.ntHash());
        UserRecord u = new UserRecord(old.name(), vault.sealBytes(userContext(old.name()), hash), old.created());
        Arrays.fill(hash, (byte) 0);
        gateway.state().update(s -> s.withUser(u));
        LOG.info("SMB user {}: password changed", old.name());
        return Views.user(u);
    }

    public synchronized void deleteUser(String name) throws IOException {
        if (state().user(name).isEmpty()) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "name", "no user '" + name + "'");
        }
        List<MountRecord> listing = state().mountsListing(name);
        if (!listing.isEmpty()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "user '" + name + "' is in --smb-users of"
                    + " mount '" + listing.get(0).name() + "'; delete that mount first");
        }
        gateway.state().update(s -> s.withoutUser(name));
        LOG.info("SMB user {} deleted{}", name, state().users().isEmpty() ? "; no SMB user is configured now: the "
                + "generated account " + Gateway.DEFAULT_SMB_USER + " admits logons again (password in "
                + gateway.config().smbPasswordFile() + ")" : "");
    }

    public List<Map<String, Object>> listUsers() {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> builtin = new LinkedHashMap<>();
        builtin.put("name", Gateway.DEFAULT_SMB_USER);
        builtin.put("built-in", true);
        builtin.put("logon", state().users().isEmpty() ? "yes" : "no (while users are configured)");
        out.add(builtin);
        state().users().forEach(u -> out.add(Views.user(u)));
        return out;
    }

    /** The vault context of a user's NT hash (the SMB server opens it with the same). */
    public static String userContext(String user) {
        return "user/" + user.toLowerCase(java.util.Locale.ROOT) + "/nt-hash";
    }

    private static byte[] ntHash(String hex) {
        Names.required("nt-hash", hex);
        if (!hex.matches("[0-9a-fA-F]{32}")) {
            throw FieldException.invalid("nt-hash", "must be 32 hex digits (the MD4 of the UTF-16LE password)");
        }
        return HexFormat.of().parseHex(hex);
    }

    // ---- mounts ----

    public synchronized Map<String, Object> createMount(Requests.Mount r) throws IOException {
        if ((r.connection() == null) == (r.bucket() == null)) {
            throw FieldException.invalid("connection", "give exactly one of connection and bucket");
        }
        String name = r.name() != null ? r.name() : r.connection() != null ? r.connection() : r.bucket();
        Names.name("name", name);
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is the built-in mount");
        }
        String prefix = MountRecord.prefix("prefix", r.prefix());
        MountRecord.Protocol protocol = MountRecord.Protocol.parse("protocol", r.protocol() == null ? "nfs"
                : r.protocol());
        long cacheSize = gateway.config().cacheSize();
        if (r.cacheSize() != null) {
            try {
                cacheSize = Sizes.parse(r.cacheSize());
            } catch (IllegalArgumentException e) {
                throw FieldException.invalid("cache-size", e.getMessage());
            }
            if (cacheSize <= 0) {
                throw FieldException.invalid("cache-size", "must be more than 0");
            }
            if (cacheSize > gateway.config().cacheSize()) {
                throw FieldException.invalid("cache-size", Sizes.format(cacheSize) + " exceeds the gateway's cache "
                        + "pool of " + Sizes.format(gateway.config().cacheSize()) + " (grow the pool: 'bucketfs serve"
                        + " --cache-size', on the appliance a bigger cache disk)");
            }
        }
        String durability = r.durability() == null ? "local" : r.durability();
        MountRecord.durability("durability", durability);
        List<String> clients = r.nfsClients() == null || r.nfsClients().isEmpty()
                ? io.bucketfs.nfs.export.ExportRules.PRIVATE_NETWORKS.stream().map(Object::toString).toList()
                : r.nfsClients();
        for (int i = 0; i < clients.size(); i++) {
            MountRecord.cidr("nfs-clients", clients.get(i));
        }
        GatewayState s = state();
        List<String> smbUsers = r.smbUsers() == null ? List.of() : r.smbUsers();
        if (!smbUsers.isEmpty() && !protocol.smb()) {
            throw FieldException.invalid("smb-users", "the mount is not served over SMB (give --protocol smb or both)");
        }
        if (Boolean.TRUE.equals(r.smbEncrypt()) && !protocol.smb()) {
            throw FieldException.invalid("smb-encrypt", "the mount is not served over SMB (give --protocol smb or "
                    + "both)");
        }
        for (String u : smbUsers) {
            if (!s.isSmbUser(u)) {
                throw new FieldException(FieldException.Kind.NOT_FOUND, "smb-users", "no SMB user '" + u
                        + "' (add it with 'bucketfs users add')");
            }
        }
        if (s.mount(name).isPresent()) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "mount '" + name + "' exists");
        }
        boolean readOnly = Boolean.TRUE.equals(r.readOnly());
        if (r.connection() != null) {
            ConnectionRecord c = s.connection(r.connection()).orElseThrow(() -> new FieldException(
                    FieldException.Kind.NOT_FOUND, "connection", "no connection '" + r.connection() + "'"));
            if (Boolean.FALSE.equals(r.readOnly()) && !c.readWrite()) {
                throw FieldException.invalid("read-only", "connection '" + c.name() + "' is read-only");
            }
            readOnly |= !c.readWrite();
            String region = Connections.spec(c, vault).effectiveRegion();
            if (r.region() != null && !r.region().equals(region)) {
                throw FieldException.invalid("region", "connection '" + c.name() + "' is in " + region + ", not "
                        + r.region());
            }
        } else if (s.bucket(r.bucket()).isEmpty()) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "bucket", "no managed bucket '" + r.bucket()
                    + "' (create it with 'bucketfs buckets create')");
        }
        overlap(s, r.connection(), r.bucket(), prefix, readOnly);
        if (r.connection() != null) {
            ConnectionRecord c = s.connection(r.connection()).orElseThrow();
            try (ObjectStore store = gateway.openConnection(c)) {
                Probes.reachable(store, prefix, Connections.spec(c, vault));
            }
        }
        MountRecord m = new MountRecord(name, s.nextExportId(), r.connection(), r.bucket(), prefix, protocol.id(),
                cacheSize, readOnly, durability, clients, smbUsers, now(), !Boolean.FALSE.equals(r.rootSquash()),
                Boolean.TRUE.equals(r.smbEncrypt()) ? true : null);
        gateway.state().update(x -> x.withMount(m));
        try {
            gateway.attachMount(m);
        } catch (IOException | RuntimeException e) {
            LOG.error("mount {} could not be started; its creation is undone", name, e);
            gateway.state().update(x -> x.withoutMount(name));
            throw new FieldException(FieldException.Kind.REJECTED, "name", "the mount could not be started: " + e);
        }
        return Views.mount(m, state(), gateway);
    }

    /** Refuses a second mount of the same bucket over overlapping prefixes unless both are read-only. */
    private static void overlap(GatewayState s, String connection, String bucket, String prefix, boolean readOnly) {
        String where = storeOf(s, connection, bucket);
        prefix = keyPrefixOf(s, bucket) + prefix;
        for (MountRecord o : s.mounts()) {
            if (!where.equals(storeOf(s, o.connection(), o.bucket()))) {
                continue;
            }
            String op = keyPrefixOf(s, o.bucket()) + (o.prefix() == null ? "" : o.prefix());
            boolean otherReadOnly = o.readOnly() || (o.connection() != null
                    && !s.connection(o.connection()).map(ConnectionRecord::readWrite).orElse(false));
            if ((op.startsWith(prefix) || prefix.startsWith(op)) && !(readOnly && otherReadOnly)) {
                throw new FieldException(FieldException.Kind.CONFLICT, "prefix", "overlaps mount '" + o.name()
                        + "' (prefix '" + op + "') of the same bucket; two mounts writing the same keys would "
                        + "overwrite each other (use disjoint prefixes or make both read-only)");
            }
        }
    }

    /** The store a mount's keys are in: its connection's, or its managed bucket's (which may be a connection's). */
    private static String storeOf(GatewayState s, String connection, String bucket) {
        if (connection == null) {
            connection = s.bucket(bucket).map(BucketRecord::connection).orElse(null);
        }
        return connection != null ? "connection " + connection : "bucket " + bucket;
    }

    private static String keyPrefixOf(GatewayState s, String bucket) {
        return bucket == null ? "" : s.bucket(bucket).map(BucketRecord::keyPrefix).orElse("");
    }

    public List<Map<String, Object>> listMounts() {
        GatewayState s = state();
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(Views.builtinMount(gateway));
        s.mounts().forEach(m -> out.add(Views.mount(m, s, gateway)));
        return out;
    }

    public Map<String, Object> showMount(String name) {
        if (Names.RESERVED.equals(name)) {
            return Views.builtinMount(gateway);
        }
        GatewayState s = state();
        return Views.mount(mount(s, name), s, gateway);
    }

    /**
     * Deletes a mount: its NFS export disappears, its dirty data is flushed to the bucket, then it is forgotten.
     * If the flush does not finish in time ({@link #DELETE_FLUSH_TIMEOUT} by default), the delete is refused with the reason and
     * the mount keeps serving. The bucket's objects are never touched.
     */
    public synchronized void deleteMount(String name) throws IOException {
        if (Names.RESERVED.equals(name)) {
            throw new FieldException(FieldException.Kind.CONFLICT, "name", "'default' is the built-in mount");
        }
        MountRecord m = mount(state(), name);
        try {
            gateway.detachMount(m, deleteFlushTimeout);
        } catch (io.bucketfs.vfs.VfsException e) {
            throw new FieldException(FieldException.Kind.UNAVAILABLE, "name", "not deleted: " + e.getMessage()
                    + "; the mount keeps serving");
        }
        gateway.state().update(x -> x.withoutMount(name));
    }

    // ---- sync ----

    /** The longest {@code sync} wait a caller may ask for. */
    public static final int MAX_SYNC_SECONDS = 24 * 3600;

    /** The {@code sync} wait when the caller names none. */
    public static final int DEFAULT_SYNC_SECONDS = 600;

    /**
     * The write-back barrier ({@code bucketfs sync}): returns once every write acknowledged before the call is in
     * its bucket and every namespace change applied. It covers the mount named in the request (which must exist),
     * or every mount when none is named. Not done within the timeout: 503 naming {@code timeout-seconds}.
     */
    public Map<String, Object> sync(Requests.Sync r) {
        int timeout = r.timeoutSeconds() == null ? DEFAULT_SYNC_SECONDS : r.timeoutSeconds();
        if (timeout < 1 || timeout > MAX_SYNC_SECONDS) {
            throw FieldException.invalid("timeout-seconds", "must be 1-" + MAX_SYNC_SECONDS);
        }
        if (r.mount() != null && !Names.RESERVED.equals(r.mount()) && state().mount(r.mount()).isEmpty()) {
            throw new FieldException(FieldException.Kind.NOT_FOUND, "mount", "no mount '" + r.mount() + "'");
        }
        long t0 = System.nanoTime();
        try {
            gateway.vfs().sync(r.mount(), timeout, java.util.concurrent.TimeUnit.SECONDS);
        } catch (io.bucketfs.vfs.VfsException e) {
            throw new FieldException(FieldException.Kind.UNAVAILABLE, "timeout-seconds", "not everything reached "
                    + "the buckets in " + timeout + " s (" + e.getMessage() + "); it stays staged and is retried");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("synced", r.mount() == null ? "all mounts" : r.mount());
        out.put("millis", (System.nanoTime() - t0) / 1_000_000);
        return out;
    }

    // ---- helpers ----

    private static ConnectionRecord connection(GatewayState s, String name) {
        return s.connection(name).orElseThrow(() -> new FieldException(FieldException.Kind.NOT_FOUND, "name",
                "no connection '" + name + "'"));
    }

    private static MountRecord mount(GatewayState s, String name) {
        return s.mount(name).orElseThrow(() -> new FieldException(FieldException.Kind.NOT_FOUND, "name",
                "no mount '" + name + "'"));
    }

    static Provider provider(String id) {
        Names.required("provider", id);
        for (Provider p : Provider.values()) {
            if (p != Provider.LOCAL && p.id().equalsIgnoreCase(id.trim())) {
                return p;
            }
        }
        throw FieldException.invalid("provider", "unknown '" + id + "'; one of " + Arrays.stream(Provider.values())
                .filter(p -> p != Provider.LOCAL).map(Provider::id).collect(Collectors.joining(", ")));
    }

    /** The backends' "field: message" validation errors as a {@link FieldException}. */
    private static FieldException fromSpec(IllegalArgumentException e) {
        String msg = e.getMessage() == null ? "invalid" : e.getMessage();
        int colon = msg.indexOf(": ");
        return colon > 0 ? FieldException.invalid(msg.substring(0, colon), msg.substring(colon + 2))
                : FieldException.invalid("connection", msg);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    static String kindWord(ObjectStoreException e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
