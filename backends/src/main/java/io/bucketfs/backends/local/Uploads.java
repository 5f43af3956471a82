package io.bucketfs.backends.local;

import static io.bucketfs.backends.ObjectStoreException.Kind.NOT_FOUND;
import static io.bucketfs.backends.ObjectStoreException.Kind.PERMANENT;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multipart uploads of the local store. An upload is a directory {@code uploads/<id>} holding {@code info} (the
 * key and the PutOptions, one field a line) and one file per uploaded part named {@code NNNNN-<md5 hex>}: a part
 * re-uploaded with other bytes gets a new file, and completion takes exactly the file whose ETag the caller
 * names, as S3 does.
 */
final class Uploads {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What {@code info} records. */
    record Info(String key, PutOptions options) {
    }

    private Uploads() {
    }

    static MultipartUpload create(Path uploads, String key, PutOptions o) throws IOException {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String uploadId = HexFormat.of().formatHex(id);
        Path dir = uploads.resolve(uploadId);
        Files.createDirectory(dir);
        StringBuilder sb = new StringBuilder();
        sb.append("key:").append(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))).append('\n');
        if (o.contentType() != null) {
            sb.append("type:").append(o.contentType()).append('\n');
        }
        if (o.ifMatch() != null) {
            sb.append("ifmatch:").append(o.ifMatch()).append('\n');
        }
        if (o.createOnly()) {
            sb.append("createonly:true\n");
        }
        for (Map.Entry<String, String> e : o.userMetadata().entrySet()) {
            sb.append("meta:").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        Files.writeString(dir.resolve("info"), sb.toString(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        Fs.fsyncDir(uploads);
        return new MultipartUpload(key, uploadId);
    }

    static Info info(Path uploads, MultipartUpload upload) throws IOException {
        Path dir = dir(uploads, upload);
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("info"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException(NOT_FOUND, "no multipart upload " + upload.uploadId());
        }
        String key = null;
        String type = null;
        String ifMatch = null;
        boolean createOnly = false;
        Map<String, String> meta = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("key:")) {
                key = new String(Base64.getDecoder().decode(l.substring(4)), StandardCharsets.UTF_8);
            } else if (l.startsWith("type:")) {
                type = l.substring(5);
            } else if (l.startsWith("ifmatch:")) {
                ifMatch = l.substring(8);
            } else if (l.startsWith("createonly:")) {
                createOnly = true;
            } else if (l.startsWith("meta:")) {
                int eq = l.indexOf('=');
                meta.put(l.substring(5, eq), l.substring(eq + 1));
            }
        }
        if (!upload.key().equals(key)) {
            throw new ObjectStoreException(NOT_FOUND, "multipart upload " + upload.uploadId() + " is not for '"
                    + upload.key() + "'");
        }
        return new Info(key, new PutOptions(meta, type, ifMatch, createOnly));
    }

    static CompletedPart uploadPart(Path uploads, Path tmp, MultipartUpload upload, int partNumber, Payload body)
            throws IOException {
        if (partNumber < 1 || partNumber > ObjectStore.MAX_PARTS) {
            throw new IllegalArgumentException("part number must be 1.." + ObjectStore.MAX_PARTS + ": " + partNumber);
        }
        info(uploads, upload); // NOT_FOUND for an unknown upload
        Path dir = dir(uploads, upload);
        Path t = Fs.tempFile(tmp);
        try {
            MessageDigest md5 = Fs.md5();
            try (FileChannel out = FileChannel.open(t, StandardOpenOption.WRITE);
                 InputStream in = body.open()) {
                Fs.copy(in, out, body.length(), md5);
                out.force(true);
            }
            String etag = HexFormat.of().formatHex(md5.digest());
            try {
                Files.move(t, dir.resolve(partName(partNumber, etag)), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                throw new ObjectStoreException(NOT_FOUND, "multipart upload " + upload.uploadId() + " went away");
            }
            Fs.fsyncDir(dir);
            return new CompletedPart(partNumber, etag);
        } finally {
            Fs.deleteQuietly(t);
        }
    }

    /**
     * Appends the named parts to {@code out} in order and returns the S3-style ETag of the result. Parts must be in
     * ascending order, each must exist with the given ETag, and every part but the last must be at least
     * {@link ObjectStore#MIN_PART_SIZE} bytes (PERMANENT otherwise, like S3's InvalidPart/EntityTooSmall).
     */
    static String assemble(Path uploads, MultipartUpload upload, List<CompletedPart> parts, FileChannel out)
            throws IOException {
        if (parts.isEmpty()) {
            throw new ObjectStoreException(PERMANENT, "a multipart upload needs at least one part");
        }
        Path dir = dir(uploads, upload);
        MessageDigest all = Fs.md5();
        int previous = 0;
        for (int i = 0; i < parts.size(); i++) {
            CompletedPart p = parts.get(i);
            if (p.partNumber() <= previous) {
                throw new ObjectStoreException(PERMANENT, "parts must be in ascending order (InvalidPartOrder)");
            }
            previous = p.partNumber();
            Path file = dir.resolve(partName(p.partNumber(), p.etag()));
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                if (i < parts.size() - 1 && size < ObjectStore.MIN_PART_SIZE) {
                    throw new ObjectStoreException(PERMANENT, "part " + p.partNumber() + " is " + size
                            + " bytes; all but the last must be at least " + ObjectStore.MIN_PART_SIZE
                            + " (EntityTooSmall)");
                }
                Fs.transfer(in, 0, size, out);
            } catch (NoSuchFileException e) {
                if (!Files.isDirectory(dir)) {
                    throw new ObjectStoreException(NOT_FOUND, "no multipart upload " + upload.uploadId());
                }
                throw new ObjectStoreException(PERMANENT, "part " + p.partNumber() + " with ETag " + p.etag()
                        + " was not uploaded (InvalidPart)");
            }
            all.update(HexFormat.of().parseHex(p.etag()));
        }
        return HexFormat.of().formatHex(all.digest()) + "-" + parts.size();
    }

    static void delete(Path uploads, MultipartUpload upload) throws IOException {
        Path dir = dir(uploads, upload);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(dir);
        Fs.fsyncDir(uploads);
    }

    private static Path dir(Path uploads, MultipartUpload upload) throws ObjectStoreException {
        String id = upload.uploadId();
        if (id.length() != 32 || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new ObjectStoreException(NOT_FOUND, "no multipart upload " + id);
        }
        return uploads.resolve(id);
    }

    private static String partName(int partNumber, String etag) throws ObjectStoreException {
        if (etag.length() != 32 || !etag.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new ObjectStoreException(PERMANENT, "part ETag '" + etag + "' is not one this store issued");
        }
        return String.format("%05d-%s", partNumber, etag);
    }
}
