package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.gateway.vault.Vault;
import io.bucketfs.gateway.vault.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VaultTest {

    @TempDir
    Path dir;

    @Test
    void sealsAndOpensAndTheKeyFileIsMadeOwnerOnly() throws Exception {
        Vault v = Vault.openOrCreate(dir.resolve("vault.key"), new SecureRandom());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(v.keyFile())));
        String sealed = v.seal("connection/c/secret-key", "wJalrXUtnFEMI/K7MDENG");
        assertTrue(sealed.startsWith(Vault.PREFIX));
        assertFalse(sealed.contains("wJalr"));
        assertNotEquals(sealed, v.seal("connection/c/secret-key", "wJalrXUtnFEMI/K7MDENG"), "a fresh nonce each time");
        assertEquals("wJalrXUtnFEMI/K7MDENG", v.open("connection/c/secret-key", sealed));
        // the same key file opens it after a restart
        Vault again = Vault.openOrCreate(dir.resolve("vault.key"), new SecureRandom());
        assertEquals("wJalrXUtnFEMI/K7MDENG", again.open("connection/c/secret-key", sealed));
        byte[] hash = new byte[16];
        hash[3] = 7;
        assertArrayEquals(hash, v.openBytes("user/a/nt-hash", v.sealBytes("user/a/nt-hash", hash)));
        assertEquals(null, v.seal("x", null));
    }

    @Test
    void aSealedValueOpensOnlyInItsContextWithItsKeyAndUnaltered() {
        Vault v = Vault.openOrCreate(dir.resolve("a.key"), new SecureRandom());
        Vault other = Vault.openOrCreate(dir.resolve("b.key"), new SecureRandom());
        String sealed = v.seal("connection/prod/secret-key", "s3cr3t-value");
        VaultException e = assertThrows(VaultException.class, () -> v.open("connection/dev/secret-key", sealed));
        assertTrue(e.getMessage().startsWith("connection/dev/secret-key: cannot be opened"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
        assertThrows(VaultException.class, () -> other.open("connection/prod/secret-key", sealed));
        byte[] raw = Base64.getDecoder().decode(sealed.substring(Vault.PREFIX.length()));
        raw[raw.length - 1] ^= 1;
        String tampered = Vault.PREFIX + Base64.getEncoder().encodeToString(raw);
        assertThrows(VaultException.class, () -> v.open("connection/prod/secret-key", tampered));
        assertThrows(VaultException.class, () -> v.open("connection/prod/secret-key", "s3cr3t-value"));
    }

    @Test
    void aKeyFileOthersCanReadOrABadOneIsRefused() throws Exception {
        Path f = dir.resolve("vault.key");
        Vault.openOrCreate(f, new SecureRandom());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        CliException e = assertThrows(CliException.class, () -> Vault.openOrCreate(f, new SecureRandom()));
        assertTrue(e.getMessage().startsWith("vault-key: ") && e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(f, Base64.getEncoder().encodeToString(new byte[16]) + "\n");
        e = assertThrows(CliException.class, () -> Vault.openOrCreate(f, new SecureRandom()));
        assertTrue(e.getMessage().contains("16 bytes, not 32"), e.getMessage());
    }
}
