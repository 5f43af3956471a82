package io.bucketfs.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunk files: their names, their format, writing, reading with verification, and the scan that rebuilds the
 * index at open. Thread-safe (no state but a name counter).
 *
 * <h2>Layout</h2>
 * {@code <dir>/chunks/<h0h1>/<h>-<index>-<unique>.chunk}, where {@code h} is 32 hex digits of SHA-256 over
 * (storeId, key, etag) and {@code h0h1} its first two (256 fan-out directories). The name is for people and for
 * spreading files; the identity that counts is the one in the header. {@code <dir>/tmp/} holds files being
 * written; they are renamed into place when complete and whatever is left there at open is deleted.
 *
 * <h2>Format (big-endian)</h2>
 * <pre>
 *   int   magic {@value #MAGIC_HEX}          short version {@value #VERSION}
 *   int   headerLength (bytes before data)   int   dataLength
 *   int   dataCrc (CRC32C of the data)       int   chunk index
 *   UTF   storeId    UTF key    UTF etag     (DataOutput modified UTF-8)
 *   int   headerCrc (CRC32C of every header byte before it)
 *   data: dataLength bytes
 * </pre>
 * Files are not fsynced: a crash can leave a renamed file with torn data, which the header CRC or file length
 * rejects at the scan, or the data CRC at the file's first read after open (loaded entries start unverified).
 */
final class ChunkFiles {

    static final int MAGIC = 0x42464331; // "BFC1"
    static final String MAGIC_HEX = "0x42464331";
    static final short VERSION = 1;
    static final int MAX_HEADER = 16 * 1024;
    static final String SUFFIX = ".chunk";
    private static final int FIXED_PREFIX = 4 + 2 + 4;
    private static final int BLOCK = 64 * 1024;
    /**
     * The unit chunk data is written in: whole reads of the body are collected into it first. Small writes leave a
     * file in small page-cache folios, and a file written 64 KiB at a time read back from the page cache at about
     * half the speed of one written 1 MiB at a time (Linux 6.x, ext4; see the warm-read benchmark).
     */
    private static final int WRITE_BLOCK = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkFiles.class);

    /** A chunk file whose data does not match its CRC, or that is shorter than its header says. */
    static final class CorruptChunkException extends IOException {
        CorruptChunkException(String message) {
            super(message);
        }
    }

    private final Path chunks;
    private final Path tmp;
    private final String session = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final AtomicLong counter = new AtomicLong();

    ChunkFiles(Path dir) {
        this.chunks = dir.resolve("chunks");
        this.tmp = dir.resolve("tmp");
    }

    Path chunksDir() {
        return chunks;
    }

    /** Creates the directories and clears tmp/. */
    void prepare() throws IOException {
        Files.createDirectories(chunks);
        Files.createDirectories(tmp);
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The file length of a chunk of {@code dataLength} bytes with this key: what a fetch reserves. */
    static long fileLength(ChunkKey key, int dataLength) {
        return (long) header(key, dataLength, 0).length + dataLength;
    }

    static byte[] header(ChunkKey key, int dataLength, int dataCrc) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + key.key().length());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeInt(0); // header length, patched below
            out.writeInt(dataLength);
            out.writeInt(dataCrc);
            out.writeInt(key.index());
            out.writeUTF(key.storeId());
            out.writeUTF(key.key());
            out.writeUTF(key.etag());
            out.flush();
            byte[] h = bytes.toByteArray();
            byte[] full = new byte[h.length + 4];
            System.arraycopy(h, 0, full, 0, h.length);
            ByteBuffer.wrap(full).putInt(6, full.length);
            CRC32C crc = new CRC32C();
            crc.update(full, 0, h.length);
            ByteBuffer.wrap(full).putInt(h.length, (int) crc.getValue());
            return full;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    /** Writes the chunk from exactly {@code length} bytes of {@code in}, computing its CRC; returns its entry. */
    ChunkEntry write(ChunkKey key, InputStream in, int length) throws IOException {
        Path t = tmp.resolve(session + "-" + counter.incrementAndGet() + ".part");
        try {
            int headerLength = header(key, length, 0).length;
            int crc = writeData(t, headerLength, in, length);
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.wrap(header(key, length, crc)));
            }
            Path target = target(key);
            Files.createDirectories(target.getParent());
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE);
            t = null;
            return new ChunkEntry(key, target, headerLength, length, crc, true);
        } finally {
            if (t != null) {
                Files.deleteIfExists(t);
            }
        }
    }

    /** Writes {@code length} bytes of {@code in} to a new file {@code t} from {@code position}; returns their CRC. */
    private static int writeData(Path t, int position, InputStream in, int length) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.position(position);
            byte[] buf = new byte[Math.min(WRITE_BLOCK, Math.max(1, length))];
            int done = 0;
            while (done < length) {
                int want = Math.min(buf.length, length - done);
                int n = in.readNBytes(buf, 0, want);
                if (n < want) {
                    throw new IOException("body ended after " + (done + n) + " of " + length + " bytes");
                }
                crc.update(buf, 0, n);
                writeFully(ch, ByteBuffer.wrap(buf, 0, n));
                done += n;
            }
        }
        return (int) crc.getValue();
    }

    private Path target(ChunkKey key) {
        String h = identityHash(key);
        String name = h + "-" + key.index() + "-" + session + counter.incrementAndGet() + SUFFIX;
        return chunks.resolve(h.substring(0, 2)).resolve(name);
    }

    private static String identityHash(ChunkKey key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {key.storeId(), key.key(), key.etag()}) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Copies the chunk's bytes from {@code offset} into {@code dst} (as many as fit) and returns how many. With
     * {@code verify}, reads the whole data once, checks the CRC and leaves {@code dst} untouched if it fails.
     *
     * @throws NoSuchFileException    the file was deleted (evicted) after the caller looked it up
     * @throws CorruptChunkException the data fails its CRC or the file is short
     */
    int read(ChunkEntry e, int offset, ByteBuffer dst, boolean verify) throws IOException {
        int n = Math.min(dst.remaining(), e.dataLength - offset);
        try (FileChannel ch = FileChannel.open(e.file, StandardOpenOption.READ)) {
            if (verify) {
                return readVerified(ch, e, offset, n, dst);
            }
            ByteBuffer part = dst.duplicate();
            part.limit(part.position() + n);
            long pos = (long) e.headerLength + offset;
            while (part.hasRemaining()) {
                int r = ch.read(part, pos);
                if (r < 0) {
                    throw new CorruptChunkException(e.file + " is shorter than its header says");
                }
                pos += r;
            }
            dst.position(dst.position() + n);
            return n;
        }
    }

    private static int readVerified(FileChannel ch, ChunkEntry e, int offset, int n, ByteBuffer dst)
            throws IOException {
        int start = dst.position();
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(Math.min(BLOCK, Math.max(1, e.dataLength)));
        int done = 0;
        while (done < e.dataLength) {
            buf.clear().limit(Math.min(buf.capacity(), e.dataLength - done));
            while (buf.hasRemaining()) {
                if (ch.read(buf, (long) e.headerLength + done + buf.position()) < 0) {
                    dst.position(start);
                    throw new CorruptChunkException(e.file + " is shorter than its header says");
                }
            }
            buf.flip();
            crc.update(buf.duplicate());
            int from = Math.max(offset, done);
            int to = Math.min(offset + n, done + buf.limit());
            if (from < to) {
                dst.put(buf.duplicate().position(from - done).limit(to - done));
            }
            done += buf.limit();
        }
        if ((int) crc.getValue() != e.crc) {
            dst.position(start);
            throw new CorruptChunkException(e.file + ": data fails its CRC32C");
        }
        return n;
    }

    /** {@code length} bytes of {@code ch} from {@code position}, by positional reads (its position is kept). */
    static InputStream rangeOf(FileChannel ch, long position, long length) {
        return new InputStream() {
            private long pos = position;
            private final long end = position + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= end) {
                    return -1;
                }
                int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    /** Deletes the chunk's file; a file already gone is fine, a failure is logged. */
    void delete(ChunkEntry e) {
        try {
            Files.deleteIfExists(e.file);
        } catch (IOException ex) {
            LOG.warn("could not delete cache chunk {}: {}", e.file, ex.toString());
        }
    }

    /** The result of {@link #scan}: valid entries (oldest modification first) and how many files were dropped. */
    record Scan(List<ChunkEntry> entries, int dropped) {
    }

    /**
     * Reads the header of every chunk file, deleting those that are not well-formed (bad magic, version or header
     * CRC, a length that does not match the file, data longer than {@code chunkSize}). Entries are unverified.
     */
    Scan scan(int chunkSize) throws IOException {
        List<Object[]> found = new ArrayList<>();
        int dropped = 0;
        try (Stream<Path> s = Files.walk(chunks, 2)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().endsWith(SUFFIX) || !Files.isRegularFile(p)) {
                    continue;
                }
                ChunkEntry e = readHeader(p, chunkSize);
                if (e == null) {
                    dropped++;
                    Files.deleteIfExists(p);
                } else {
                    found.add(new Object[] {e, Files.getLastModifiedTime(p).toMillis()});
                }
            }
        }
        found.sort((a, b) -> Long.compare((Long) a[1], (Long) b[1]));
        List<ChunkEntry> entries = new ArrayList<>(found.size());
        for (Object[] f : found) {
            entries.add((ChunkEntry) f[0]);
        }
        return new Scan(entries, dropped);
    }

    private static ChunkEntry readHeader(Path p, int chunkSize) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer prefix = ByteBuffer.allocate(FIXED_PREFIX);
            if (ch.read(prefix, 0) != FIXED_PREFIX || prefix.getInt(0) != MAGIC || prefix.getShort(4) != VERSION) {
                return null;
            }
            int headerLength = prefix.getInt(6);
            if (headerLength < FIXED_PREFIX + 16 || headerLength > MAX_HEADER || headerLength > size) {
                return null;
            }
            ByteBuffer h = ByteBuffer.allocate(headerLength);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
                // reads until full
            }
            byte[] bytes = h.array();
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, headerLength - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(bytes).getInt(headerLength - 4)) {
                return null;
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, FIXED_PREFIX,
                    headerLength - FIXED_PREFIX));
            int dataLength = in.readInt();
            int dataCrc = in.readInt();
            int index = in.readInt();
            ChunkKey key = new ChunkKey(in.readUTF(), in.readUTF(), in.readUTF(), index);
            if (dataLength <= 0 || dataLength > chunkSize || size != (long) headerLength + dataLength) {
                return null;
            }
            return new ChunkEntry(key, p, headerLength, dataLength, dataCrc, false);
        } catch (IOException | RuntimeException e) {
            LOG.debug("unreadable cache chunk {}: {}", p, e.toString());
            return null;
        }
    }
}
