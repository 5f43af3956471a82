package io.bucketfs.backends.local;

import static io.bucketfs.backends.ObjectStoreException.Kind.NOT_FOUND;
import static io.bucketfs.backends.ObjectStoreException.Kind.NOT_MODIFIED;
import static io.bucketfs.backends.ObjectStoreException.Kind.PERMANENT;
import static io.bucketfs.backends.ObjectStoreException.Kind.PRECONDITION_FAILED;

import io.bucketfs.backends.ByteRange;
import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectKeys;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded default store: a bucket kept in a local directory, with the semantics of S3.
 *
 * <h2>Layout</h2>
 * <pre>
 *   root/.bucketfs-store      marker: without it the directory is "unavailable" (an unmounted disk) and every
 *                             call fails TRANSIENT instead of writing into the empty mount point
 *   root/objects/…            one file per object, path from {@link KeyPaths}, format {@link ObjectFile}
 *   root/uploads/&lt;id&gt;/     a multipart upload: {@code info} plus one file per part, {@code NNNNN-<md5>}
 *   root/tmp/                 files being written; cleared when the store is opened
 * </pre>
 *
 * <h2>Guarantees</h2>
 * A write goes to a temp file which is fsynced, then renamed over the object file atomically, then the
 * directory is fsynced: after a crash an object is either the old or the new version, never a mix, and a put
 * that returned is durable. Data and metadata live in the same file and change together. Readers keep the
 * version they opened. ETags are content-derived like S3's: the MD5 of the bytes, or for a multipart object the
 * MD5 of the parts' MD5s followed by {@code -<parts>}. Conditions (If-Match, create-only) are checked and applied
 * under a per-key lock, so of racing create-only writers exactly one wins. One process owns a store directory.
 */
public final class LocalDirectoryStore implements ObjectStore {

    static final String MARKER = ".bucketfs-store";
    private static final int STRIPES = 256;

