package io.bucketfs.backends;

import java.io.Closeable;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The object-store SPI: everything bucketfs asks of a bucket. One instance serves one bucket (or container);
 * {@link ObjectStores#open} makes one from a {@link ConnectionSpec}.
 *
 * <h2>Blocking, thread-safe, callers own the parallelism</h2>
 * Every method blocks until the backend answered, and every implementation is safe for concurrent use. There is
 * no async variant: the cache and the VFS call stores from bounded worker pools of their own (fetch pool, upload
 * pool, journal applier), which is where concurrency limits, back-pressure and fairness belong. Multipart parts
 * are uploaded in parallel by submitting {@link #uploadPart} calls to such a pool.
 *
 * <h2>Data never whole in memory</h2>
 * Bodies go in as a {@link Payload} (a file range, a buffer, a stream) and come out as an {@link ObjectContent}
 * stream.
 *
 * <h2>Failures</h2>
 * Every failure is an {@link ObjectStoreException} with a {@link ObjectStoreException.Kind}. Implementations retry
 * throttling, 5xx, connection failures, resets and timeouts with bounded exponential backoff and jitter
 * ({@link RetryPolicy}) before giving up; 4xx answers are never retried. Argument errors (an invalid key, bad
 * metadata) are {@link IllegalArgumentException}s raised before any request.
 *
 * <h2>Keys and ETags</h2>
 * Keys follow {@link ObjectKeys#validate}: any well-formed Unicode up to 1024 UTF-8 bytes, including spaces,
 * {@code + % #}, and a trailing {@code /} (directory markers). ETags are returned without quotes and are opaque:
 * pass them back as they came.
 */
public interface ObjectStore extends Closeable {

    /** The most parts one multipart upload may have. */
    int MAX_PARTS = 10_000;

    /** The smallest part size callers may use for every part but the last (S3's rule; the local store enforces it). */
    long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** A short description for logs: provider, bucket, endpoint. Never credentials. */
    String describe();

    /** The object's size, ETag, time, type and user metadata. NOT_FOUND if there is none. */
    ObjectInfo head(String key) throws ObjectStoreException;

    /**
     * Opens the object's body (or the range in {@code options}). A range starting at or past the end yields an
     * empty body with the object's info; a range ending past the end is cut there. Conditions: see {@link GetOptions}.
     */
    ObjectContent get(String key, GetOptions options) throws ObjectStoreException;

    /** Writes the whole object from {@code body}, atomically replacing any previous version. */
    ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException;

    /**
     * Starts a multipart upload. Metadata, content type and conditions in {@code options} apply when it is
     * completed (a createOnly upload fails at completion if the key appeared meanwhile).
     */
    MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException;

    /**
     * Uploads part {@code partNumber} (1..{@value #MAX_PARTS}); uploading the same number again replaces it. Parts
     * may be uploaded concurrently and in any order. Every part but the last must be at least
     * {@link #MIN_PART_SIZE} bytes.
     */
    CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body) throws ObjectStoreException;

    /**
     * Assembles the object from {@code parts} (ascending part numbers, ETags as uploadPart returned them) and
     * makes it visible atomically. NOT_FOUND if the upload is unknown (aborted, completed, or expired).
     */
    ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts) throws ObjectStoreException;

    /** Discards the upload and its parts. Aborting an unknown upload succeeds. */
    void abortMultipart(MultipartUpload upload) throws ObjectStoreException;

    /**
     * Copies {@code sourceKey} to {@code targetKey} inside the bucket without moving data through bucketfs,
     * keeping or replacing the metadata (see {@link CopyOptions}). NOT_FOUND if the source does not exist.
     */
    ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException;

    /** Deletes the key. Deleting a key that does not exist succeeds. */
    void delete(String key) throws ObjectStoreException;

    /**
     * Deletes many keys, batched where the backend can (S3 DeleteObjects, 1000 at a time). Missing keys count as
     * deleted. Returns the keys that could not be deleted with why; empty when all went.
     */
    Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException;

    /** One page of keys under a prefix, optionally rolled up at a delimiter. See {@link ListRequest}, {@link ListPage}. */
    ListPage list(ListRequest request) throws ObjectStoreException;

    /** Releases connections and threads. */
    @Override
    void close();
}
