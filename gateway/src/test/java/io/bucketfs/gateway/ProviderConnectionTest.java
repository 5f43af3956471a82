package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.FieldException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers through the control plane: a {@code minio} connection (endpoint given) against S3Proxy, tested
 * read-write, makes the list, head, put and delete requests a relay in front of the store records; a role to assume
 * ({@code role-arn}, {@code external-id}) is refused, naming the field, for every provider but {@code aws-s3}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProviderConnectionTest {

    @TempDir
    Path dir;

    @Test
    void aMinioConnectionListsHeadsPutsAndDeletesThroughTheControlPlane() throws Exception {
        int port = TestPorts.free();
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), port);
             RecordingRelay relay = new RecordingRelay(0, port);
             Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String bucket = s3.createBucket();
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createConnection(new Requests.Connection("mc", "minio", bucket, null,
                    "http://127.0.0.1:" + relay.port(), null, S3ProxyServer.IDENTITY, S3ProxyServer.SECRET, null, null,
                    null, null, null, true));
            assertEquals("minio", cp.showConnection("mc").get("provider"));

            Map<String, Object> tested = cp.testConnection("mc", true);
            assertEquals(true, tested.get("ok"), tested.toString());
            assertEquals("read-write", tested.get("allows"), tested.toString());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> checks = (List<Map<String, Object>>) tested.get("checks");
            assertEquals(List.of("list", "head", "put", "delete"), checks.stream().map(c -> c.get("op")).toList());

            List<String> sent = relay.requests();
            String path = "/" + bucket; // minio is addressed path-style
            assertTrue(sent.stream().anyMatch(r -> r.startsWith("GET " + path + "?") && r.contains("list-type=2")),
                    sent.toString());
            assertTrue(sent.stream().anyMatch(r -> r.startsWith("HEAD " + path + "/.bucketfs-probe-")),
                    sent.toString());
            assertTrue(sent.stream().anyMatch(r -> r.startsWith("PUT " + path + "/.bucketfs-probe-")),
                    sent.toString());
            assertTrue(sent.stream().anyMatch(r -> r.startsWith("DELETE " + path + "/.bucketfs-probe-")),
                    sent.toString());
            try (ObjectStore st = ObjectStores.open(s3.spec(bucket), BackendSettings.DEFAULT)) {
                assertTrue(st.list(ListRequest.flat("")).objects().isEmpty(), "the probe object was deleted");
            }
        }
    }

    private String state() throws Exception {
        Path f = dir.resolve("data").resolve("gateway-state.json");
        return Files.exists(f) ? Files.readString(f) : "(none)";
    }

    @Test
    void aRoleToAssumeIsOnlyForAwsS3() throws Exception {
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            String before = state();
            for (String provider : List.of("gcs", "r2", "b2", "minio", "wasabi", "s3-compatible", "azure")) {
                boolean azure = provider.equals("azure");
                FieldException role = assertThrows(FieldException.class, () -> cp.createConnection(
                        new Requests.Connection("c", provider, "b", "us-east-1", "http://127.0.0.1:9", null,
                                azure ? null : "AKID", azure ? null : "secret", "arn:aws:iam::1:role/r", null,
                                "acct", null, null, false)));
                assertEquals("role-arn", role.field(), provider + ": " + role.line());
                FieldException external = assertThrows(FieldException.class, () -> cp.createConnection(
                        new Requests.Connection("c", provider, "b", "us-east-1", "http://127.0.0.1:9", null,
                                azure ? null : "AKID", azure ? null : "secret", null, "ext-1", "acct", null, null,
                                false)));
                assertEquals("external-id", external.field(), provider + ": " + external.line());
                assertFalse(external.line().contains("\n"), external.line());
            }
            assertTrue(cp.listConnections().isEmpty());
            assertEquals(before, state(), "nothing stored");
        }
    }
}
