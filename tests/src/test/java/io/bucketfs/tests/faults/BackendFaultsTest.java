package io.bucketfs.tests.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ConnectionSpec;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.RetryPolicy;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.servers.ServerLauncher;
import io.bucketfs.tests.vm.TestVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on S3Proxy behind a {@link FaultProxy}, driven by real NFSv3 (libnfs) and SMB 3.1.1 (smbclient)
 * clients. Two scenarios:
 * <ol>
 *   <li><b>10% faults</b> (500, 503 SlowDown, resets before and after the store acted, stalls past the request
 *       timeout, truncated bodies, evenly): cold reads of objects put into the bucket behind the gateway's back,
 *       writes, re-reads, renames and deletes by NFS and SMB clients at once. Every operation ends in time
 *       ({@link #OP_BOUND}) and either succeeds — a read with exactly the object's bytes — or fails with
 *       NFS3ERR_IO / NT_STATUS_UNEXPECTED_IO_ERROR; nothing else. Then the faults stop: the write-back barrier
 *       completes, the bucket holds exactly the files the clients were told exist, with their bytes, and every
 *       object reads back right through both protocols (no truncated body was cached).</li>
 *   <li><b>Outage</b> (every connection to the store refused): files already read keep being served from the
 *       cache by both protocols; writes queue in the staging area up to its bound, then fail cleanly with
 *       NFS3ERR_NOSPC / NT_STATUS_DISK_FULL (or EIO); an object never read fails with EIO in time. When the store
 *       is back, everything that was acknowledged reaches the bucket.</li>
 * </ol>
 * CI runs 25 s of faults and a 35 s outage; {@code -Dbucketfs.faults.long=true} runs 10 minutes and the issue's
 * 60 s outage.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@MachineBound
class BackendFaultsTest {

    /** The bound on any one client operation: the retry budget of every backend call it needs, and slack. */
    static final Duration OP_BOUND = Duration.ofSeconds(60);
    private static final boolean LONG = Boolean.getBoolean("bucketfs.faults.long");
    private static final RetryPolicy RETRY = new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(12));
    private static final BackendSettings BACKEND = new BackendSettings(Duration.ofSeconds(2), Duration.ofSeconds(4),
            RETRY, BackendSettings.DEFAULT_MAX_CONNECTIONS);
    private static final long STAGING = 8L << 20;
    private static final int OUTAGE_FILE = 2 << 20;
    /** Longer than the attribute and listing TTLs (30 s), so that cached data is served past them. */
    private static final Duration OUTAGE = Duration.ofSeconds(LONG ? 60 : 35);

    @TempDir
    Path dir;
    private S3ProxyServer s3;
    private FaultProxy proxy;
    private ObjectStore direct;
    private Gateway gateway;
    private Clients clients;
    /** The objects put behind the gateway: key → SHA-256. */
    private final Map<String, String> placed = new TreeMap<>();

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyServer.start(dir.resolve("s3"), ServerLauncher.freePort());
        s3.createBucket("bfs");
        direct = ObjectStores.open(s3.spec("bfs").validate(), BackendSettings.DEFAULT);
        Random r = new Random(7);
        for (int i = 0; i < (LONG ? 400 : 80); i++) {
            byte[] b = Workload.content(r.nextLong(), 16 * 1024 + r.nextInt(1536 * 1024));
            String key = String.format("cold/obj-%04d", i);
            direct.put(key, Payload.ofBytes(b), PutOptions.NONE);
            placed.put(key, Workload.sha256(b));
        }
        direct.put("w/.keep", Payload.ofBytes(new byte[0]), PutOptions.NONE);
        proxy = new FaultProxy(s3.endpoint().getPort());
    }

    /** The gateway on the bucket through the proxy, its staging area bounded by {@code staging} bytes. */
    private void startGateway(long staging) throws Exception {
        ConnectionSpec viaProxy = s3.spec("bfs").withEndpoint(proxy.endpoint());
        WriteBackSettings writeBack = WriteBackSettings.DEFAULT.withMaxStagingBytes(staging, Duration.ofSeconds(3))
                .withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2));
        gateway = Gateway.start(new GatewayConfig(dir.resolve("gw"), null), viaProxy, BACKEND, writeBack);
        clients = Clients.serving(gateway, Clients.compileNfsMeta(TestVm.repoRootFromProperty(),
                Files.createDirectories(dir.resolve("bin"))), OP_BOUND.toSeconds() + 30);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void atTenPercentFaultsEveryOperationSucceedsOrFailsWithEioAndTheGatewayRecovers() throws Exception {
        startGateway(1L << 30); // room for all the writes: only the faults may fail an operation
        proxy.plan(FaultProxy.Plan.even(0.10, 10_000));
        Workload w = new Workload(clients, dir.resolve("client"), placed);
        Workload.Report report = w.run(8, Duration.ofSeconds(LONG ? 600 : 25));
        proxy.plan(FaultProxy.Plan.NONE);
        System.out.println("BackendFaultsTest: 10% faults: " + report + "; proxy " + proxy.counts());
        assertEquals(List.of(), report.violations(), "operations that neither succeeded nor failed with EIO");
        assertTrue(report.succeeded() > 20, "too little work got through: " + report);
        for (FaultProxy.Fault f : FaultProxy.Fault.values()) {
            assertTrue(proxy.injected(f) > 0, "no " + f + " was injected: " + proxy.counts());
        }

        gateway.vfs().sync(180, TimeUnit.SECONDS); // the faults have stopped: every staged write reaches the bucket
        assertBucketHolds(w.files());
        assertEquals(List.of(), readAllBack(placed.keySet()), "objects misread after the faults stopped");
    }

    @Test
    void anOutageServesTheCacheQueuesWritesWithinTheBoundAndFailsCleanly() throws Exception {
        startGateway(STAGING);
        Workload w = new Workload(clients, dir.resolve("client"), placed);
        List<String> cached = new ArrayList<>(placed.keySet()).subList(0, 24);
        assertEquals(List.of(), readAllBack(cached), "reads before the outage");
        int files = (int) (2 * STAGING / OUTAGE_FILE); // twice what staging holds
        List<String> names = w.createSmall("w/outage-", files); // known to the gateway, uploaded, w/ listed
        gateway.vfs().sync(60, TimeUnit.SECONDS);

        proxy.outage(true);
        long t0 = System.nanoTime();
        List<String> misread = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger cachedReads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Future<?> reader = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> {
            do { // past the attribute TTL (30 s): the cache must keep serving without the bucket's word
                misread.addAll(readAllBack(List.of(cached.get(cachedReads.getAndIncrement() % cached.size()))));
            } while (System.nanoTime() - t0 < OUTAGE.toNanos());
            return null;
        });
        Workload.Report created = w.write("w/made-in-the-outage", OUTAGE_FILE, Set.of());
        Workload.Report writes = w.overwrite(names, OUTAGE_FILE);
        reader.get(OUTAGE.toSeconds() + 2 * OP_BOUND.toSeconds(), TimeUnit.SECONDS);
        Clients.Outcome cold = clients.nfsRead(new ArrayList<>(placed.keySet()).get(placed.size() - 1));
        proxy.outage(false);
        System.out.printf("BackendFaultsTest: outage of %d s: %d cached reads by NFS and SMB, new file %s, "
                        + "overwrites %s, uncached read %s; proxy %s%n", (System.nanoTime() - t0) / 1_000_000_000L,
                cachedReads.get(), created, writes, cold, proxy.counts());

        assertEquals(List.of(), misread, "cached files not served during the outage");
        assertEquals(1, created.succeeded(), "a new file was not queued during the outage: " + created);
        assertEquals(List.of(), writes.violations(), "writes during the outage that failed unclean or late");
        assertTrue(writes.succeeded() > 0, "no write was queued in the staging area: " + writes);
        assertTrue(writes.failed() > 0, "the staging bound never stopped a write: " + writes);
        assertTrue(!cold.ok() && "NFS3ERR_IO".equals(cold.status()) && cold.millis() < OP_BOUND.toMillis(),
                "an object never read, during the outage: " + cold);

        gateway.vfs().sync(180, TimeUnit.SECONDS);
        assertBucketHolds(w.files());
    }

    /** The bucket's {@code w/} holds exactly the files the workload's model allows, with their bytes. */
    private void assertBucketHolds(Workload.Files model) throws Exception {
        dropS3ProxyTempFiles();
        Map<String, String> inBucket = new HashMap<>();
        String token = null;
        do {
            io.bucketfs.backends.ListPage page;
            try {
                page = direct.list(ListRequest.flat("w/").withContinuationToken(token));
            } catch (io.bucketfs.backends.ObjectStoreException e) {
                try (var files = Files.walk(dir.resolve("s3"))) { // what S3Proxy failed to list
                    throw new AssertionError("S3Proxy cannot list w/: " + e.getMessage() + "; its files: "
                            + files.map(f -> dir.resolve("s3").relativize(f) + (Files.isRegularFile(f) ? " "
                                    + f.toFile().length() : "/")).filter(f -> f.contains("w")).toList(), e);
                }
            }
            for (ObjectSummary o : page.objects()) {
                if (!o.key().equals("w/.keep")) {
                    inBucket.put(o.key(), sha256Of(o.key()));
                }
            }
            token = page.nextContinuationToken();
        } while (token != null);
        List<String> wrong = model.check(inBucket);
        assertEquals(List.of(), wrong, "the bucket after the barrier does not hold what the clients were told");
    }

    /**
     * S3Proxy's file store writes an object to {@code NAME-UUID} and renames it; a PUT it saw cut off (the fault
     * proxy's resets) can leave that empty temp file behind, and S3Proxy then breaks off every listing that meets
     * it (seen once in ten runs). Not the gateway's: the files are removed before the bucket is listed, and named.
     */
    private void dropS3ProxyTempFiles() throws Exception {
        java.util.regex.Pattern temp = java.util.regex.Pattern.compile(
                ".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        try (var files = Files.walk(dir.resolve("s3"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (temp.matcher(f.getFileName().toString()).matches() && Files.size(f) == 0) {
                    System.out.println("BackendFaultsTest: S3Proxy's leftover temp file removed: " + f);
                    Files.delete(f);
                }
            }
        }
    }

    private String sha256Of(String key) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (ObjectContent c = direct.get(key, GetOptions.NONE)) {
            md.update(c.stream().readAllBytes());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** Reads each key through NFS and SMB; the keys misread (failed or wrong bytes), with why. */
    private List<String> readAllBack(java.util.Collection<String> keys) throws Exception {
        List<String> bad = Collections.synchronizedList(new ArrayList<>());
        Path local = Files.createDirectories(dir.resolve("readback"));
        StringBuilder gets = new StringBuilder();
        Map<String, Path> files = new HashMap<>();
        int i = 0;
        for (String k : keys) {
            Clients.Outcome o = clients.nfsRead(k);
            if (!o.ok() || !Workload.sha256(o.stdout()).equals(placed.get(k))) {
                bad.add("nfs " + k + ": " + (o.ok() ? "wrong bytes" : o));
            }
            Path f = local.resolve("r" + i++);
            files.put(k, f);
            gets.append("get ").append(k).append(' ').append(f).append("; ");
        }
        Clients.Outcome smb = clients.smb(gets.toString());
        if (!smb.ok()) {
            bad.add("smb: " + smb);
        }
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (!Files.exists(e.getValue())
                    || !Workload.sha256(Files.readAllBytes(e.getValue())).equals(placed.get(e.getKey()))) {
                bad.add("smb " + e.getKey() + ": " + (Files.exists(e.getValue()) ? "wrong bytes" : "not read"));
            }
            Files.deleteIfExists(e.getValue());
        }
        return bad;
    }
}
