package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mount's {@code --durability}, end to end through the control plane: two mounts of one S3Proxy bucket behind a
 * relay that holds every PUT. On the {@code object-store} mount a commit (what NFS COMMIT and SMB FLUSH call)
 * returns only after the PUT of the file reached the bucket; on the {@code local} mount it returns while the PUT is
 * still held, and the upload follows once the bucket answers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountDurabilityTest {

    @TempDir
    Path dir;

    private static CompletableFuture<Long> writeAndCommit(Vfs v, String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Entry f = v.create(Caller.ROOT, v.root(), name, CreateMode.GUARDED, SetAttr.NONE, 0);
                v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)),
                        Stability.UNSTABLE);
                return v.commit(Caller.ROOT, f.handle());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> new Thread(r, "client").start());
    }

    private static boolean inBucket(ObjectStore st, String key) throws Exception {
        try (ObjectContent c = st.get(key, GetOptions.NONE)) {
            return new String(c.readAllBytes(), StandardCharsets.UTF_8).endsWith(key.substring(key.indexOf('/') + 1));
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void anObjectStoreCommitWaitsForThePutAndALocalOneDoesNot() throws Exception {
        int port = TestPorts.free();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch objectStorePut = new CountDownLatch(1);
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), port);
             RecordingRelay relay = new RecordingRelay(0, port);
             Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String bucket = s3.createBucket();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                    "http://127.0.0.1:" + relay.port(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null,
                    null, null, null, null, true));
            cp.createMount(new Requests.Mount("os", "rw", null, "os/", "nfs", null, null, "object-store", null,
                    null, null, null));
            cp.createMount(new Requests.Mount("loc", "rw", null, "loc/", "nfs", null, null, "local", null,
                    null, null, null));
            assertEquals("object-store", cp.showMount("os").get("durability"));
            relay.beforeForwarding(line -> {
                if (line.startsWith("PUT ")) {
                    if (line.contains("/os/")) {
                        objectStorePut.countDown();
                    }
                    try {
                        release.await(90, TimeUnit.SECONDS); // the bucket takes no object until released
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT)) {
                // local: durable on the cache disk; the commit answers while the PUT is held
                writeAndCommit(g.vfs().mount("loc"), "l.txt").get(60, TimeUnit.SECONDS);
                assertFalse(inBucket(st, "loc/l.txt"), "the local commit returned before the upload");

                // object-store: the commit is still waiting once its PUT is held at the relay
                CompletableFuture<Long> os = writeAndCommit(g.vfs().mount("os"), "o.txt");
                assertTrue(objectStorePut.await(60, TimeUnit.SECONDS), "the object-store commit sent its PUT");
                assertThrows(TimeoutException.class, () -> os.get(2, TimeUnit.SECONDS),
                        "an object-store commit must not return before its PUT reached the bucket");
                assertFalse(inBucket(st, "os/o.txt"));

                release.countDown();
                os.get(60, TimeUnit.SECONDS);
                assertTrue(inBucket(st, "os/o.txt"), "returned once the object is in the bucket");
                cp.sync(new Requests.Sync("loc", 60));
                assertTrue(inBucket(st, "loc/l.txt"), "the local mount's upload followed");
            }
            assertTrue(relay.requests().stream().anyMatch(r -> r.startsWith("PUT ") && r.endsWith("/os/o.txt")),
                    relay.requests().toString());
        } finally {
            release.countDown();
        }
    }
}
