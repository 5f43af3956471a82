package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmbPasswordFileTest {

    @TempDir
    Path dir;

    @Test
    void generatesAnOwnerOnlyFileOnceAndReusesIt() throws Exception {
        Path file = dir.resolve("data").resolve(SmbPasswordFile.FILE);
        SmbPasswordFile.Loaded first = SmbPasswordFile.loadOrCreate(file, new SecureRandom());
        assertTrue(first.created());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(content.matches("[A-Za-z0-9_-]{" + SmbPasswordFile.LENGTH + "}\n"), content);
        assertArrayEquals(NtlmCrypto.ntHash(content.trim().toCharArray()), first.ntHash());
        assertFalse(Files.exists(dir.resolve("data").resolve(SmbPasswordFile.FILE + ".tmp")));

        SmbPasswordFile.Loaded second = SmbPasswordFile.loadOrCreate(file, new SecureRandom());
        assertFalse(second.created());
        assertArrayEquals(first.ntHash(), second.ntHash());
        assertEquals(content, Files.readString(file, StandardCharsets.US_ASCII), "never rewritten");
    }

    @Test
    void aPasswordTheOperatorWroteIsUsedAndAFileOthersCanReadIsNarrowed() throws Exception {
        Path file = dir.resolve(SmbPasswordFile.FILE);
        Files.writeString(file, "Chosen-By-Hand\r\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SmbPasswordFile.Loaded l = SmbPasswordFile.loadOrCreate(file, new SecureRandom());
        assertFalse(l.created());
        assertArrayEquals(NtlmCrypto.ntHash("Chosen-By-Hand".toCharArray()), l.ntHash());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void anEmptyFileIsAOneLineErrorNamingIt() throws Exception {
        Path file = dir.resolve(SmbPasswordFile.FILE);
        Files.writeString(file, "\n");
        CliException e = assertThrows(CliException.class, () -> SmbPasswordFile.loadOrCreate(file,
                new SecureRandom()));
        assertTrue(e.getMessage().startsWith("smb-password: " + file + " is empty"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void passwordsAreRandomAndUrlSafe() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String pw = new String(SmbPasswordFile.generate(random));
            assertEquals(SmbPasswordFile.LENGTH, pw.length());
            assertTrue(pw.matches("[A-Za-z0-9_-]+"), pw);
            assertTrue(seen.add(pw));
        }
        assertNotEquals(1, seen.size());
    }
}
