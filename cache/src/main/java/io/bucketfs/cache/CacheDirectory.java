package io.bucketfs.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache directory's ownership and format: an exclusive lock on {@code <dir>/lock} for as long as the cache is
 * open (one process per directory), and {@code <dir>/FORMAT} naming the format and chunk size the chunks were
 * written with. A directory whose FORMAT is missing or different has its chunks deleted: chunk indexes mean
 * nothing under another chunk size.
 */
final class CacheDirectory implements Closeable {

    static final String FORMAT_FILE = "FORMAT";
    static final String LOCK_FILE = "lock";
    private static final Logger LOG = LoggerFactory.getLogger(CacheDirectory.class);

    private final FileChannel channel;
    private final FileLock lock;

    private CacheDirectory(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static CacheDirectory lock(Path dir, int chunkSize) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("cache directory " + dir + " is in use by another cache");
        }
        CacheDirectory d = new CacheDirectory(ch, lock);
        try {
            checkFormat(dir, chunkSize);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static void checkFormat(Path dir, int chunkSize) throws IOException {
        String expected = "bucketfs chunk cache\nformat=" + ChunkFiles.VERSION + "\nchunkSize=" + chunkSize + "\n";
        Path format = dir.resolve(FORMAT_FILE);
        if (Files.exists(format) && Files.readString(format, StandardCharsets.UTF_8).equals(expected)) {
            return;
        }
        Path chunks = dir.resolve("chunks");
        if (Files.exists(chunks)) {
            LOG.info("cache directory {} has another format or chunk size: its chunks are deleted", dir);
            deleteTree(chunks);
        }
        Path t = dir.resolve(FORMAT_FILE + ".tmp");
        Files.writeString(t, expected, StandardCharsets.UTF_8);
        Files.move(t, format, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
