package io.bucketfs.tests.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.cache.write.WriteBackSettings;
import io.bucketfs.gateway.Gateway;
import io.bucketfs.gateway.GatewayConfig;
import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.servers.ServerLauncher;
import io.bucketfs.tests.vm.TestVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The cache disk failing under the gateway (on S3Proxy; NFSv3 through nfs-meta, SMB through smbclient):
 * <ul>
 *   <li><b>full</b>: the cache directory on a 48 MiB tmpfs while the cache may hold 1 GiB (a capacity larger than
 *       the disk, or other files on it). Reading 96 MiB of objects fills the disk: the cache evicts to make room and
 *       every read still returns the object's bytes; writes past the room left fail with DISK_FULL / an I/O error,
 *       never acknowledged and lost. After a restart on the same disk, every chunk the cache kept reads back right
 *       (checksummed), through both protocols.</li>
 *   <li><b>lost</b>: the cache directory deleted while the gateway is stopped (a wiped instance disk): it starts,
 *       makes a new cache, and serves every file — written through it before, or put into the bucket by others —
 *       from the bucket.</li>
 * </ul>
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@MachineBound
class CacheDiskFaultsTest {

    @TempDir
    Path dir;
    private S3ProxyServer s3;
    private ObjectStore direct;
    private Gateway gateway;
    private Clients clients;
    private Path nfsMeta;
    private final Map<String, String> placed = new TreeMap<>();
    private Path tmpfs;

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyServer.start(dir.resolve("s3"), ServerLauncher.freePort());
        s3.createBucket("bfs");
        direct = ObjectStores.open(s3.spec("bfs").validate(), BackendSettings.DEFAULT);
        Random r = new Random(17);
        for (int i = 0; i < 32; i++) {
            byte[] b = Workload.content(r.nextLong(), 3 << 20);
            String key = String.format("cold/obj-%02d", i);
            direct.put(key, Payload.ofBytes(b), PutOptions.NONE);
            placed.put(key, Workload.sha256(b));
        }
        direct.put("w/.keep", Payload.ofBytes(new byte[0]), PutOptions.NONE);
        nfsMeta = Clients.compileNfsMeta(TestVm.repoRootFromProperty(), Files.createDirectories(dir.resolve("bin")));
    }

    private void startGateway(Path cacheDir, long cacheSize) throws Exception {
        gateway = Gateway.start(new GatewayConfig(dir.resolve("gw"), cacheDir, cacheSize), s3.spec("bfs"),
                BackendSettings.DEFAULT, WriteBackSettings.DEFAULT.withMaxStagingBytes(1L << 30, Duration.ofSeconds(3)));
        clients = Clients.serving(gateway, nfsMeta, 120);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (tmpfs != null) {
            new ProcessBuilder("umount", "-l", tmpfs.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        if (direct != null) {
            direct.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aFullCacheDiskEvictsThenFailsWritesCleanlyAndKeepsNoCorruptChunk() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a small tmpfs");
        tmpfs = Files.createDirectories(dir.resolve("small"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", tmpfs.toString())
                .inheritIO().start();
        assertTrue(m.waitFor(30, TimeUnit.SECONDS) && m.exitValue() == 0, "mount -t tmpfs failed");
        startGateway(tmpfs.resolve("cache"), 1L << 30);

        List<String> misread = readAll(placed.keySet()); // 96 MiB through a 48 MiB disk
        assertEquals(List.of(), misread, "reads through a full cache disk");

        Path local = dir.resolve("big");
        List<String> unclean = new ArrayList<>();
        Map<String, String> acknowledged = new TreeMap<>();
        int refused = 0;
        for (int i = 0; i < 12 && refused < 2; i++) { // 12 x 8 MiB: more than the disk holds beside the cache
            byte[] b = Workload.content(i, 8 << 20);
            Files.write(local, b);
            Clients.Outcome o = clients.smb("put " + local + " w/big-" + i);
            if (o.ok()) {
                acknowledged.put("w/big-" + i, Workload.sha256(b));
            } else if (Set.of("NT_STATUS_DISK_FULL", "NT_STATUS_UNEXPECTED_IO_ERROR").contains(o.status())) {
                refused++;
            } else {
                unclean.add("w/big-" + i + ": " + o);
            }
        }
        System.out.printf("CacheDiskFaultsTest: full disk: %d objects read right, %d writes acknowledged, %d "
                + "refused%n", placed.size(), acknowledged.size(), refused);
        assertEquals(List.of(), unclean, "writes on a full cache disk that failed unclean");
        assertTrue(refused > 0, "the full disk never refused a write");

        gateway.close();
        gateway = null;
        startGateway(tmpfs.resolve("cache"), 1L << 30); // the chunks kept are loaded and checked again
        assertEquals(List.of(), readAll(placed.keySet()), "reads after a restart on the full disk");
        gateway.vfs().sync(120, TimeUnit.SECONDS); // no acknowledged write was lost to the full disk
        for (Map.Entry<String, String> a : acknowledged.entrySet()) {
            try (var c = direct.get(a.getKey(), io.bucketfs.backends.GetOptions.NONE)) {
                assertEquals(a.getValue(), Workload.sha256(c.stream().readAllBytes()), a.getKey() + " in the bucket");
            }
        }
    }

    @Test
    void aWipedCacheDirectoryIsRebuiltAndServedFromTheBucket() throws Exception {
        Path cache = dir.resolve("cache");
        startGateway(cache, GatewayConfig.DEFAULT_CACHE_SIZE);
        Path local = dir.resolve("mine");
        for (int i = 0; i < 4; i++) {
            byte[] b = Workload.content(100 + i, 1 << 20);
            Files.write(local, b);
            Clients.Outcome o = clients.nfsWrite(local, "w/mine-" + i);
            assertTrue(o.ok(), "write before the wipe: " + o);
            placed.put("w/mine-" + i, Workload.sha256(b));
        }
        assertEquals(List.of(), readAll(placed.keySet()), "reads before the wipe");
        gateway.vfs().sync(60, TimeUnit.SECONDS);
        gateway.close();
        gateway = null;
        try (var walk = Files.walk(cache)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue(Files.notExists(cache));

        startGateway(cache, GatewayConfig.DEFAULT_CACHE_SIZE);
        assertEquals(List.of(), readAll(placed.keySet()), "reads after the cache directory was wiped");
        assertTrue(Files.isDirectory(cache), "no new cache directory");
    }

    /** Reads every key through NFS and then SMB; what was misread, with why. */
    private List<String> readAll(Set<String> keys) throws Exception {
        List<String> bad = new ArrayList<>();
        Path got = dir.resolve("got");
        for (String k : keys) {
            Clients.Outcome n = clients.nfsRead(k);
            if (!n.ok() || !Workload.sha256(n.stdout()).equals(placed.get(k))) {
                bad.add("nfs " + k + ": " + (n.ok() ? "wrong bytes" : n));
            }
            Files.deleteIfExists(got);
            Clients.Outcome s = clients.smb("get " + k + " " + got);
            if (!s.ok() || !Files.exists(got) || !Workload.sha256(Files.readAllBytes(got)).equals(placed.get(k))) {
                bad.add("smb " + k + ": " + (s.ok() ? "wrong bytes" : s));
            }
        }
        return bad;
    }
}
