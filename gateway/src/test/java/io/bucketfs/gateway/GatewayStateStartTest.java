package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.StateStore;
import io.bucketfs.gateway.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a start does with the control plane's state: serves it, or refuses a bad one with the field at fault. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayStateStartTest {

    @TempDir
    Path dir;

    @Test
    void mountsComeBackAndABadStateOrVaultKeyStopsTheStartNamingWhy() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        try (Gateway g = Gateway.start(cfg)) {
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            cp.createBucket(new Requests.Bucket("data"));
            cp.createMount(new Requests.Mount("m", null, "data", "p/", "nfs", "2GiB", null, null, null,
                    null, null, null));
            // a connection to a closed port is refused naming the endpoint, and not stored
            io.bucketfs.gateway.state.FieldException refused = assertThrows(
                    io.bucketfs.gateway.state.FieldException.class, () -> cp.createConnection(new Requests.Connection(
                            "c", "minio", "b", null, "http://127.0.0.1:1", true, "id", "secret", null, null, null,
                            null, null, false)));
            assertEquals("endpoint", refused.field());
        }
        try (Gateway g = Gateway.start(cfg)) {
            assertNotNull(g.vfs().mount("m"));
            assertTrue(g.nfsExports("m"));
            assertEquals(2, g.nfsExports().byName("m").orElseThrow().id());
            assertEquals(0, g.state().get().connections().size());
        }
        Path state = cfg.dataDir().resolve(StateStore.FILE);
        String good = Files.readString(state);
        Files.writeString(state, good.replace("\"cache-size\" : 2147483648", "\"cache-size\" : 0"));
        CliException e = assertThrows(CliException.class, () -> Gateway.start(cfg));
        assertEquals("gateway-state.json: mounts[0].cache-size: must be more than 0", e.getMessage());
        Files.writeString(state, good);

        // a vault key that is not the one the secrets were sealed with
        try (Gateway g = Gateway.start(cfg)) {
            String sealed = g.vault().seal("connection/c/secret-key", "s3cr3t");
            g.state().update(s -> s.withConnection(new io.bucketfs.gateway.state.ConnectionRecord("c", "minio", "b",
                    null, "http://127.0.0.1:1", true, "id", sealed, null, null, null, null, null, true, "t"))
                    .withMount(new io.bucketfs.gateway.state.MountRecord("mc", s.nextExportId(), "c", null, "",
                            "nfs", 1L << 30, false, "local", java.util.List.of(), java.util.List.of(), "t", null)));
        }
        Files.delete(cfg.dataDir().resolve(Vault.KEY_FILE));
        Vault.openOrCreate(cfg.dataDir().resolve(Vault.KEY_FILE), new SecureRandom());
        e = assertThrows(CliException.class, () -> Gateway.start(cfg));
        assertTrue(e.getMessage().startsWith("mount mc: cannot be opened: connection/c/secret-key: cannot be opened "
                + "with the key in "), e.getMessage());
        assertTrue(!e.getMessage().contains("s3cr3t"));
        Gateway.start(new GatewayConfig(dir.resolve("other"), null)).close();
    }
}
