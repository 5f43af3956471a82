package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.state.BucketRecord;
import io.bucketfs.gateway.state.ConnectionRecord;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.gateway.state.GatewayState;
import io.bucketfs.gateway.state.MountRecord;
import io.bucketfs.gateway.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StateStoreTest {

    private static final String T = "2026-11-22T00:00:00Z";

    @TempDir
    Path dir;

    static ConnectionRecord conn(String name) {
        return new ConnectionRecord(name, "s3-compatible", "b", null, "http://127.0.0.1:9000", true, "AKIA1234",
                "vault:v1:AAAA", null, null, null, null, null, false, T);
    }

    static MountRecord mount(String name, int id, String connection, String bucket) {
        return new MountRecord(name, id, connection, bucket, "", "nfs", 1L << 30, false, "local", List.of(), List.of(), T, null);
    }

    @Test
    void noFileIsTheEmptyStateAndAChangeSurvivesAReopen() throws Exception {
        StateStore s = StateStore.open(dir);
        assertEquals(GatewayState.EMPTY, s.get());
        s.update(x -> x.withConnection(conn("c1")).withBucket(new BucketRecord("data", T)));
        s.update(x -> x.withMount(mount("m1", x.nextExportId(), "c1", null)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file())));
        assertFalse(Files.exists(dir.resolve(StateStore.FILE + ".tmp")));
        GatewayState back = StateStore.open(dir).get();
        assertEquals(s.get(), back);
        assertEquals(GatewayState.FIRST_EXPORT_ID + 1, back.nextExportId());
    }

    @Test
    void exportIdsAreNeverReused() throws Exception {
        StateStore s = StateStore.open(dir);
        s.update(x -> x.withBucket(new BucketRecord("data", T)));
        s.update(x -> x.withMount(mount("m1", x.nextExportId(), null, "data")));
        s.update(x -> x.withoutMount("m1"));
        s.update(x -> x.withMount(mount("m1", x.nextExportId(), null, "data")));
        assertEquals(GatewayState.FIRST_EXPORT_ID + 1, s.get().mount("m1").orElseThrow().exportId());
    }

    @Test
    void aChangeThatDoesNotValidateChangesNothing() throws Exception {
        StateStore s = StateStore.open(dir);
        s.update(x -> x.withConnection(conn("c1")));
        byte[] before = Files.readAllBytes(s.file());
        FieldException e = assertThrows(FieldException.class, () -> s.update(x -> x.withConnection(conn("c1"))));
        assertEquals("connections[1].name", e.field());
        e = assertThrows(FieldException.class, () -> s.update(x -> x.withMount(mount("m", x.nextExportId(),
                "nope", null))));
        assertEquals("mounts[0].connection", e.field());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(s.file())));
        assertEquals(1, s.get().connections().size());
    }

    @Test
    void aBadFileIsRefusedNamingTheField() throws Exception {
        StateStore s = StateStore.open(dir);
        s.update(x -> x.withBucket(new BucketRecord("data", T)));
        s.update(x -> x.withMount(mount("m1", x.nextExportId(), null, "data")));
        String good = Files.readString(s.file());

        assertEquals("mounts[0].cache-size", refusal(good.replace("\"cache-size\" : 1073741824",
                "\"cache-size\" : 0")).field());
        assertEquals("mounts[0].cache-size", refusal(good.replace("\"cache-size\" : 1073741824",
                "\"cache-size\" : \"lots\"")).field());
        assertEquals("mounts[0].colour", refusal(good.replace("\"prefix\"", "\"colour\" : \"red\", \"prefix\""))
                .field());
        assertEquals("mounts[0].protocol", refusal(good.replace("\"nfs\"", "\"ftp\"")).field());
        assertEquals("mounts[0].nfs-clients[0]", refusal(good.replace("\"nfs-clients\" : [ ]",
                "\"nfs-clients\" : [ \"10.0.0.0/33\" ]")).field());
        assertEquals("version", refusal(good.replace("\"version\" : 1", "\"version\" : 2")).field());
        assertEquals("mounts[0].bucket", refusal(good.replace("\"name\" : \"data\"", "\"name\" : \"other\""))
                .field());
        assertEquals("(document)", refusal("{ truncated").field());
        // the gateway refuses to start on such a file, and leaves it as it is
        Files.writeString(s.file(), good.replace("\"version\" : 1", "\"version\" : 7"));
        FieldException e = assertThrows(FieldException.class, () -> StateStore.open(dir));
        assertTrue(e.line().startsWith("version: 7 is newer"), e.line());
    }

    private FieldException refusal(String json) {
        return assertThrows(FieldException.class, () -> StateStore.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unsealedSecretsAreRefused() {
        ConnectionRecord c = conn("c1");
        ConnectionRecord plain = new ConnectionRecord("c1", c.provider(), c.bucket(), null, c.endpoint(), true,
                c.accessKey(), "plaintext-secret", null, null, null, null, null, false, T);
        FieldException e = assertThrows(FieldException.class, () -> GatewayState.EMPTY.withConnection(plain)
                .validate());
        assertEquals("connections[0].secret-key", e.field());
        assertFalse(e.getMessage().contains("plaintext-secret"));
    }

    @Test
    void aLeftoverTemporaryFileIsAChangeThatNeverHappened() throws Exception {
        StateStore s = StateStore.open(dir);
        s.update(x -> x.withBucket(new BucketRecord("data", T)));
        Files.writeString(dir.resolve(StateStore.FILE + ".tmp"), "{ half a wri");
        assertEquals(s.get(), StateStore.open(dir).get());
        assertFalse(Files.exists(dir.resolve(StateStore.FILE + ".tmp")));
    }
}
