package io.bucketfs.backends.local;

import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;

/** File-system steps of the local store: durable renames, directory fsyncs, copies, and failure mapping. */
final class Fs {

    private static final int BUFFER = 256 * 1024;
    private static final int RENAME_ATTEMPTS = 16;

    private Fs() {
    }

    static Path tempFile(Path tmpDir) throws IOException {
        return Files.createTempFile(tmpDir, "w", ".tmp");
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies exactly {@code length} bytes of {@code in} to {@code out}, digesting them; fewer or more is an error. */
    static void copy(InputStream in, FileChannel out, long length, MessageDigest md) throws IOException {
        byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new ObjectStoreException(Kind.PERMANENT, "payload ended " + left + " bytes before its declared "
                        + length);
            }
            md.update(buf, 0, n);
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
                out.write(b);
            }
            left -= n;
        }
        if (in.read() >= 0) {
            throw new ObjectStoreException(Kind.PERMANENT, "payload is longer than its declared " + length + " bytes");
        }
    }

    /** Copies {@code length} bytes from {@code src} at {@code from} to {@code out}'s position (in kernel space). */
    static void transfer(FileChannel src, long from, long length, FileChannel out) throws IOException {
        long done = 0;
        while (done < length) {
            long n = src.transferTo(from + done, length - done, out);
            if (n <= 0) {
                throw new IOException("source shrank during copy");
            }
            done += n;
        }
    }

    /**
     * Renames {@code temp} over {@code target} atomically and fsyncs the directories it created and the target's
     * directory. A concurrent delete may prune the (momentarily empty) parent between creating and renaming:
     * then it is created again.
     */
    static void moveIntoPlace(Path temp, Path target, Path stopAt) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ensureDir(target.getParent(), stopAt);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                fsyncDir(target.getParent());
                return;
            } catch (NoSuchFileException e) {
                if (attempt >= RENAME_ATTEMPTS || !Files.exists(temp)) {
                    throw e;
                }
            }
        }
    }

    /** Creates {@code dir} and missing parents up to {@code stopAt}, fsyncing each new entry's parent. */
    static void ensureDir(Path dir, Path stopAt) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !p.equals(stopAt) && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
                fsyncDir(p.getParent());
            } catch (FileAlreadyExistsException e) {
                // made by a concurrent writer
            }
        }
    }

    /** Removes {@code dir} and its parents up to (not including) {@code stopAt} while they are empty. */
    static void pruneEmptyDirs(Path dir, Path stopAt) {
        for (Path p = dir; p != null && !p.equals(stopAt) && p.startsWith(stopAt); p = p.getParent()) {
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return; // harmless: an empty directory lists as nothing
            }
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void validateContentType(String type) {
        if (type == null) {
            return;
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("content type must be printable US-ASCII");
            }
        }
    }

    /** Maps a local I/O failure onto the SPI's kinds (typed failures pass through). */
    static ObjectStoreException map(String operation, IOException e) {
        if (e instanceof ObjectStoreException ose) {
            return ose;
        }
        if (e instanceof NoSuchFileException) {
            return new ObjectStoreException(Kind.NOT_FOUND, operation + ": " + e.getMessage(), e);
        }
        if (e instanceof AccessDeniedException) {
            return new ObjectStoreException(Kind.ACCESS_DENIED, operation + ": permission denied: " + e.getMessage(), e);
        }
        return new ObjectStoreException(Kind.TRANSIENT, operation + ": " + e, e);
    }

    static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // tmp/ is cleared when the store is opened
            }
        }
    }
}
