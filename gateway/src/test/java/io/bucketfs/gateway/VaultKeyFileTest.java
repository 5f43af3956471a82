package io.bucketfs.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.gateway.vault.Vault;
import io.bucketfs.gateway.vault.VaultException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault key supplied through {@code $BUCKETFS_VAULT_KEY_FILE} (a key kept off the data volume): it is the key
 * that seals (no key is made in the data directory, the default key cannot open what it sealed) and it opens the
 * sealed values again after a restart; a missing or group-readable file is a one-line error naming it, also from
 * a real {@code bucketfs serve} given the variable.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VaultKeyFileTest {

    @TempDir
    Path dir;

    private Path keyFile(String mode) throws Exception {
        Path f = dir.resolve("keys").resolve("vault.key");
        Files.createDirectories(f.getParent());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(f, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static UnaryOperator<String> env(Path keyFile) {
        return name -> Vault.KEY_ENV.equals(name) ? keyFile.toString() : null;
    }

    @Test
    void theKeyFromTheEnvironmentSealsAndOpensAfterARestart() throws Exception {
        Path key = keyFile("rw-------");
        Path data = dir.resolve("data");
        Vault v = Vault.open(data, env(key));
        assertEquals(key, v.keyFile());
        String sealed = v.seal("connection/c/secret-key", "from-the-env-key");
        assertFalse(Files.exists(data.resolve(Vault.KEY_FILE)), "no key is made in the data directory");

        assertEquals("from-the-env-key", Vault.open(data, env(key)).open("connection/c/secret-key", sealed),
                "the same file opens it after a restart");
        Vault fallback = Vault.open(data, name -> null); // without the variable: the data directory's own key
        assertEquals(data.resolve(Vault.KEY_FILE), fallback.keyFile());
        assertThrows(VaultException.class, () -> fallback.open("connection/c/secret-key", sealed),
                "sealed with the file's key, not the default one");
    }

    @Test
    void aMissingOrGroupReadableKeyFileIsAOneLineErrorNamingIt() throws Exception {
        Path missing = dir.resolve("nowhere").resolve("vault.key");
        CliException absent = assertThrows(CliException.class, () -> Vault.open(dir.resolve("data"), env(missing)));
        assertEquals("vault-key: " + missing + " (from " + Vault.KEY_ENV + ") does not exist", absent.getMessage());
        assertFalse(Files.exists(missing), "never created");

        Path open = keyFile("rw-r-----");
        CliException readable = assertThrows(CliException.class, () -> Vault.open(dir.resolve("data"), env(open)));
        assertTrue(readable.getMessage().startsWith("vault-key: " + open + " has mode rw-r-----")
                && readable.getMessage().contains("chmod 600") && !readable.getMessage().contains("\n"),
                readable.getMessage());
    }

    @Test
    void serveGivenAMissingKeyFileStopsWithOneLineNamingIt() throws Exception {
        Path missing = dir.resolve("nowhere").resolve("vault.key");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--data-dir",
                dir.resolve("data").toString(), "--nfs-port", "0", "--smb-port", "0", "--admin-port", "0");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(Vault.KEY_ENV, missing.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(45, TimeUnit.SECONDS), "serve stops");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        List<String> errors = out.lines().filter(l -> l.startsWith("bucketfs: ")).toList();
        assertEquals(List.of("bucketfs: vault-key: " + missing + " (from " + Vault.KEY_ENV + ") does not exist"),
                errors, out);
        assertFalse(out.contains("\tat "), "no stack trace for a setting: " + out);
    }
}
