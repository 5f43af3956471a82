package io.bucketfs.gateway.vault;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.gateway.state.StateStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential vault: seals secrets (S3 secret keys, Azure account keys and SAS tokens, SMB NT hashes) with
 * AES-256-GCM before they reach the state file, and opens them when a connection is used.
 *
 * <h2>Sealed form</h2>
 * {@code vault:v1:} + base64( 12-byte random nonce ‖ ciphertext ‖ 16-byte tag ). The associated data is the
 * secret's <em>context</em> ({@code connection/prod/secret-key}), so a sealed value copied into another field or
 * record does not open: the tag fails.
 *
 * <h2>The key</h2>
 * 32 random bytes, base64 on one line, in a file of mode 0600: {@code $BUCKETFS_VAULT_KEY_FILE} if set (a key
 * kept off the data volume; it must exist, the gateway never creates it), else {@value #KEY_FILE} in the data
 * directory, created at the first start. A key file
 * others can read or write is refused: the secrets would be only as safe as it. Losing the key loses the sealed
 * secrets (connections must be created again); nothing else depends on it.
 */
public final class Vault {

    /** The start of every sealed value. */
    public static final String PREFIX = "vault:v1:";
    /** The key file's name in the data directory (unless {@value #KEY_ENV} names another file). */
    public static final String KEY_FILE = "vault.key";
    /** The environment variable naming a key file to use instead. */
    public static final String KEY_ENV = "BUCKETFS_VAULT_KEY_FILE";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKeySpec key;
    private final SecureRandom random;
    private final Path keyFile;

    private Vault(byte[] key, SecureRandom random, Path keyFile) {
        this.key = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
        this.random = random;
        this.keyFile = keyFile;
    }

    /** The vault of a data directory: its key from {@value #KEY_ENV} or {@code dataDir/}{@value #KEY_FILE}. */
    public static Vault open(Path dataDir) {
        return open(dataDir, System::getenv);
    }

    /** {@link #open(Path)} with the environment read through {@code env} (tests). */
    public static Vault open(Path dataDir, java.util.function.UnaryOperator<String> env) {
        return openFrom(dataDir, env.apply(KEY_ENV));
    }

    private static Vault openFrom(Path dataDir, String env) {
        if (env != null && !env.isBlank()) {
            Path f = Path.of(env);
            if (!Files.exists(f)) {
                throw new CliException("vault-key: " + f + " (from " + KEY_ENV + ") does not exist");
            }
            return openOrCreate(f, new SecureRandom());
        }
        return openOrCreate(dataDir.resolve(KEY_FILE), new SecureRandom());
    }

    /** The vault keyed by {@code file}, which is created (0600, 32 random bytes) when missing. */
    public static Vault openOrCreate(Path file, SecureRandom random) {
        try {
            if (!Files.exists(file)) {
                create(file, random);
            }
            Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            p.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!p.isEmpty()) {
                throw new CliException("vault-key: " + file + " has mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                        + "; it must be readable by its owner only (chmod 600)");
            }
            byte[] raw = Files.readAllBytes(file);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                throw new CliException("vault-key: " + file + " is not one line of base64");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            if (key.length != KEY_BYTES) {
                Arrays.fill(key, (byte) 0);
                throw new CliException("vault-key: " + file + " holds " + key.length + " bytes, not " + KEY_BYTES);
            }
            return new Vault(key, random, file);
        } catch (IOException e) {
            throw new CliException("vault-key: " + file + ": " + e, e);
        }
    }

    public Path keyFile() {
        return keyFile;
    }

    /** Seals {@code secret} for {@code context}; null stays null. */
    public String seal(String context, String secret) {
        if (secret == null) {
            return null;
        }
        byte[] plain = secret.getBytes(StandardCharsets.UTF_8);
        try {
            return PREFIX + Base64.getEncoder().encodeToString(seal(context, plain));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Seals raw bytes (an NT hash) for {@code context}. */
    public String sealBytes(String context, byte[] secret) {
        return PREFIX + Base64.getEncoder().encodeToString(seal(context, secret));
    }

    /** Opens a value {@link #seal} made for the same context; null stays null. */
    public String open(String context, String sealed) {
        if (sealed == null) {
            return null;
        }
        byte[] plain = openBytes(context, sealed);
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Opens a sealed value to its bytes. A value that is not sealed, was sealed with another key or for another
     * context is a {@link VaultException} naming the context, never quoting the value.
     */
    public byte[] openBytes(String context, String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new VaultException(context + ": not a sealed value");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new VaultException(context + ": sealed value is not base64");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new VaultException(context + ": sealed value is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new VaultException(context + ": cannot be opened with the key in " + keyFile
                    + " (another key, or the value was altered or moved)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private byte[] seal(String context, byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain);
            return ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** Writes a new key to a 0600 temporary file, syncs it and moves it into place. */
    private static void create(Path file, SecureRandom random) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        byte[] line = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(key, (byte) 0);
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } finally {
            Arrays.fill(line, (byte) 0);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(file + " appeared meanwhile", e);
        }
        StateStore.syncDir(dir);
    }

    @Override
    public String toString() {
        return "Vault[" + keyFile + "]";
    }
}
