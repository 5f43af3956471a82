package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Byte layout of segment files and records (described in {@link Journal}'s javadoc) and small file helpers.
 * All integers are big-endian.
 */
final class SegmentFormat {
    /** "BFJL": bucketfs journal log. */
    static final int SEGMENT_MAGIC = 0x42464A4C;
    static final int FORMAT_VERSION = 1;
    /** magic(4) version(4) firstLsn(8). */
    static final int SEGMENT_HEADER_BYTES = 16;
    /** length(4) lsn(8) crc32c(4). */
    static final int RECORD_HEADER_BYTES = 16;

    private static final Pattern SEGMENT_NAME = Pattern.compile("log-(\\d{1,20})\\.seg");

    private SegmentFormat() {
    }

    static String segmentName(long firstLsn) {
        return String.format("log-%020d.seg", firstLsn);
    }

    /** First LSN encoded in a segment file name, or -1 if the name is not a segment's. */
    static long parseSegmentName(String name) {
        Matcher m = SEGMENT_NAME.matcher(name);
        return m.matches() ? parseLsn(m.group(1)) : -1;
    }

    static long parseLsn(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ByteBuffer segmentHeader(long firstLsn) {
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        b.putInt(SEGMENT_MAGIC).putInt(FORMAT_VERSION).putLong(firstLsn).flip();
        return b;
    }

    /** Null if {@code header} (16 bytes) is a valid header for {@code firstLsn}, else why not. */
    static String checkSegmentHeader(ByteBuffer header, long firstLsn) {
        int magic = header.getInt(header.position());
        int version = header.getInt(header.position() + 4);
        long lsn = header.getLong(header.position() + 8);
        if (magic != SEGMENT_MAGIC) {
            return "bad segment magic " + Integer.toHexString(magic);
        }
        if (version != FORMAT_VERSION) {
            return "unsupported segment version " + version;
        }
        return lsn == firstLsn ? null : "header first LSN " + lsn + " does not match file name " + firstLsn;
    }

    /** CRC32C over the LSN (8 bytes, big-endian) followed by the payload. */
    static int crc(long lsn, ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer lsnBytes = ByteBuffer.allocate(Long.BYTES).putLong(0, lsn);
        crc.update(lsnBytes);
        crc.update(payload.duplicate());
        return (int) crc.getValue();
    }

    static int recordBytes(int payloadLength) {
        return RECORD_HEADER_BYTES + payloadLength;
    }

    /** Appends one record to {@code out}, which must have {@link #recordBytes} bytes remaining. */
    static void putRecord(ByteBuffer out, long lsn, byte[] payload) {
        out.putInt(payload.length).putLong(lsn).putInt(crc(lsn, ByteBuffer.wrap(payload))).put(payload);
    }

    /** Writes all remaining bytes of {@code src} at the channel's position. */
    static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            ch.write(src);
        }
    }

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    static void syncDirectory(ChannelFactory io, Path dir) throws IOException {
        try (FileChannel ch = io.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
