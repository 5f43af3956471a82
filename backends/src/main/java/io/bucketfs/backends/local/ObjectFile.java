package io.bucketfs.backends.local;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The on-disk form of one object: its bytes, then a header, then a trailer, in one file so that data and metadata
 * are replaced together by one rename.
 *
 * <pre>
 *   [data: size bytes][header: UTF-8 lines][header length: int32 BE][magic: int32 BE {@value #MAGIC}]
 * </pre>
 * Header lines are {@code etag:<hex>}, {@code mtime:<epoch ms>}, {@code type:<content type>} (optional) and one
 * {@code meta:<key>=<value>} per user metadata entry; values are printable ASCII (the SPI validates them).
 */
final class ObjectFile {

    static final int MAGIC = 0x42465331; // "BFS1"
    static final int TRAILER = 8;
    static final int MAX_HEADER = 64 * 1024;

    private ObjectFile() {
    }

    /** The header bytes for an object. */
    static byte[] header(String etag, Instant mtime, String contentType, Map<String, String> meta) {
        StringBuilder sb = new StringBuilder();
        sb.append("etag:").append(etag).append('\n');
        sb.append("mtime:").append(mtime.toEpochMilli()).append('\n');
        if (contentType != null) {
            sb.append("type:").append(contentType).append('\n');
        }
        for (Map.Entry<String, String> e : new TreeMap<>(meta).entrySet()) {
            sb.append("meta:").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends header and trailer at the channel's position (the end of the data). */
    static void writeTrailer(FileChannel ch, byte[] header) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(header.length + TRAILER);
        b.put(header).putInt(header.length).putInt(MAGIC).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads what the file says about its object; the data occupies bytes [0, info.size()). */
    static ObjectInfo read(FileChannel ch, String key) throws IOException {
        long fileSize = ch.size();
        if (fileSize < TRAILER) {
            throw corrupt(key, "is truncated (" + fileSize + " bytes)");
        }
        ByteBuffer t = ByteBuffer.allocate(TRAILER);
        readFully(ch, t, fileSize - TRAILER);
        int headerLen = t.getInt(0);
        if (t.getInt(4) != MAGIC || headerLen < 0 || headerLen > MAX_HEADER || headerLen > fileSize - TRAILER) {
            throw corrupt(key, "has no valid trailer");
        }
        ByteBuffer h = ByteBuffer.allocate(headerLen);
        long size = fileSize - TRAILER - headerLen;
        readFully(ch, h, size);
        String etag = null;
        Instant mtime = Instant.EPOCH;
        String type = null;
        Map<String, String> meta = new LinkedHashMap<>();
        try {
            for (String line : new String(h.array(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("etag:")) {
                    etag = line.substring(5);
                } else if (line.startsWith("mtime:")) {
                    mtime = Instant.ofEpochMilli(Long.parseLong(line.substring(6)));
                } else if (line.startsWith("type:")) {
                    type = line.substring(5);
                } else if (line.startsWith("meta:")) {
                    int eq = line.indexOf('=');
                    meta.put(line.substring(5, eq), line.substring(eq + 1));
                }
            }
        } catch (RuntimeException e) {
            throw corrupt(key, "has a damaged header");
        }
        if (etag == null) {
            throw corrupt(key, "has no etag");
        }
        return new ObjectInfo(key, size, etag, mtime, type, meta);
    }

    /** A damaged object file is a server fault that no retry cures. */
    private static ObjectStoreException corrupt(String key, String what) {
        return new ObjectStoreException(ObjectStoreException.Kind.PERMANENT, "object file of '" + key + "' " + what);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of object file");
            }
        }
    }
}
