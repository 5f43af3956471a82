package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStores;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.azure.AzuriteServer;
import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.gateway.state.FieldException;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Azure Blob connection through the control plane, against Azurite (a real Blob service): wrong keys are refused
 * naming the field, a read-write connection's mount writes native blobs, a read-only one's mount reads and refuses
 * writes, and no account key reaches the state file. The same with an account SAS instead of the key (a SAS signed
 * with another key is refused naming {@code sas}; a read-and-list SAS passes the read checks and fails the write
 * ones), and no SAS reaches the state file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AzureConnectionTest {

    private static final String WRONG_KEY = java.util.Base64.getEncoder()
            .encodeToString("not the key of this account, 64 bytes long, for the test..".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private static Requests.Connection azure(String name, AzuriteServer az, String container, String key,
                                             boolean readWrite) {
        return new Requests.Connection(name, "azure", container, null, az.endpoint(), null, null, null, null, null,
                az.account(), key, null, readWrite);
    }

    /** Writes {@code text} to {@code name} through the mount, syncs it and returns the blob {@code key}. */
    private static String writeAndRead(Gateway g, ControlPlane cp, String mount, String name, String text,
                                       AzuriteServer az, String container, String key) throws Exception {
        Vfs v = g.vfs().mount(mount);
        Entry f = v.create(Caller.ROOT, v.root(), name, CreateMode.GUARDED, SetAttr.NONE, 0);
        v.write(Caller.ROOT, f.handle(), 0, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                Stability.FILE_SYNC);
        cp.sync(new Requests.Sync(mount, 60));
        try (ObjectStore st = ObjectStores.open(az.spec(container), BackendSettings.DEFAULT);
             ObjectContent c = st.get(key, GetOptions.NONE)) {
            return new String(c.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAzureContainerIsConnectedMountedWrittenAndRead() throws Exception {
        try (AzuriteServer az = AzuriteServer.start();
             Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String container = az.createContainer();
            try (ObjectStore st = ObjectStores.open(az.spec(container), BackendSettings.DEFAULT)) {
                st.put("existing.txt", Payload.ofBytes("from azure\n".getBytes(StandardCharsets.UTF_8)),
                        PutOptions.NONE);
            }
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            FieldException wrong = assertThrows(FieldException.class,
                    () -> cp.createConnection(azure("bad", az, container, WRONG_KEY, true)));
            assertEquals("account-key", wrong.field(), wrong.getMessage());
            assertTrue(cp.listConnections().isEmpty(), "a refused connection is not kept");

            cp.createConnection(azure("az", az, container, az.key(), true));
            cp.createConnection(azure("azro", az, container, az.key(), false));
            Map<String, Object> tested = cp.testConnection("az", true);
            assertTrue(tested.toString().contains("read-write"), tested.toString());
            cp.createMount(new Requests.Mount("rw", "az", null, "rw/", "nfs", null, null, null, null,
                    null, null, null));
            cp.createMount(new Requests.Mount("ro", "azro", null, null, "nfs", null, null, null, null,
                    null, null, null));

            Vfs ro = g.vfs().mount("ro");
            assertEquals(11, ro.lookup(Caller.ROOT, ro.root(), "existing.txt").attr().size());
            VfsException refused = assertThrows(VfsException.class,
                    () -> ro.create(Caller.ROOT, ro.root(), "nope.txt", CreateMode.GUARDED, SetAttr.NONE, 0));
            assertEquals(VfsStatus.READ_ONLY, refused.status());

            assertEquals("written here\n", writeAndRead(g, cp, "rw", "hello.txt", "written here\n", az,
                    container, "rw/hello.txt"));
            String state = Files.readString(dir.resolve("data").resolve("gateway-state.json"));
            assertFalse(state.contains(az.key()), "the account key is sealed in the state file");
        }
    }

    private static Requests.Connection azureSas(String name, AzuriteServer az, String container, String sas,
                                                boolean readWrite) {
        return new Requests.Connection(name, "azure", container, null, az.endpoint(), null, null, null, null, null,
                az.account(), null, sas, readWrite);
    }

    @Test
    void anAzureContainerIsConnectedWithAnAccountSas() throws Exception {
        try (AzuriteServer az = AzuriteServer.start();
             Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            String container = az.createContainer();
            String sas = az.accountSas("rwdlac");
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            String forged = sas.replaceAll("sig=[^&]+", "sig=" + java.net.URLEncoder.encode(WRONG_KEY,
                    StandardCharsets.UTF_8));
            FieldException wrong = assertThrows(FieldException.class,
                    () -> cp.createConnection(azureSas("bad", az, container, forged, true)));
            assertEquals("sas", wrong.field(), wrong.getMessage());

            cp.createConnection(azureSas("sas", az, container, "?" + sas, true));
            Map<String, Object> tested = cp.testConnection("sas", true);
            assertEquals(true, tested.get("ok"), tested.toString());
            assertEquals("read-write", tested.get("allows"), tested.toString());
            cp.createMount(new Requests.Mount("m", "sas", null, null, "nfs", null, null, null, null,
                    null, null, null));
            assertEquals("through a SAS\n", writeAndRead(g, cp, "m", "via-sas.txt", "through a SAS\n", az,
                    container, "via-sas.txt"));

            cp.createConnection(azureSas("readsas", az, container, az.accountSas("rl"), true));
            Map<String, Object> readOnly = cp.testConnection("readsas", true);
            assertEquals(false, readOnly.get("ok"), readOnly.toString());
            assertEquals("read-only (writes refused)", readOnly.get("allows"), readOnly.toString());

            String state = Files.readString(dir.resolve("data").resolve("gateway-state.json"));
            String sig = sas.replaceAll(".*sig=([^&]+).*", "$1");
            assertFalse(state.contains(sig) || state.contains(java.net.URLDecoder.decode(sig, StandardCharsets.UTF_8)),
                    "the SAS is sealed in the state file");
        }
    }
}
