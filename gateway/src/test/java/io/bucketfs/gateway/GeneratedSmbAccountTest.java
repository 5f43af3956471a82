package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.control.ControlPlane;
import io.bucketfs.gateway.control.Requests;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import io.bucketfs.smb.ntlm.SmbUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated SMB account ({@value Gateway#DEFAULT_SMB_USER}) exists only while no SMB user is configured: the
 * first {@code users add} turns it off at once (its logon lookup finds nothing), the delete of the last user brings
 * it back with the same password, whose file stays as it was; {@code users list} says which. Real logons through
 * smbclient: {@code ControlPlaneEndToEndTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GeneratedSmbAccountTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratedAccountAdmitsLogonsOnlyWhileNoUserIsConfigured() throws Exception {
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            SmbUsers users = g.defaultSmbUsers();
            String password = Files.readString(g.config().smbPasswordFile()).strip();
            byte[] generated = NtlmCrypto.ntHash(password.toCharArray());
            assertArrayEquals(generated, users.lookup(Gateway.DEFAULT_SMB_USER).orElseThrow().ntHash());
            ControlPlane cp = new ControlPlane(g, Clock.systemUTC());
            assertEquals("yes", builtin(cp).get("logon"));

            cp.addUser(new Requests.User("alice", HexFormat.of().formatHex(NtlmCrypto.ntHash("pw-1".toCharArray()))));
            assertTrue(users.lookup(Gateway.DEFAULT_SMB_USER).isEmpty(), "off while alice is configured");
            assertTrue(users.lookup("BUCKETFS").isEmpty(), "in any case");
            assertTrue(users.lookup("alice").isPresent());
            assertEquals("no (while users are configured)", builtin(cp).get("logon"));
            cp.addUser(new Requests.User("bob", HexFormat.of().formatHex(NtlmCrypto.ntHash("pw-2".toCharArray()))));
            cp.deleteUser("alice");
            assertTrue(users.lookup(Gateway.DEFAULT_SMB_USER).isEmpty(), "bob is still configured");

            cp.deleteUser("bob");
            assertArrayEquals(generated, users.lookup(Gateway.DEFAULT_SMB_USER).orElseThrow().ntHash(),
                    "back, with the same password");
            assertEquals(password, Files.readString(g.config().smbPasswordFile()).strip());
            assertEquals("yes", builtin(cp).get("logon"));
        }
    }

    private static Map<String, Object> builtin(ControlPlane cp) {
        List<Map<String, Object>> all = cp.listUsers();
        assertEquals(Gateway.DEFAULT_SMB_USER, all.get(0).get("name"));
        return all.get(0);
    }
}
