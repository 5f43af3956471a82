package io.bucketfs.cache.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The durable record of one staged file, {@code <id>.manifest} next to its data file {@code <id>.data}. It
 * describes the state as of the last commit (see {@link WriteBack} for the invariants and recovery rules).
 *
 * <p>Format (big-endian, {@link DataOutputStream}): magic {@value #MAGIC}, format {@value #FORMAT}, the fields in
 * declaration order (strings as modified UTF-8 behind a presence flag where nullable, the extents as a count and
 * {start, end} pairs, the metadata as a count and pairs), then the CRC-32 of everything before it. A file with a
 * wrong magic, format or CRC is corrupt and never used.
 *
 * @param id                the staged file's id (the file name stem)
 * @param storeId           the store it is uploaded to
 * @param key               the key the next upload goes to
 * @param condition         the condition of the next upload
 * @param baseKey           the key the base version is read from, {@code null} without a base
 * @param base              the base version
 * @param baseLimit         base bytes at or after this offset are not part of the file (truncated away)
 * @param size              the file size
 * @param committedGen      generations committed (0: never committed, nothing acknowledged)
 * @param uploadedGen       the last generation known to be in the bucket
 * @param uploadedToKey     whether some generation was uploaded to {@code key}
 * @param contentType       the content type for uploads, or {@code null}
 * @param metadata          user metadata for uploads
 * @param extents           the ranges of the data file holding written bytes; everything else is base or zeros
 * @param multipartKey      the key of a multipart upload started while writing, or {@code null}
 * @param multipartUploadId its upload id (aborted by recovery), or {@code null}
 */
record Manifest(String id, String storeId, String key, WriteCondition condition, String baseKey, Base base,
                long baseLimit, long size, long committedGen, long uploadedGen, boolean uploadedToKey,
                String contentType, Map<String, String> metadata, List<long[]> extents, String multipartKey,
                String multipartUploadId) {

    static final int MAGIC = 0x42465357;
    static final int FORMAT = 1;
    static final String SUFFIX = ".manifest";
    static final String TEMP_SUFFIX = ".manifest.tmp";

    Manifest {
        metadata = Map.copyOf(metadata);
        extents = List.copyOf(extents);
    }

    static Path path(Path dir, String id) {
        return dir.resolve(id + SUFFIX);
    }

    byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + extents.size() * 16);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(id);
        out.writeUTF(storeId);
        out.writeUTF(key);
        out.writeByte(condition.kind().ordinal());
        writeNullable(out, condition.etag());
        writeNullable(out, baseKey);
        writeNullable(out, base.etag());
        out.writeLong(base.size());
        out.writeLong(baseLimit);
        out.writeLong(size);
        out.writeLong(committedGen);
        out.writeLong(uploadedGen);
        out.writeBoolean(uploadedToKey);
        writeNullable(out, contentType);
        out.writeInt(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(extents.size());
        for (long[] r : extents) {
            out.writeLong(r[0]);
            out.writeLong(r[1]);
        }
        writeNullable(out, multipartKey);
        writeNullable(out, multipartUploadId);
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    static Manifest decode(byte[] data) throws IOException {
        if (data.length < 16) {
            throw new IOException("manifest too short: " + data.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(data, data.length - 8, 8).getLong()) {
            throw new IOException("manifest CRC mismatch");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8));
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
            throw new IOException("not a staging manifest of format " + FORMAT);
        }
        String id = in.readUTF();
        String storeId = in.readUTF();
        String key = in.readUTF();
        WriteCondition.Kind kind = WriteCondition.Kind.values()[in.readUnsignedByte()];
        WriteCondition condition = new WriteCondition(kind, readNullable(in));
        String baseKey = readNullable(in);
        String baseEtag = readNullable(in);
        Base base = new Base(baseEtag, in.readLong());
        long baseLimit = in.readLong();
        long size = in.readLong();
        long committedGen = in.readLong();
        long uploadedGen = in.readLong();
        boolean uploadedToKey = in.readBoolean();
        String contentType = readNullable(in);
        int n = in.readInt();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            metadata.put(in.readUTF(), in.readUTF());
        }
        int m = in.readInt();
        List<long[]> extents = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            extents.add(new long[] {in.readLong(), in.readLong()});
        }
        String multipartKey = readNullable(in);
        String multipartUploadId = readNullable(in);
        return new Manifest(id, storeId, key, condition, baseKey, base, baseLimit, size, committedGen, uploadedGen,
                uploadedToKey, contentType, metadata, extents, multipartKey, multipartUploadId);
    }

    /** Writes {@code <id>.manifest} atomically and durably: temp file, fsync, rename, fsync of the directory. */
    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(id + TEMP_SUFFIX);
        byte[] data = encode();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, path(dir, id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(dir);
    }

    static Manifest read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** The manifest of {@code s}'s committed state; the caller holds {@code s}'s lock. */
    static Manifest of(Staged s) {
        io.bucketfs.backends.MultipartUpload mp = s.parts != null ? s.parts.upload : null;
        return new Manifest(s.id, s.storeId, s.key, s.condition, s.baseKey, s.base, s.committed.baseLimit(),
                s.committed.size(), s.committedGen, s.uploadedGen, s.uploadedToKey, s.committed.contentType(),
                s.committed.metadata(), s.committed.extents().toList(), mp == null ? null : mp.key(),
                mp == null ? null : mp.uploadId());
    }
}
