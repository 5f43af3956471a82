package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's smbclient and rpcclient (samba 4.17; tests/setup installs them) against the server on the local store:
 * SMB 3.1.1 with and without encryption (put/get of {@link #BYTES} with checksums, rename, mkdir/rmdir, ls,
 * allinfo) and share browsing over IPC$ srvsvc.
 */
class SmbclientTest {
    /** Bytes of the put/get round trip: system property {@code bucketfs.test.smbclientBytes}, 100 MiB by default. */
    static final int BYTES = Integer.getInteger("bucketfs.test.smbclientBytes", 100 << 20);

    @TempDir
    Path tmp;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/smbclient")), "smbclient not installed (tests/setup)");
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Runs smbclient with a command string; returns stdout; fails with stderr on a non-zero exit. */
    private String smbclient(boolean encrypt, String commands) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("smbclient", "//127.0.0.1/default", "-p",
                String.valueOf(fixture.port()), "-U", SmbFixture.USER + "%" + SmbFixture.PASSWORD, "-m", "SMB3",
                "--option=client max protocol=SMB3_11", "--option=client min protocol=SMB2_02"));
        if (encrypt) {
            cmd.add("--client-protection=encrypt");
        }
        cmd.add("-c");
        cmd.add(commands);
        return run(cmd);
    }

    /** Runs a Samba client; returns stdout; fails with stderr on a non-zero exit. */
    private String run(List<String> cmd) throws Exception {
        Path out = tmp.resolve("smbclient.out");
        Path err = tmp.resolve("smbclient.err");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd.get(0) + " timed out: " + Files.readString(err) + Files.readString(out));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> cmd.get(0) + " failed: " + stdout + readQuietly(err));
        return stdout;
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void roundTrip(boolean encrypt) throws Exception {
        byte[] data = new byte[BYTES];
        new Random(7).nextBytes(data);
        Files.write(tmp.resolve("in.bin"), data);
        // smbclient -c goes on after a failed command and exits 0: every step is checked by what it printed
        String ls = smbclient(encrypt, "mkdir d; put in.bin d\\a.bin; rename d\\a.bin d\\b.bin; get d\\b.bin out.bin;"
                + " ls d\\*; allinfo d\\b.bin; mkdir e; ls");
        assertArrayEquals(SmbjClientTestBase.sha256(data), SmbjClientTestBase.sha256(
                Files.readAllBytes(tmp.resolve("out.bin"))));
        assertTrue(ls.matches("(?s).*\\n\\s+b\\.bin\\s+A?N?\\s+" + BYTES + "\\s.*"), ls);
        assertTrue(!ls.matches("(?s).*\\n\\s+a\\.bin\\s.*"), ls);
        // allinfo stops at its first failed query (the 8.3 name first), so every line below proves a query
        assertTrue(ls.contains("altname: "), ls);
        assertTrue(ls.contains("create_time:"), ls);
        assertTrue(ls.contains("stream: [::$DATA], " + BYTES + " bytes"), ls);
        assertTrue(ls.matches("(?s).*\\n\\s+e\\s+D\\s.*"), ls);
        ls = smbclient(encrypt, "rmdir e; del d\\b.bin; rmdir d; ls");
        assertTrue(!ls.matches("(?s).*\\n\\s+[de]\\s+D\\s.*"), ls);
    }

    @Test
    @Timeout(300)
    void putGetRenameMkdirRmdirLs() throws Exception {
        roundTrip(false);
    }

    @Test
    @Timeout(300)
    void encrypted() throws Exception {
        roundTrip(true);
    }

    /** {@code smbclient -L}: NetShareEnumAll level 1 over IPC$ srvsvc, with and without encryption. */
    @Test
    @Timeout(60)
    void listShares() throws Exception {
        for (boolean encrypt : new boolean[] {false, true}) {
            List<String> cmd = new ArrayList<>(List.of("smbclient", "-L", "//127.0.0.1", "-p",
                    String.valueOf(fixture.port()), "-U", SmbFixture.USER + "%" + SmbFixture.PASSWORD, "-m", "SMB3",
                    "--option=client max protocol=SMB3_11"));
            if (encrypt) {
                cmd.add("--client-protection=encrypt");
            }
            String out = run(cmd);
            assertTrue(out.matches("(?s).*\\n\\s*default\\s+Disk\\s.*"), out);
            assertTrue(out.matches("(?s).*\\n\\s*IPC\\$\\s+IPC\\s+Remote IPC.*"), out);
        }
    }

    /** rpcclient's srvsvc commands: share enumeration at several levels, share and server info. */
    @Test
    @Timeout(60)
    void rpcclient() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/rpcclient")), "rpcclient not installed (tests/setup)");
        String out = run(List.of("rpcclient", "//127.0.0.1", "--port", String.valueOf(fixture.port()), "-U",
                SmbFixture.USER + "%" + SmbFixture.PASSWORD, "-m", "SMB3", "-c",
                "netshareenumall 1; netshareenumall 2; netshareenumall 502; netsharegetinfo default 2;"
                        + " netsharegetinfo IPC$ 1; netsharegetinfo default 1005; srvinfo"));
        assertTrue(out.contains("netname: default"), out);
        assertTrue(out.contains("netname: IPC$"), out);
        assertTrue(out.contains("remark:\tRemote IPC") || out.contains("remark: Remote IPC"), out);
        assertTrue(out.contains("path:\tC:\\default") || out.contains("path: C:\\default"), out);
        assertTrue(out.contains("BUCKETFS"), out);
    }

    /**
     * smbtorture's rpc.srvsvc over ncacn_np: the share and server operations we serve pass; the session, file,
     * connection, device and transport enumerations (not served: fault op_rng_error) and the anonymous tests
     * (no guest logon) are not checked.
     */
    @Test
    @Timeout(120)
    void smbtortureRpcSrvsvc() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/smbtorture")), "smbtorture not installed (tests/setup)");
        List<String> cmd = List.of("smbtorture", "ncacn_np:127.0.0.1", "-p", String.valueOf(fixture.port()), "-U",
                SmbFixture.USER + "%" + SmbFixture.PASSWORD, "rpc.srvsvc");
        Path out = tmp.resolve("smbtorture.out");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("smbtorture timed out: " + Files.readString(out));
        }
        String log = Files.readString(out);
        for (String test : List.of("NetShareEnumAll", "NetShareEnum", "NetShareGetInfo", "NetSrvGetInfo",
                "NetRemoteTOD", "NetNameValidate")) {
            assertTrue(log.contains("success: srvsvc (admin access)." + test + "\n"), test + ":\n" + log);
        }
    }
}
