package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A mount delete flushes the mount's dirty data first, or is refused with the reason and changes nothing. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountDeleteTest {

    private static final int S3 = TestPorts.free();

    @TempDir
    Path dir;

    @Test
    void aDeleteWhoseFlushCannotFinishIsRefusedAndTheMountKeepsServing() throws Exception {
        byte[] content = "staged, not yet in the bucket\n".getBytes(StandardCharsets.UTF_8);
        String bucket;
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3a"), S3);
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            bucket = s3.createBucket();
            ControlPlane quick = new ControlPlane(g, Clock.systemUTC(), Duration.ofSeconds(3));
            quick.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                    s3.endpoint().toString(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null, null,
                    null, null, true));
            quick.createMount(new Requests.Mount("m", "rw", null, null, "nfs", null, null, null, null,
                    null, null, null));
            Vfs v = g.vfs().mount("m");
            Entry f = v.create(Caller.ROOT, v.root(), "f.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(content), Stability.UNSTABLE);

            s3.close(); // the bucket is unreachable now
            FieldException e = assertThrows(FieldException.class, () -> quick.deleteMount("m"));
            assertEquals(FieldException.Kind.UNAVAILABLE, e.kind());
            assertTrue(e.line().startsWith("name: not deleted: ") && e.line().endsWith("the mount keeps serving"),
                    e.line());
            assertTrue(g.state().get().mount("m").isPresent(), "still in the state");
            assertTrue(g.nfsExports("m"), "still exported");
            assertNotNull(g.vfs().mount("m"), "still mounted");

            s3 = S3ProxyServer.start(dir.resolve("s3b"), S3); // back, empty: the staged bytes are the only copy
            s3.createBucket(bucket);
            new ControlPlane(g, Clock.systemUTC(), Duration.ofSeconds(90)).deleteMount("m");
            assertFalse(g.state().get().mount("m").isPresent());
            assertFalse(g.nfsExports("m"));
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT);
                 ObjectContent c = st.get("f.txt", GetOptions.NONE)) {
                assertEquals(new String(content, StandardCharsets.UTF_8),
                        new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            s3.close();
        }
    }
}
