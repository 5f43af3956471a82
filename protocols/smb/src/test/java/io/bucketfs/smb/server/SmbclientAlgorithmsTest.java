package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMB 3.1.1 negotiation of each signing algorithm (SIGNING_CAPABILITIES, [MS-SMB2] 2.2.3.1.7, AES-GMAC
 * included) and each cipher (ENCRYPTION_CAPABILITIES), with Debian's smbclient offering exactly one: the client
 * verifies every signature and decrypts every answer, so a round trip only works with the algorithm offered.
 */
@Timeout(120)
class SmbclientAlgorithmsTest {
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

    private void roundTrip(String protection, String option) throws Exception {
        byte[] data = new byte[300_000];
        new Random(11).nextBytes(data);
        Files.write(tmp.resolve("in.bin"), data);
        List<String> cmd = List.of("smbclient", "//127.0.0.1/default", "-p", String.valueOf(fixture.port()),
                "-U", SmbFixture.USER + "%" + SmbFixture.PASSWORD, "-m", "SMB3_11",
                "--option=client min protocol=SMB3_11", "--client-protection=" + protection, "--option=" + option,
                "-c", "put in.bin a.bin; get a.bin out.bin; del a.bin");
        Path out = tmp.resolve("smbclient.out");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), () -> readQuietly(out));
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("out.bin")), () -> readQuietly(out));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HMAC-SHA256", "AES-128-CMAC", "AES-128-GMAC"})
    void signsWithTheOnlyAlgorithmOffered(String algorithm) throws Exception {
        roundTrip("sign", "client smb3 signing algorithms=" + algorithm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"})
    void encryptsWithTheOnlyCipherOffered(String cipher) throws Exception {
        roundTrip("encrypt", "client smb3 encryption algorithms=" + cipher);
    }
}
