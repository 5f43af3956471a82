package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.gateway.cli.BucketfsCommand;
import io.bucketfs.gateway.cli.CliException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GatewayTest {

    @TempDir
    Path dir;

    @Test
    void startsOnTheEmbeddedDefaultAndKeepsDataAcrossRestarts() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        try (Gateway g = Gateway.start(cfg)) {
            assertTrue(Files.isDirectory(cfg.cacheDir()));
            assertTrue(Files.isDirectory(cfg.bucketsDir().resolve(GatewayConfig.DEFAULT_BUCKET)));
            g.defaultBucket().put("hello.txt", Payload.ofBytes("hi".getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
        }
        try (Gateway g = Gateway.start(cfg); ObjectContent c = g.defaultBucket().get("hello.txt", GetOptions.NONE)) {
            assertEquals("hi", new String(c.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aStopUploadsWhatIsStaged() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        byte[] content = "written just before the stop".getBytes(StandardCharsets.UTF_8);
        try (Gateway g = Gateway.start(cfg)) {
            io.bucketfs.vfs.Vfs vfs = g.vfs().mount(GatewayConfig.DEFAULT_BUCKET);
            io.bucketfs.vfs.Entry f = vfs.create(io.bucketfs.vfs.Caller.ROOT, vfs.root(), "late.txt",
                    io.bucketfs.vfs.CreateMode.GUARDED, io.bucketfs.vfs.SetAttr.NONE, 0);
            vfs.write(io.bucketfs.vfs.Caller.ROOT, f.handle(), 0, java.nio.ByteBuffer.wrap(content),
                    io.bucketfs.vfs.Stability.FILE_SYNC);
        } // close: the frontends stop, then the staged write is uploaded
        try (io.bucketfs.backends.ObjectStore bucket = io.bucketfs.backends.local.LocalDirectoryStore.create(
                cfg.bucketsDir().resolve(GatewayConfig.DEFAULT_BUCKET));
             ObjectContent c = bucket.get("late.txt", GetOptions.NONE)) {
            assertEquals(new String(content, StandardCharsets.UTF_8),
                    new String(c.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void smbServesTheDefaultMountForTheGeneratedUserAndATakenPortIsAnIoException() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir.resolve("data"), null);
        int port;
        try (Gateway g = Gateway.start(cfg)) {
            io.bucketfs.smb.server.SmbServer smb = g.startSmb("127.0.0.1", 0,
                    io.bucketfs.smb.server.SmbSettings.DEFAULTS);
            port = smb.port();
            assertTrue(port > 0);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cfg.smbPasswordFile())));
            assertThrows(IllegalStateException.class, () -> g.startSmb("127.0.0.1", 0,
                    io.bucketfs.smb.server.SmbSettings.DEFAULTS));
            try (Gateway other = Gateway.start(new GatewayConfig(dir.resolve("other"), null))) {
                java.io.IOException e = assertThrows(java.io.IOException.class, () -> other.startSmb("127.0.0.1",
                        smb.port(), io.bucketfs.smb.server.SmbSettings.DEFAULTS));
                assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + smb.port() + ": "),
                        e.getMessage());
            }
        }
        // closed with the gateway: the port is free again
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void anEncryptedShareMustBeAMount() throws Exception {
        try (Gateway g = Gateway.start(new GatewayConfig(dir.resolve("data"), null))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.startSmb("127.0.0.1",
                    0, io.bucketfs.smb.server.SmbSettings.DEFAULTS, g.defaultSmbUsers(), java.util.Set.of("nope")));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
            assertTrue(g.startSmb("127.0.0.1", 0, io.bucketfs.smb.server.SmbSettings.DEFAULTS, g.defaultSmbUsers(),
                    java.util.Set.of("default")).port() > 0);
        }
    }

    @Test
    void oneGatewayPerDataDirectory() throws Exception {
        GatewayConfig cfg = new GatewayConfig(dir, dir.resolve("nvme"));
        try (Gateway first = Gateway.start(cfg)) {
            CliException e = assertThrows(CliException.class, () -> Gateway.start(cfg));
            assertTrue(e.getMessage().startsWith("data-dir: "), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertTrue(Files.isDirectory(dir.resolve("nvme")));
        }
        Gateway.start(cfg).close(); // released on close
    }

    @Test
    void argumentMistakesGetOneLineNamingTheOptionAndExitCode2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BucketfsCommand.run(new String[] {"serve", "--no-such-option"}, new PrintStream(out),
                new PrintStream(err));
        assertEquals(2, rc);
        String msg = err.toString(StandardCharsets.UTF_8).trim();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        assertTrue(msg.contains("--no-such-option") && msg.contains("bucketfs serve --help"), msg);

        err.reset();
        assertEquals(2, BucketfsCommand.run(new String[] {"frobnicate"}, new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("frobnicate"));
    }

    @Test
    void smbLimitsOutOfRangeAreRefusedBeforeAnythingStarts() {
        for (String[] bad : new String[][] {{"--smb-max-io", "16MiB"}, {"--smb-workers", "0"},
            {"--smb-max-credits", "1"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = BucketfsCommand.run(new String[] {"serve", "--data-dir", "/nonexistent/never", bad[0], bad[1]},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(rc != 0 && msg.contains("smb limits"), rc + " " + msg);
        }
    }

    @Test
    void helpWorksEverywhere() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, BucketfsCommand.run(new String[] {"serve", "--help"}, new PrintStream(out), System.err));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--data-dir") && help.contains("--cache-dir"), help);
        out.reset();
        assertEquals(0, BucketfsCommand.run(new String[] {"--help"}, new PrintStream(out), System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("serve"));
        for (String cmd : new String[] {"connections", "connections create", "connections list", "connections show",
            "connections delete", "connections test", "buckets", "buckets create", "buckets list", "buckets delete",
            "users", "users add", "users list", "users delete", "users passwd", "mount", "mount create", "mount list",
            "mount show", "mount delete", "sync"}) {
            out.reset();
            String[] args = (cmd + " --help").split(" ");
            assertEquals(0, BucketfsCommand.run(args, new PrintStream(out), System.err), cmd);
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("Usage: bucketfs " + cmd), text);
            assertTrue(cmd.indexOf(' ') < 0 || text.contains("--data-dir") && text.contains("--output"), text);
        }
    }
}
