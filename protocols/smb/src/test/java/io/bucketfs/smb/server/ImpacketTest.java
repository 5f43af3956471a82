package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * impacket's SMBConnection (python3-impacket 0.10, which tests/setup installs; run by the system Python, not a
 * pyenv shim) drives tests/smb/impacket_check.py against the server for dialects 2.0.2, 2.1 and 3.0: login,
 * share listing through srvsvc, put/get with SHA-256, directories, rename, listing, deletes. A missing impacket
 * fails the test: it is a declared test dependency.
 */
class ImpacketTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    @TempDir
    Path tmp;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** tests/smb/impacket_check.py, found from the module directory up. */
    static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("tests/smb/impacket_check.py");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new AssertionError("tests/smb/impacket_check.py not found above " + Path.of("").toAbsolutePath());
    }

    private String run(List<String> cmd, int seconds) throws Exception {
        Path out = tmp.resolve("impacket.out");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " timed out: " + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), () -> cmd + " failed:\n" + output);
        return output;
    }

    @Test
    @Timeout(300)
    void impacketDialects202To30() throws Exception {
        assertTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 missing (tests/setup installs python3-impacket)");
        run(List.of(PYTHON.toString(), "-c", "import impacket.smbconnection"), 60);
        String out = run(List.of(PYTHON.toString(), script().toString(), "--port", String.valueOf(fixture.port()),
                "--user", SmbFixture.USER, "--password", SmbFixture.PASSWORD, "--dialects", "2.0.2,2.1,3.0"), 280);
        assertTrue(out.contains("impacket_check: all passed"), out);
        for (String d : List.of("2.0.2", "2.1", "3.0")) {
            assertTrue(out.contains(d + ": listShares ['default', 'IPC$']"), out);
            assertTrue(out.contains(d + ": putFile/getFile"), out);
        }
    }
}