    private final Path root;
    private final Path objects;
    private final Path uploads;
    private final Path tmp;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /** Opens the store in {@code root}, which {@link #create} made; a missing marker makes every call TRANSIENT. */
    public LocalDirectoryStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.objects = this.root.resolve("objects");
        this.uploads = this.root.resolve("uploads");
        this.tmp = this.root.resolve("tmp");
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        clearTemp();
    }

    /** Makes (if needed) and opens a store in {@code root}. */
    public static LocalDirectoryStore create(Path root) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        Files.createDirectories(r.resolve("objects"));
        Files.createDirectories(r.resolve("uploads"));
        Files.createDirectories(r.resolve("tmp"));
        Path marker = r.resolve(MARKER);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "bucketfs local object store, format 1\n");
            Fs.fsyncDir(r);
        }
        return new LocalDirectoryStore(r);
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return "local:" + root;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        checkAvailable();
        try (FileChannel ch = openObject(key)) {
            return ObjectFile.read(ch, key);
        } catch (IOException e) {
            throw Fs.map("HEAD " + key, e);
        }
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        checkAvailable();
        FileChannel ch = null;
        try {
            ch = openObject(key);
            ObjectInfo info = ObjectFile.read(ch, key);
            if (options.ifMatch() != null && !options.ifMatch().equals(info.etag())) {
                throw new ObjectStoreException(PRECONDITION_FAILED, "GET " + key + ": ETag is " + info.etag()
                        + ", not " + options.ifMatch());
            }
            if (options.ifNoneMatch() != null && options.ifNoneMatch().equals(info.etag())) {
                throw new ObjectStoreException(NOT_MODIFIED, "GET " + key + ": not modified");
            }
            ByteRange range = options.range() == null ? ByteRange.from(0) : options.range();
            long last = range.lastInclusive(info.size());
            long offset = Math.min(range.offset(), info.size());
            long length = last < 0 ? 0 : last - range.offset() + 1;
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch); // closing the stream closes the channel
            ch = null;
            return new ObjectContent(info, offset, length, in);
        } catch (IOException e) {
            throw Fs.map("GET " + key, e);
        } finally {
            Fs.closeQuietly(ch);
        }
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        checkAvailable();
        try {
            return new Lister(objects, request).page();
        } catch (IOException e) {
            throw Fs.map("LIST " + request.prefix(), e);
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        Fs.validateContentType(options.contentType());
        checkAvailable();
        Path t = null;
        try {
            t = Fs.tempFile(tmp);
            MessageDigest md5 = Fs.md5();
            Instant now = Instant.now();
            try (FileChannel out = FileChannel.open(t, StandardOpenOption.WRITE)) {
                try (InputStream in = body.open()) {
                    Fs.copy(in, out, body.length(), md5);
                }
                String etag = HexFormat.of().formatHex(md5.digest());
                ObjectFile.writeTrailer(out, ObjectFile.header(etag, now, options.contentType(), options.userMetadata()));
                out.force(true);
                ObjectInfo info = new ObjectInfo(key, body.length(), etag, now, options.contentType(),
                        options.userMetadata());
                commit(key, t, options.ifMatch(), options.createOnly());
                return info;
            }
        } catch (IOException e) {
            throw Fs.map("PUT " + key, e);
        } finally {
            Fs.deleteQuietly(t);
        }
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        ObjectKeys.validate(sourceKey);
        ObjectKeys.validate(targetKey);
        Fs.validateContentType(options.replacementType());
        checkAvailable();
        Path t = null;
        try (FileChannel src = openObject(sourceKey)) {
            ObjectInfo from = ObjectFile.read(src, sourceKey);
            if (options.sourceIfMatch() != null && !options.sourceIfMatch().equals(from.etag())) {
                throw new ObjectStoreException(PRECONDITION_FAILED, "COPY " + sourceKey + ": ETag is "
                        + from.etag() + ", not " + options.sourceIfMatch());
            }
            boolean replace = options.replaceMetadata() != null;
            Map<String, String> meta = replace ? options.replaceMetadata() : from.userMetadata();
            String type = replace ? options.replacementType() : from.contentType();
            Instant now = Instant.now();
            t = Fs.tempFile(tmp);
            try (FileChannel out = FileChannel.open(t, StandardOpenOption.WRITE)) {
                Fs.transfer(src, 0, from.size(), out);
                ObjectFile.writeTrailer(out, ObjectFile.header(from.etag(), now, type, meta));
                out.force(true);
            }
            commit(targetKey, t, null, false);
            return new ObjectInfo(targetKey, from.size(), from.etag(), now, type, meta);
        } catch (IOException e) {
            throw Fs.map("COPY " + sourceKey + " -> " + targetKey, e);
        } finally {
            Fs.deleteQuietly(t);
        }
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        checkAvailable();
        Path p = KeyPaths.objectPath(objects, key);
        ReentrantLock l = lockFor(key);
        l.lock();
        try {
            if (Files.deleteIfExists(p)) {
                Fs.fsyncDir(p.getParent());
            }
        } catch (NoSuchFileException e) {
            // a parent directory was pruned by a concurrent delete: the key is gone either way
        } catch (IOException e) {
            throw Fs.map("DELETE " + key, e);
        } finally {
            l.unlock();
        }
        Fs.pruneEmptyDirs(p.getParent(), objects);
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        Map<String, ObjectStoreException> failed = new LinkedHashMap<>();
        for (String k : keys) {
            try {
                delete(k);
            } catch (ObjectStoreException e) {
                failed.put(k, e);
            }
        }
        return failed;
    }

    // ------------------------------------------------------------------ multipart

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        Fs.validateContentType(options.contentType());
        checkAvailable();
        try {
            return Uploads.create(uploads, key, options);
        } catch (IOException e) {
            throw Fs.map("CREATE MULTIPART " + key, e);
        }
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body) throws ObjectStoreException {
        checkAvailable();
        try {
            return Uploads.uploadPart(uploads, tmp, upload, partNumber, body);
        } catch (IOException e) {
            throw Fs.map("UPLOAD PART " + partNumber + " of " + upload.key(), e);
        }
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts) throws ObjectStoreException {
        checkAvailable();
        Path t = null;
        try {
            Uploads.Info info = Uploads.info(uploads, upload);
            t = Fs.tempFile(tmp);
            Instant now = Instant.now();
            long size;
            String etag;
            try (FileChannel out = FileChannel.open(t, StandardOpenOption.WRITE)) {
                etag = Uploads.assemble(uploads, upload, parts, out);
                size = out.position();
                ObjectFile.writeTrailer(out, ObjectFile.header(etag, now, info.options().contentType(),
                        info.options().userMetadata()));
                out.force(true);
            }
            commit(upload.key(), t, info.options().ifMatch(), info.options().createOnly());
            Uploads.delete(uploads, upload);
            return new ObjectInfo(upload.key(), size, etag, now, info.options().contentType(),
                    info.options().userMetadata());
        } catch (IOException e) {
            throw Fs.map("COMPLETE MULTIPART " + upload.key(), e);
        } finally {
            Fs.deleteQuietly(t);
        }
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        checkAvailable();
        try {
            Uploads.delete(uploads, upload);
        } catch (IOException e) {
            throw Fs.map("ABORT MULTIPART " + upload.key(), e);
        }
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    // ------------------------------------------------------------------ internals

    /**
     * Renames the finished temp file over {@code key}'s object file if the conditions hold, under the key's lock,
     * and makes the rename durable.
     */
    private void commit(String key, Path temp, String ifMatch, boolean createOnly) throws IOException {
        Path target = KeyPaths.objectPath(objects, key);
        ReentrantLock l = lockFor(key);
        l.lock();
        try {
            if (ifMatch != null || createOnly) {
                String current = currentEtag(target, key);
                if (createOnly && current != null) {
                    throw new ObjectStoreException(PRECONDITION_FAILED, "PUT " + key + ": the key exists");
                }
                if (ifMatch != null && current == null) {
                    throw new ObjectStoreException(NOT_FOUND, "PUT " + key + ": If-Match on a missing key");
                }
                if (ifMatch != null && !ifMatch.equals(current)) {
                    throw new ObjectStoreException(PRECONDITION_FAILED, "PUT " + key + ": ETag is " + current
                            + ", not " + ifMatch);
                }
            }
            Fs.moveIntoPlace(temp, target, objects);
        } finally {
            l.unlock();
        }
    }

    private static String currentEtag(Path target, String key) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            return ObjectFile.read(ch, key).etag();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private FileChannel openObject(String key) throws IOException {
        try {
            return FileChannel.open(KeyPaths.objectPath(objects, key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException(NOT_FOUND, "no object '" + key + "'");
        }
    }

    private ReentrantLock lockFor(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }

    private void checkAvailable() throws ObjectStoreException {
        if (!Files.isRegularFile(root.resolve(MARKER))) {
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "local store directory " + root
                    + " is not available (no " + MARKER + "; is its disk mounted?)");
        }
    }

    private void clearTemp() {
        try (var s = Files.newDirectoryStream(tmp)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // not created yet, or unavailable: calls will say so
        } catch (IOException e) {
            throw new IllegalStateException("cannot clear " + tmp + ": " + e.getMessage(), e);
        }
    }

    static ObjectStoreException permanent(String message) {
        return new ObjectStoreException(PERMANENT, message);
    }
}
