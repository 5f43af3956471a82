package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount delete never reports success while writes that raced it (requests in flight when the export went away)
 * are not in the bucket. The race is made exact with a relay in front of S3Proxy: the upload of one file writes the
 * next file through the mount (as an in-flight request would) before it goes on, and the bucket takes no PUT of the
 * last file written so. Either the delete is refused and the mount serves on untouched, or (writes landing after the mount stopped)
 * the mount is reopened from its journal, serves on, and its staged writes still reach the bucket.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountDeleteRaceTest {

    @TempDir
    Path dir;

    private S3ProxyServer s3;
    private RecordingRelay relay;
    private String bucket;
    private Gateway gateway;
    /** Counted down to let the held PUTs through (the bucket is back). */
    private final CountDownLatch back = new CountDownLatch(1);

    @BeforeEach
    void bucket() throws Exception {
        int port = TestPorts.free();
        s3 = S3ProxyServer.start(dir.resolve("s3"), port);
        bucket = s3.createBucket();
        relay = new RecordingRelay(0, port);
        gateway = Gateway.start(new GatewayConfig(dir.resolve("data"), null));
    }

    @AfterEach
    void close() throws Exception {
        back.countDown(); // before the gateway stops: its stop flushes what is staged
        if (gateway != null) {
            gateway.close();
        }
        relay.close();
        s3.close();
    }

    /**
     * Mount {@code m} of a read-write connection through the relay, with the files {@code inBucket} written and
     * synced (the racing writes overwrite them: no new name, so nothing but a commit sends them), then
     * {@code a.txt} written (not committed).
     */
    private ControlPlane mountWithAStagedFile(String... inBucket) throws Exception {
        ControlPlane cp = new ControlPlane(gateway, Clock.systemUTC(), Duration.ofSeconds(4));
        cp.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                "http://127.0.0.1:" + relay.port(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null,
                null, null, null, true));
        cp.createMount(new Requests.Mount("m", "rw", null, null, "nfs", null, null, null, null, null, null, null));
        Vfs v = gateway.vfs().mount("m");
        for (String name : inBucket) {
            write(v, name, "old");
        }
        cp.sync(new Requests.Sync("m", 60));
        write(v, "a.txt", "a.txt");
        return cp;
    }

    /**
     * Writes {@code text} over {@code name} (made if missing; UNSTABLE: staged, not committed) on another thread,
     * as a request in flight would.
     */
    private static void write(Vfs v, String name, String text) {
        CompletableFuture.runAsync(() -> { // on a thread of its own: the common pool may be the one uploading
            try {
                Entry f = v.create(Caller.ROOT, v.root(), name, CreateMode.UNCHECKED, SetAttr.NONE, 0);
                v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                        Stability.UNSTABLE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "in-flight-write").start()).orTimeout(30, TimeUnit.SECONDS).join();
    }

    /**
     * From now on: the (first) PUT of each file named in {@code next} writes the file it maps to before it goes on;
     * the PUTs of {@code held} wait for {@link #back} (the bucket takes no new object until then).
     */
    private void race(Vfs v, Map<String, String> next, String held) {
        java.util.Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
        relay.beforeForwarding(line -> {
            if (!line.startsWith("PUT ")) {
                return;
            }
            if (line.endsWith("/" + held)) {
                try {
                    back.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            next.forEach((put, written) -> {
                if (line.endsWith("/" + put) && done.add(put)) { // once, even if the PUT is sent again
                    write(v, written, written);
                }
            });
        });
    }

    private String object(String key) throws Exception {
        try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT);
             ObjectContent c = st.get(key, GetOptions.NONE)) {
            return new String(c.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aWriteThatRacedTheFlushRefusesTheDeleteAndTheMountServesOnUntouched() throws Exception {
        Gateway g = gateway;
        ControlPlane cp = mountWithAStagedFile("b.txt");
        Vfs v = g.vfs().mount("m");
        race(v, Map.of("a.txt", "b.txt"), "b.txt");

        FieldException e = assertThrows(FieldException.class, () -> cp.deleteMount("m"),
                "a delete must not succeed while b.txt is only staged");
        assertEquals("name", e.field());
        assertTrue(e.line().contains("raced the removal") && e.line().endsWith("the mount keeps serving"),
                e.line());
        assertTrue(g.state().get().mount("m").isPresent(), "still in the state");
        assertTrue(g.nfsExports("m"), "still exported");
        assertSame(v, g.vfs().mount("m"), "the very same mount, never stopped");
        assertNotNull(v.lookup(Caller.ROOT, v.root(), "b.txt"));

        back.countDown();
        cp.sync(new Requests.Sync("m", 60));
        assertEquals("b.txt", object("b.txt"));
        cp.deleteMount("m");
    }

    @Test
    void aWriteThatLandedAsTheMountStoppedReopensItFromItsJournal() throws Exception {
        Gateway g = gateway;
        ControlPlane cp = mountWithAStagedFile("b.txt", "c.txt");
        Vfs v = g.vfs().mount("m");
        // a's upload writes b (caught by the second flush), b's upload writes c (only the stop commits it)
        race(v, Map.of("a.txt", "b.txt", "b.txt", "c.txt"), "c.txt");

        FieldException e = assertThrows(FieldException.class, () -> cp.deleteMount("m"),
                "a delete must not succeed while c.txt is only staged");
        assertTrue(e.line().contains("reopened from its journal"), e.line());
        assertTrue(g.state().get().mount("m").isPresent(), "still in the state");
        Vfs reopened = g.vfs().mount("m");
        assertNotSame(v, reopened, "reopened from its journal");
        assertSame(reopened, g.nfsExports().byName("m").orElseThrow().vfs(), "the export serves the new one");
        Entry c = reopened.lookup(Caller.ROOT, reopened.root(), "c.txt");
        ByteBuffer buf = ByteBuffer.allocate(64);
        var r = reopened.read(Caller.ROOT, c.handle(), 0, buf);
        assertEquals("c.txt", new String(buf.array(), 0, r.count(), StandardCharsets.UTF_8));

        back.countDown();
        cp.sync(new Requests.Sync("m", 60));
        assertEquals("c.txt", object("c.txt"), "the re-adopted staged write reached the bucket");
        cp.deleteMount("m");
        assertTrue(g.state().get().mount("m").isEmpty());
    }
}
