package io.bucketfs.vfs.journal;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Snapshot files: {@code header(16) body footer(16)}, layout in {@link Journal}'s javadoc. Written to
 * {@code <name>.tmp}, fsynced, renamed atomically, directory fsynced; read only after the whole file has been
 * verified.
 */
final class SnapshotFile {
    /** "BFJS": bucketfs journal snapshot. */
    static final int MAGIC = 0x42464A53;
    /** "BFJE": end of snapshot. */
    static final int FOOTER_MAGIC = 0x42464A45;
    static final int HEADER_BYTES = 16;
    static final int FOOTER_BYTES = 16;
    static final String TMP_SUFFIX = ".tmp";

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{1,20})\\.snap");

    private SnapshotFile() {
    }

    static String name(long lsn) {
        return String.format("snapshot-%020d.snap", lsn);
    }

    /** LSN encoded in a snapshot file name, or -1 if the name is not a snapshot's. */
    static long parseName(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? SegmentFormat.parseLsn(m.group(1)) : -1;
    }

    /**
     * Writes {@code snapshot-<lsn>.snap} durably and atomically: a crash at any point leaves either no such
     * file (a {@code .tmp} at most) or the complete, verified one.
     *
     * @return bytes of body the writer produced
     */
    static long write(ChannelFactory io, Path dir, long lsn, SnapshotWriter writer) throws IOException {
        Path target = dir.resolve(name(lsn));
        Path tmp = dir.resolve(name(lsn) + TMP_SUFFIX);
        long body;
        boolean done = false;
        try (FileChannel ch = io.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ChannelOutput out = new ChannelOutput(ch);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            header.putInt(MAGIC).putInt(SegmentFormat.FORMAT_VERSION).putLong(lsn).flip();
            out.write(header.array());
            writer.write(out);
            body = out.count - HEADER_BYTES;
            ByteBuffer footer = ByteBuffer.allocate(FOOTER_BYTES);
            footer.putLong(body).putInt((int) out.crc.getValue()).putInt(FOOTER_MAGIC).flip();
            out.flushBuffer();
            SegmentFormat.writeFully(ch, footer);
            ch.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        SegmentFormat.syncDirectory(io, dir);
        return body;
    }

    /**
     * Verifies a snapshot file completely (framing, LSN, checksum).
     *
     * @return the body length
     * @throws JournalCorruptException saying what is wrong
     */
    static long verify(Path file, long lsn) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES + FOOTER_BYTES) {
                throw new JournalCorruptException("snapshot too short (" + size + " bytes)", file, 0);
            }
            ReadWindow in = new ReadWindow(ch, size);
            ByteBuffer header = in.get(0, HEADER_BYTES);
            if (header.getInt(0) != MAGIC || header.getLong(8) != lsn) {
                throw new JournalCorruptException("bad snapshot header for LSN " + lsn, file, 0);
            }
            ByteBuffer footer = in.get(size - FOOTER_BYTES, FOOTER_BYTES);
            long body = footer.getLong(0);
            if (footer.getInt(12) != FOOTER_MAGIC || body != size - HEADER_BYTES - FOOTER_BYTES) {
                throw new JournalCorruptException("bad snapshot footer (incomplete file?)", file,
                        size - FOOTER_BYTES);
            }
            int expected = footer.getInt(8);
            CRC32C crc = new CRC32C();
            for (long at = 0; at < size - FOOTER_BYTES; ) {
                int n = (int) Math.min(1 << 20, size - FOOTER_BYTES - at);
                crc.update(in.get(at, n));
                at += n;
            }
            if ((int) crc.getValue() != expected) {
                throw new JournalCorruptException("snapshot checksum mismatch", file, HEADER_BYTES);
            }
            return body;
        }
    }

    /** Passes the body of a verified snapshot to {@code reader}. */
    static void restore(Path file, long lsn, long bodyLength, SnapshotReader reader) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(HEADER_BYTES);
            InputStream body = new BufferedInputStream(new Bounded(Channels.newInputStream(ch), bodyLength),
                    1 << 16);
            reader.read(lsn, body);
        }
    }

    /** Buffers writes into the channel and checksums everything written. */
    private static final class ChannelOutput extends OutputStream {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private final CRC32C crc = new CRC32C();
        private long count;

        ChannelOutput(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            crc.update(b, off, len);
            count += len;
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    flushBuffer();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        void flushBuffer() throws IOException {
            buffer.flip();
            SegmentFormat.writeFully(channel, buffer);
            buffer.clear();
        }

        @Override
        public void close() {
            // the journal finishes and closes the file itself
        }
    }

    /** An input stream ending after {@code remaining} bytes; close() leaves the channel to its owner. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the channel is closed by restore()
        }
    }
}
