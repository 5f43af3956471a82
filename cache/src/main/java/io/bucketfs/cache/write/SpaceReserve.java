package io.bucketfs.cache.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of {@value #BYTES} bytes in the staging directory, held from the start and given back when the disk is
 * full, so that data already written to staged files can still be committed (their manifests written, their data
 * synced) instead of being lost with an acknowledged write. Made again at the next start.
 */
final class SpaceReserve {

    private static final Logger LOG = LoggerFactory.getLogger(SpaceReserve.class);
    static final String NAME = ".space-reserve";
    static final long BYTES = 8L << 20;

    private final Path file;
    private boolean held;

    SpaceReserve(Path stagingDir) {
        this.file = stagingDir.resolve(NAME);
    }

    /** Makes (or keeps) the reserve; a disk too full for it is reported, not fatal. */
    synchronized void make() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = ch.size(); at < BYTES; at += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            ch.force(true);
            held = true;
        } catch (IOException e) {
            LOG.warn("no room for the staging space reserve {} ({}): a full disk may fail commits", file,
                    e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing held either way
            }
        }
    }

    /** Gives the reserve back to the disk; false if it was not held (given back already, or never made). */
    synchronized boolean release() {
        if (!held) {
            return false;
        }
        held = false;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the staging space reserve {}: {}", file, e.getMessage());
            return false;
        }
        LOG.warn("staging disk full: released the {} MiB space reserve so that staged writes can be committed; "
                + "it is made again at the next start", BYTES >> 20);
        return true;
    }
}
