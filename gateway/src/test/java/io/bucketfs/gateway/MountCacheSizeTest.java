package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount's {@code --cache-size} is enforced within the shared pool: reading more than it through the mount keeps
 * the mount's chunks at its size and leaves the other mounts' cached chunks alone; {@code status} says so. A size
 * beyond the pool is refused at create, and a pool that shrank under a mount caps it (status and show say so).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountCacheSizeTest {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static void readAll(Vfs v, String name) throws Exception {
        Entry f = v.lookup(Caller.ROOT, v.root(), name);
        ByteBuffer buf = ByteBuffer.allocate(MIB);
        long off = 0;
        while (true) {
            buf.clear();
            var r = v.read(Caller.ROOT, f.handle(), off, buf);
            off += r.count();
            if (r.eof() || r.count() == 0) {
                return;
            }
        }
    }

    private static Map<String, Object> row(ControlPlane cp, String mount) {
        return cp.status().stream().filter(x -> x.get("mount").equals(mount)).findFirst().orElseThrow();
    }

    @Test
    void aMountKeepsToItsCacheSizeAndLeavesTheOthersChunksAlone() throws Exception {
        byte[] content = new byte[8 * MIB];
        new Random(3).nextBytes(content);
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createBucket(new Requests.Bucket("data"));
            cp.createMount(new Requests.Mount("small", null, "data", null, "nfs", "12MiB", null, null, null, null,
                    null, null));
            assertEquals(12L * MIB, row(cp, "small").get("cache-size-bytes"));
            g.defaultBucket().put("hot.bin", Payload.ofBytes(content), PutOptions.NONE);
            try (ObjectStore data = g.openManagedBucket("data")) {
                for (int n = 0; n < 5; n++) {
                    data.put("f" + n, Payload.ofBytes(content), PutOptions.NONE);
                }
            }
            Vfs d = g.vfs().mount(GatewayConfig.DEFAULT_BUCKET);
            readAll(d, "hot.bin");
            long hot = (Long) row(cp, GatewayConfig.DEFAULT_BUCKET).get("cache-used-bytes");
            assertTrue(hot >= content.length, "the default mount cached hot.bin: " + hot);

            Vfs small = g.vfs().mount("small");
            for (int n = 0; n < 5; n++) {
                readAll(small, "f" + n);
                long used = (Long) row(cp, "small").get("cache-used-bytes");
                assertTrue(used <= 12L * MIB + 64 * 1024, "after f" + n + " the mount holds " + used);
            }
            assertTrue((Long) row(cp, "small").get("cache-used-bytes") >= 8L * MIB, row(cp, "small").toString());
            assertEquals(hot, row(cp, GatewayConfig.DEFAULT_BUCKET).get("cache-used-bytes"),
                    "40 MiB read through 'small' took nothing from the default mount");
            long misses = (Long) row(cp, GatewayConfig.DEFAULT_BUCKET).get("cache-misses");
            readAll(d, "hot.bin");
            assertEquals(misses, row(cp, GatewayConfig.DEFAULT_BUCKET).get("cache-misses"), "hot.bin is all hits");
        }
    }

    private static Requests.Mount mount(String name, String cacheSize) {
        return new Requests.Mount(name, null, "data", null, "nfs", cacheSize, null, null, null, null, null, null);
    }

    @Test
    void aCacheSizeBeyondThePoolIsRefusedNamingThePool() throws Exception {
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null, 64L * MIB))) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createBucket(new Requests.Bucket("data"));
            String before = Files.readString(dir.resolve("data").resolve("gateway-state.json"));
            FieldException e = assertThrows(FieldException.class, () -> cp.createMount(mount("big", "500GB")));
            assertEquals("cache-size", e.field(), e.line());
            assertTrue(e.line().contains("64.0 MiB") && e.line().contains("serve --cache-size")
                    && !e.line().contains("\n"), e.line());
            assertEquals(before, Files.readString(dir.resolve("data").resolve("gateway-state.json")));
            assertFalse(g.state().get().mount("big").isPresent());
            cp.createMount(mount("whole", "64MiB")); // the whole pool is allowed
            assertEquals(64L * MIB, cp.showMount("whole").get("cache-size-bytes"));
        }
    }

    @Test
    void aPoolThatShrankUnderAMountCapsItAndSaysSo() throws Exception {
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null, 64L * MIB))) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createBucket(new Requests.Bucket("data"));
            cp.createMount(mount("m", "48MiB"));
            assertFalse(cp.showMount("m").containsKey("cache-size-configured-bytes"), "no cap while it fits");
        }
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null, 32L * MIB))) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            Map<String, Object> shown = cp.showMount("m");
            assertEquals(32L * MIB, shown.get("cache-size-bytes"), shown.toString());
            assertEquals(48L * MIB, shown.get("cache-size-configured-bytes"), shown.toString());
            assertEquals(32L * MIB, row(cp, "m").get("cache-size-bytes"));
            assertEquals(32L * MIB, g.vfs().cache().usage("m")[1], "the cache enforces the cap, not 48 MiB");
        }
    }
}
