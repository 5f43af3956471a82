package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sync --mount M} waits for M's writes only: a mount whose bucket is down does not hold up another. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SyncPerMountTest {

    private static final int S3 = TestPorts.free();

    @TempDir
    Path dir;

    private static Entry write(Vfs v, String name, byte[] content) throws Exception {
        Entry f = v.create(Caller.ROOT, v.root(), name, CreateMode.GUARDED, SetAttr.NONE, 0);
        v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(content), Stability.UNSTABLE);
        return f;
    }

    @Test
    void aMountWithItsBucketDownDoesNotHoldUpTheSyncOfAnother() throws Exception {
        byte[] content = "staged\n".getBytes(StandardCharsets.UTF_8);
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3a"), S3);
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String bucket = s3.createBucket();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createConnection(new Requests.Connection("rw", "s3-compatible", bucket, "us-east-1",
                    s3.endpoint().toString(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null, null,
                    null, null, true));
            cp.createMount(new Requests.Mount("m", "rw", null, null, "nfs", null, null, null, null, null, null, null));
            Entry stuck = write(g.vfs().mount("m"), "stuck.txt", content);
            s3.close(); // m's bucket is unreachable now
            g.vfs().mount("m").commit(Caller.ROOT, stuck.handle()); // durable locally; the upload cannot finish
            Vfs d = g.vfs().mount(GatewayConfig.DEFAULT_BUCKET);
            d.commit(Caller.ROOT, write(d, "fine.txt", content).handle());

            Map<String, Object> r = cp.sync(new Requests.Sync(GatewayConfig.DEFAULT_BUCKET, 10));
            assertEquals(GatewayConfig.DEFAULT_BUCKET, r.get("synced"));
            try (ObjectContent c = g.defaultBucket().get("fine.txt", GetOptions.NONE)) {
                assertEquals("staged\n", new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }
            Map<String, Object> m = cp.status().stream().filter(x -> x.get("mount").equals("m")).findFirst()
                    .orElseThrow();
            assertTrue((Long) m.get("dirty-bytes") > 0 && (Integer) m.get("upload-queue") > 0, m.toString());
            FieldException e = assertThrows(FieldException.class, () -> cp.sync(new Requests.Sync("m", 2)));
            assertEquals(FieldException.Kind.UNAVAILABLE, e.kind());

            s3 = S3ProxyServer.start(dir.resolve("s3b"), S3); // back (empty): the staged bytes are the only copy
            s3.createBucket(bucket);
            assertEquals("m", cp.sync(new Requests.Sync("m", 90)).get("synced"));
            m = cp.status().stream().filter(x -> x.get("mount").equals("m")).findFirst().orElseThrow();
            assertEquals(0L, m.get("dirty-bytes"), m.toString());
            assertEquals(0, m.get("upload-queue"), m.toString());
        } finally {
            s3.close();
        }
    }
}
