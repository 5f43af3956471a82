package io.bucketfs.gateway.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.daemon.DaemonContext;
import org.apache.commons.daemon.DaemonController;
import org.apache.commons.daemon.DaemonInitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service entry as jsvc drives it: init binds the ports (nothing else), start serves NFS and SMB on those very
 * sockets (real clients: libnfs {@code nfs-ls}, smbclient), stop and destroy let them go; bad settings fail init
 * with one line naming the key; {@code smb-encrypt=true} makes every SMB session encrypt (2.1 is refused).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayDaemonTest {

    @TempDir
    Path dir;

    private static DaemonContext context(String... args) {
        return new DaemonContext() {
            @Override
            public DaemonController getController() {
                return null;
            }

            @Override
            public String[] getArguments() {
                return args;
            }
        };
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", command) + ": " + out);
        }
        return p.exitValue();
    }

    @Test
    void initBindsStartServesStopReleases() throws Exception {
        int nfs = freePort();
        int smb = freePort();
        Path conf = dir.resolve("gateway.conf");
        Files.writeString(conf, "data-dir=" + dir.resolve("data") + "\nbind=127.0.0.1\nnfs-port=" + nfs
                + "\nnfs-grace=0\nsmb-port=" + smb + "\nadmin-port=0\n");
        GatewayDaemon d = new GatewayDaemon();
        d.init(context("--config", conf.toString()));
        assertTrue(Files.notExists(dir.resolve("data")), "init touches nothing but the sockets");
        d.start();
        try {
            assertEquals(0, run("nfs-ls", "nfs://127.0.0.1/default/?version=3&nfsport=" + nfs + "&mountport=" + nfs));
            String password = Files.readString(dir.resolve("data").resolve("smb-password")).trim();
            assertEquals(0, run("smbclient", "//127.0.0.1/default", "-p", Integer.toString(smb), "-U",
                    "bucketfs%" + password, "-m", "SMB3", "-c", "ls"));
        } finally {
            d.stop();
            d.destroy();
        }
        assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", nfs), 2000));
    }

    @Test
    void smbEncryptionIsConfigured() throws Exception {
        Path conf = dir.resolve("enc.conf");
        Files.writeString(conf, "data-dir=" + dir + "\n");
        DaemonConfig plain = DaemonConfig.parse(new String[] {"--config", conf.toString()}, java.util.Map.of());
        assertFalse(plain.smbSettings().encryptData());
        assertEquals(java.util.Set.of(), plain.smbEncryptShares());
        Files.writeString(conf, "data-dir=" + dir + "\nsmb-encrypt=true\nsmb-encrypt-shares=default, finance\n");
        DaemonConfig enc = DaemonConfig.parse(new String[] {"--config", conf.toString()}, java.util.Map.of());
        assertTrue(enc.smbSettings().encryptData(), "every session encrypts");
        assertEquals(java.util.Set.of("default", "finance"), enc.smbEncryptShares());
        Files.writeString(conf, "data-dir=" + dir + "\nsmb-encrypt=yes\n");
        DaemonInitException e = assertThrows(DaemonInitException.class,
                () -> new GatewayDaemon().init(context("--config", conf.toString())));
        assertEquals("bucketfs: smb-encrypt: 'yes' is not true or false", e.getMessage());

        int nfs = freePort();
        int smb = freePort();
        Files.writeString(conf, "data-dir=" + dir.resolve("data") + "\nbind=127.0.0.1\nnfs-port=" + nfs
                + "\nnfs-grace=0\nsmb-port=" + smb + "\nadmin-port=0\nsmb-encrypt=true\n");
        GatewayDaemon d = new GatewayDaemon();
        d.init(context("--config", conf.toString()));
        d.start();
        try {
            String user = "bucketfs%" + Files.readString(dir.resolve("data").resolve("smb-password")).trim();
            assertEquals(0, run("smbclient", "//127.0.0.1/default", "-p", Integer.toString(smb), "-U", user, "-m",
                    "SMB3", "-c", "ls"), "SMB 3 encrypts, as the server requires");
            assertNotEquals(0, run("smbclient", "//127.0.0.1/default", "-p", Integer.toString(smb), "-U", user,
                    "-m", "SMB2", "-c", "ls"), "SMB 2.1 cannot encrypt: refused");
        } finally {
            d.stop();
            d.destroy();
        }
    }

    @Test
    void badSettingsFailInitWithTheKey() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "data-dir=" + dir + "\nnfs-port=99999\n");
        DaemonInitException e = assertThrows(DaemonInitException.class,
                () -> new GatewayDaemon().init(context("--config", conf.toString())));
        assertTrue(e.getMessage().startsWith("bucketfs: nfs-port: '99999'"), e.getMessage());
        Files.writeString(conf, "data-dir=" + dir + "\nnfs-prot=2049\n");
        e = assertThrows(DaemonInitException.class, () -> new GatewayDaemon().init(context("--config",
                conf.toString())));
        assertTrue(e.getMessage().contains("unknown key 'nfs-prot'"), e.getMessage());
        e = assertThrows(DaemonInitException.class, () -> new GatewayDaemon().init(context()));
        assertTrue(e.getMessage().contains("--config FILE is required"), e.getMessage());
    }

    @Test
    void theCacheDiskUnitsEnvironmentWins() throws Exception {
        Path conf = dir.resolve("gateway.conf");
        Files.writeString(conf, "data-dir=/var/lib/bucketfs\ncache-dir=/srv/cache\ncache-size=1GiB\n");
        DaemonConfig c = DaemonConfig.parse(new String[] {"--config", conf.toString()},
                Map.of("BUCKETFS_CACHE_DIR", "/var/cache/bucketfs", "BUCKETFS_CACHE_SIZE", "107374182400"));
        assertEquals(Path.of("/var/cache/bucketfs"), c.cacheDir());
        assertEquals(100L << 30, c.cacheSize());
        assertEquals(2049, c.nfsPort());
        assertEquals(445, c.smbPort());
        assertEquals(io.bucketfs.nfs.export.ExportRules.DEFAULT, c.exportRules(), "private networks, root squashed");
    }

    @Test
    void theDefaultExportsClientsAndRootSquashAreSettings() throws Exception {
        Path conf = dir.resolve("gateway.conf");
        Files.writeString(conf, "data-dir=/var/lib/bucketfs\nnfs-clients=10.1.0.0/16, 192.168.5.5\n"
                + "nfs-root-squash=false\n");
        DaemonConfig c = DaemonConfig.parse(new String[] {"--config", conf.toString()}, Map.of());
        assertEquals(java.util.List.of(io.bucketfs.nfs.export.Cidr.parse("10.1.0.0/16"),
                io.bucketfs.nfs.export.Cidr.parse("192.168.5.5")), c.exportRules().clients());
        assertFalse(c.exportRules().rootSquash());
        Files.writeString(conf, "data-dir=/var/lib/bucketfs\nnfs-root-squash=no\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonConfig.parse(new String[] {"--config", conf.toString()}, Map.of()));
        assertTrue(e.getMessage().startsWith("nfs-root-squash: "), e.getMessage());
        Files.writeString(conf, "data-dir=/var/lib/bucketfs\nnfs-clients=10.0.0.0/99\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> DaemonConfig.parse(new String[] {"--config", conf.toString()}, Map.of()));
        assertTrue(e.getMessage().startsWith("nfs-clients: "), e.getMessage());
    }
}
