package io.bucketfs.gateway;

import io.bucketfs.gateway.cli.CliException;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of the generated SMB user ({@value #FILE} in the data directory): made once from a
 * {@link SecureRandom}, then reused by every start. The file is created with mode 0600 (never readable by others,
 * not even while it is written) and moved into place whole; only the NT hash of its content leaves this class.
 */
public final class SmbPasswordFile {

    /** The file's name in the data directory. */
    public static final String FILE = "smb-password";

    /** Characters of a generated password (URL-safe: letters, digits, '-' and '_'; 6 bits each). */
    public static final int LENGTH = 24;

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final Logger LOG = LoggerFactory.getLogger(SmbPasswordFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The NT hash of the password and whether this call created the file. */
    public record Loaded(byte[] ntHash, boolean created) {
    }

    private SmbPasswordFile() {
    }

    /**
     * The NT hash of the password in {@code file}, generating the file first when there is none. A file others
     * can read is narrowed to 0600, with a warning. Mistakes (an empty or unreadable file)
     * are {@link CliException}s naming the file.
     */
    public static Loaded loadOrCreate(Path file, SecureRandom random) {
        try {
            boolean created = false;
            if (!Files.exists(file)) {
                create(file, random);
                created = true;
            } else if (tooOpen(file)) {
                LOG.warn("{} was readable or writable by others; narrowed to 0600 (delete it to have a new password "
                        + "generated if others may have read it)", file);
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            byte[] raw = Files.readAllBytes(file);
            char[] password = null;
            try {
                CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw));
                int end = chars.limit();
                while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                    end--;
                }
                password = new char[end];
                chars.get(password, 0, end);
                Arrays.fill(chars.array(), '\0');
                if (end == 0) {
                    throw new CliException("smb-password: " + file + " is empty; delete it to have a new password "
                            + "generated");
                }
                return new Loaded(NtlmCrypto.ntHash(password), created);
            } finally {
                Arrays.fill(raw, (byte) 0);
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        } catch (IOException e) {
            throw new CliException("smb-password: " + file + ": " + e, e);
        }
    }

    /** Whether anyone but the owner may read or write {@code file}. */
    private static boolean tooOpen(Path file) throws IOException {
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        p.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        return !p.isEmpty();
    }

    /** A new password of {@value #LENGTH} URL-safe characters. */
    static char[] generate(SecureRandom random) {
        char[] pw = new char[LENGTH];
        for (int i = 0; i < pw.length; i++) {
            pw[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return pw;
    }

    /**
     * Writes a new password to a temporary file created 0600 beside {@code file}, syncs it and moves it into place
     * atomically: a crash leaves no file or a whole one, and no moment leaves it readable by others.
     */
    private static void create(Path file, SecureRandom random) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a crash's leftover, never moved into place
        char[] pw = generate(random);
        ByteBuffer bytes = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(pw));
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ByteBuffer line = ByteBuffer.allocate(bytes.remaining() + 1).put(bytes).put((byte) '\n').flip();
            while (line.hasRemaining()) {
                ch.write(line);
            }
            Arrays.fill(line.array(), (byte) 0);
            ch.force(true);
        } finally {
            Arrays.fill(pw, '\0');
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e instanceof FileAlreadyExistsException ? new IOException(file + " appeared meanwhile", e) : e;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename survives a crash
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is synced
        }
    }
}
