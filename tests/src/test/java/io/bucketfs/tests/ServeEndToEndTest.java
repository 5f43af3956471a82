package io.bucketfs.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bucketfs serve} as users run it: the built distribution in a process of its own, its log, a second
 * gateway on the same data directory, and SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeEndToEndTest {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    private Process serve(Path log, String... extra) throws IOException {
        Path jar = Path.of(System.getProperty("bucketfs.dist", "../gateway/target")).resolve("bucketfs-gateway.jar");
        assertTrue(Files.isRegularFile(jar), "the gateway distribution is built first: " + jar);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--data-dir", dir.resolve("data").toString(),
                "--admin-port", "0")); // a free port: 7070 may be taken on the test machine
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private static void awaitLine(Path log, String needle, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(needle)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("gateway exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + needle + "' in the log within 60 s:\n" + Files.readString(log));
    }

    @Test
    void servesTheEmbeddedDefaultRefusesASecondGatewayAndStopsOnSigterm() throws Exception {
        Path log1 = dir.resolve("first.log");
        Process first = serve(log1, NFS);
        awaitLine(log1, "bucketfs gateway running", first);
        String startup = Files.readString(log1);
        assertTrue(startup.contains("default bucket local:" + dir.resolve("data/buckets/default")), startup);
        int port = nfsPort(startup);
        assertTrue(startup.contains("exports: [/default]"), startup);
        assertTrue(startup.contains("SMB listening on 127.0.0.1:"), startup);
        Path password = dir.resolve("data/smb-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));
        String secret = Files.readString(password).trim();
        assertTrue(secret.matches("[A-Za-z0-9_-]{20,}"), "a long URL-safe password");
        assertTrue(startup.contains("SMB user bucketfs: password generated in " + password), startup);
        assertFalse(startup.contains(secret), "the log never shows the password");
        assertTrue(Files.isDirectory(dir.resolve("data/cache")));
        if (Files.isExecutable(Path.of("/usr/bin/nfs-ls"))) {
            Process ls = new ProcessBuilder("nfs-ls", "nfs://127.0.0.1/?version=4&nfsport=" + port)
                    .redirectErrorStream(true).start();
            String out = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ls.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.lines().anyMatch(l -> l.endsWith(" default")), "the pseudo root lists /default: " + out);
        }

        Path log2 = dir.resolve("second.log");
        Process second = serve(log2, NFS);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, second.exitValue());
        String refusal = Files.readString(log2).trim();
        assertEquals(1, refusal.lines().count(), "one line: " + refusal);
        assertTrue(refusal.contains("data-dir") && refusal.contains("in use by another gateway (pid "
                + first.pid() + ")"), refusal);

        first.destroy(); // SIGTERM
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
        assertTrue(Files.readString(log1).contains("stopping"));

        Path log3 = dir.resolve("third.log");
        Process third = serve(log3, NFS);
        awaitLine(log3, "bucketfs gateway running", third);
        assertEquals(secret, Files.readString(password).trim(), "a restart reuses the password");
        assertTrue(Files.readString(log3).contains("SMB user bucketfs: password in " + password));
        third.destroy();
        assertTrue(third.waitFor(30, TimeUnit.SECONDS));
    }

    /** Loopback, ephemeral NFS and SMB ports, no grace period. */
    private static final String[] NFS = {"--bind", "127.0.0.1", "--nfs-port", "0", "--nfs-grace", "0",
        "--smb-port", "0"};

    private static int smbPort(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SMB listening on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(log);
        assertTrue(m.find(), "one line per listening endpoint: " + log);
        return Integer.parseInt(m.group(1));
    }

    /** Runs {@code script} with bash in the test directory; returns its exit code, its output in {@code out}. */
    private int bash(String script, Path out) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + script + "\n" + Files.readString(out));
        }
        return p.exitValue();
    }

    @Test
    void smbclientPutsAndGetsWithTheGeneratedPasswordAndAWrongOneIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/smbclient")), "smbclient not installed (tests/setup)");
        Path log = dir.resolve("smb.log");
        Process p = serve(log, NFS);
        awaitLine(log, "bucketfs gateway running", p);
        int port = smbPort(Files.readString(log));
        byte[] x = new byte[5 << 20];
        new java.util.Random(5).nextBytes(x);
        Files.write(dir.resolve("X"), x);
        String smbclient = "smbclient //127.0.0.1/default -p " + port
                + " -m SMB3 --option='client max protocol=SMB3_11' ";

        Path out = dir.resolve("smbclient.out");
        int rc = bash(smbclient + "-U bucketfs%$(cat data/smb-password) -c 'put X y; get y Z; ls'", out);
        String listing = Files.readString(out);
        assertEquals(0, rc, listing);
        assertTrue(listing.lines().anyMatch(l -> l.trim().startsWith("y ") && l.contains(String.valueOf(x.length))),
                listing);
        assertEquals(sha256(x), sha256(Files.readAllBytes(dir.resolve("Z"))), "the round trip keeps every byte");

        Path refused = dir.resolve("refused.out");
        int wrong = bash(smbclient + "-U bucketfs%not-the-password -c ls", refused);
        assertNotEquals(0, wrong, Files.readString(refused));
        assertTrue(Files.readString(refused).contains("NT_STATUS_LOGON_FAILURE"), Files.readString(refused));

        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
        String stopped = Files.readString(log);
        assertFalse(stopped.contains(Files.readString(dir.resolve("data/smb-password")).trim()), stopped);
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aTakenSmbPortIsAOneLineErrorAndExitCode1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Path log = dir.resolve("taken-smb.log");
            Process p = serve(log, "--bind", "127.0.0.1", "--nfs-port", "0", "--nfs-grace", "0", "--smb-port",
                    String.valueOf(taken.getLocalPort()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            List<String> lines = Files.readString(log).trim().lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("bucketfs: smb-port: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("bucketfs: ")).count(), String.join("\n", lines));
        }
    }

    private static int nfsPort(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("NFS listening on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(log);
        assertTrue(m.find(), "one line per listening endpoint: " + log);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aTakenNfsPortIsAOneLineErrorAndExitCode1() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Path log = dir.resolve("taken.log");
            Process p = serve(log, "--bind", "127.0.0.1", "--nfs-port", String.valueOf(taken.getLocalPort()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            List<String> lines = Files.readString(log).trim().lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("bucketfs: nfs-port: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    String.join("\n", lines));
        }
    }

    @Test
    void aBadArgumentIsOneLineAndExitCode2() throws Exception {
        Path log = dir.resolve("bad.log");
        Process p = serve(log, "--cache-size", "lots");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String out = Files.readString(log).trim();
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("--cache-size"), out);
    }
}
