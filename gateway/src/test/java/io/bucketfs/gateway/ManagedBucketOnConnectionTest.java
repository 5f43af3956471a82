package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Managed buckets on a configured connection ({@code buckets create --connection}): kept under {@code NAME/} of the
 * connection's bucket, mounted like local ones, and guarded: no creation over existing objects or inside a mount of
 * the connection, no deletion while mounted or holding objects, no deleting the connection under them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagedBucketOnConnectionTest {

    private static final int S3 = TestPorts.free();

    @TempDir
    Path dir;

    private static String field(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(FieldException.class, call).field();
    }

    @Test
    void aManagedBucketLivesUnderItsNameInTheConnectionsBucket() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), S3);
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String bucket = s3.createBucket();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            for (String name : new String[] {"rw", "ro"}) {
                cp.createConnection(new Requests.Connection(name, "s3-compatible", bucket, "us-east-1",
                        s3.endpoint().toString(), true, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null,
                        null, null, null, name.equals("rw")));
            }
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT)) {
                st.put("taken/x", Payload.ofBytes(new byte[1]), PutOptions.NONE);
            }
            assertEquals("connection", field(() -> cp.createBucket(new Requests.Bucket("datasets", "ro"))));
            assertEquals("connection", field(() -> cp.createBucket(new Requests.Bucket("datasets", "nosuch"))));
            assertEquals("name", field(() -> cp.createBucket(new Requests.Bucket("taken", "rw"))));

            cp.createBucket(new Requests.Bucket("datasets", "rw"));
            assertEquals("connection rw", cp.listBuckets().stream().filter(b -> b.get("name").equals("datasets"))
                    .findFirst().orElseThrow().get("store"));
            cp.createMount(new Requests.Mount("ds", null, "datasets", null, "nfs", null, null, null, null, null,
                    null, null));
            assertEquals("prefix", field(() -> cp.createMount(new Requests.Mount("all", "rw", null, null, "nfs",
                    null, null, null, null, null, null, null))), "a mount of the whole connection overlaps it");
            Vfs v = g.vfs().mount("ds");
            Entry f = v.create(Caller.ROOT, v.root(), "d.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap("managed\n".getBytes(StandardCharsets.UTF_8)),
                    Stability.FILE_SYNC);
            cp.sync(new Requests.Sync("ds", 60));
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT);
                 ObjectContent c = st.get("datasets/d.txt", GetOptions.NONE)) {
                assertEquals("managed\n", new String(c.readAllBytes(), StandardCharsets.UTF_8));
            }

            assertEquals("name", field(() -> cp.deleteConnection("rw")), "the connection holds a managed bucket");
            assertEquals("name", field(() -> cp.deleteBucket("datasets")), "mounted");
            cp.deleteMount("ds");
            assertEquals("name", field(() -> cp.deleteBucket("datasets")), "holds objects");
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT)) {
                st.delete("datasets/d.txt");
            }
            cp.deleteBucket("datasets");
            cp.deleteConnection("rw");
        } finally {
            s3.close();
        }
    }
}
