package io.bucketfs.backends.s3;

import static io.bucketfs.backends.s3.S3Conversions.quote;
import static io.bucketfs.backends.s3.S3Conversions.unquote;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.PutOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The server-side copy of a source too large for one S3 {@code CopyObject} (5 GiB): a multipart upload on the
 * target whose parts are {@code UploadPartCopy}s of consecutive byte ranges of the source.
 *
 * <ul>
 *   <li>Every part copy carries {@code x-amz-copy-source-if-match} with the ETag the caller's HEAD saw, so the
 *       target is a copy of exactly that version: a source replaced mid-copy fails the copy with
 *       PRECONDITION_FAILED (a deleted one with NOT_FOUND) instead of splicing two versions.</li>
 *   <li>Metadata: the source's user metadata, content type, Cache-Control, Content-Disposition, Content-Encoding
 *       and Content-Language when keeping (what CopyObject's COPY directive keeps, but not object tags, which
 *       bucketfs does not use), the replacement metadata and type when replacing.</li>
 *   <li>On any failure the upload is aborted (best effort; a failed abort is logged and attached as suppressed)
 *       and the typed failure is rethrown. Every request runs through the store's retrier and error mapping.</li>
 * </ul>
 *
 * <h2>Parallelism</h2>
 * The {@link ObjectStore} SPI leaves parallelism to callers, and every other call of the store is one request at
 * a time. A copy is one call that the VFS makes for a rename, though, and copying a 100 GiB file one 512 MiB part
 * after another would take far too long; callers cannot split it since the SPI has no part-copy call. So a copy
 * runs up to {@link Settings#parallelism()} part copies at a time (4 by default) on threads of its own, created
 * for the call and gone when it returns. The bound is per call: the caller's pool still bounds how many copies run
 * at once, and the connection pool ({@code maxConnections}) bounds the requests of all of them. After a part
 * failed no further part starts; the copies in flight are waited for, so that the abort comes last.
 */
final class S3MultipartCopy {

    private static final Logger LOG = LoggerFactory.getLogger(S3MultipartCopy.class);

    /** The largest source one S3 CopyObject copies, and the largest part of a multipart upload. */
    static final long S3_COPY_LIMIT = 5L * 1024 * 1024 * 1024;

    private static final long MIB = 1024 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * When and how large sources are copied part by part.
     *
     * @param threshold    sources larger than this many bytes are copied part by part (at most S3's limit)
     * @param partSize     the bytes per part copy, grown for sources that would need more than
     *                     {@value ObjectStore#MAX_PARTS} parts ({@link ObjectStore#MIN_PART_SIZE} to 5 GiB)
     * @param parallelism  part copies at a time within one copy call
     */
    record Settings(long threshold, long partSize, int parallelism) {

        static final Settings DEFAULT = new Settings(S3_COPY_LIMIT, 512 * MIB, 4);

        Settings {
            if (threshold < 0 || threshold > S3_COPY_LIMIT) {
                throw new IllegalArgumentException("threshold must be 0.." + S3_COPY_LIMIT + ": " + threshold);
            }
            if (partSize < ObjectStore.MIN_PART_SIZE || partSize > S3_COPY_LIMIT) {
                throw new IllegalArgumentException("partSize must be " + ObjectStore.MIN_PART_SIZE + ".."
                        + S3_COPY_LIMIT + ": " + partSize);
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
            }
        }
    }

    /** Test hook: runs once the target's upload exists, before any part is copied. */
    @FunctionalInterface
    interface BeforePartsHook {
        void run(ObjectInfo source, MultipartUpload upload) throws Exception;
    }

    private final S3ObjectStore store;
    private final S3Client s3;
    private final String bucket;
    private final Settings settings;
    private volatile BeforePartsHook beforeParts = (source, upload) -> { };

    S3MultipartCopy(S3ObjectStore store, S3Client s3, String bucket, Settings settings) {
        this.store = store;
        this.s3 = s3;
        this.bucket = bucket;
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /** Whether a source of {@code size} bytes is copied part by part. */
    boolean needed(long size) {
        return size > settings.threshold();
    }

    /** Installs a hook that runs after the upload was created and before the first part copy (tests only). */
    void beforeParts(BeforePartsHook hook) {
        this.beforeParts = hook == null ? (source, upload) -> { } : hook;
    }

    /**
     * The bytes per part for a source of {@code size}: {@code configured}, or more (in whole MiB) if that would
     * take more than {@value ObjectStore#MAX_PARTS} parts. PERMANENT if even 5 GiB parts are too few.
     */
    static long partSize(long size, long configured) throws ObjectStoreException {
        long needed = ceilDiv(size, ObjectStore.MAX_PARTS);
        long part = Math.max(configured, ceilDiv(needed, MIB) * MIB);
        if (part > S3_COPY_LIMIT) {
            throw new ObjectStoreException(Kind.PERMANENT, "a copy source of " + size + " bytes needs more than "
                    + ObjectStore.MAX_PARTS + " parts of " + S3_COPY_LIMIT + " bytes");
        }
        return part;
    }

    /**
     * Copies {@code sourceKey}, whose HEAD answer is {@code source} (taken under the caller's sourceIfMatch), to
     * {@code targetKey} and returns the target's info.
     */
    ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options, HeadObjectResponse source)
            throws ObjectStoreException {
        ObjectInfo info = S3Conversions.info(sourceKey, source);
        long partSize = partSize(info.size(), settings.partSize());
        MultipartUpload upload = create(targetKey, options, source);
        LOG.debug("{}: copying '{}' ({} bytes, ETag {}) to '{}' in parts of {} bytes", store.describe(), sourceKey,
                info.size(), info.etag(), targetKey, partSize);
        try {
            beforeParts.run(info, upload);
            List<CompletedPart> parts = copyParts(sourceKey, upload, info, partSize);
            return store.completeMultipart(upload, parts);
        } catch (Exception e) {
            abortQuietly(upload, e);
            if (e instanceof ObjectStoreException ose) {
                throw ose;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new ObjectStoreException(Kind.PERMANENT, "COPY to '" + targetKey + "' from '" + sourceKey + "': "
                    + e, e);
        }
    }

    /** CreateMultipartUpload on the target with the metadata the copy gives it. */
    private MultipartUpload create(String targetKey, CopyOptions o, HeadObjectResponse source)
            throws ObjectStoreException {
        CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder().bucket(bucket)
                .key(targetKey);
        if (o.replaceMetadata() != null) {
            req.metadata(o.replaceMetadata()).contentType(o.replacementType() != null ? o.replacementType()
                    : S3ObjectStore.DEFAULT_CONTENT_TYPE);
        } else {
            req.metadata(source.metadata()).contentType(source.contentType() != null ? source.contentType()
                    : S3ObjectStore.DEFAULT_CONTENT_TYPE)
                    .cacheControl(source.cacheControl()).contentDisposition(source.contentDisposition())
                    .contentEncoding(source.contentEncoding()).contentLanguage(source.contentLanguage());
        }
        CreateMultipartUploadRequest request = req.build();
        String id = store.call("CREATE-MULTIPART (copy)", targetKey, true,
                () -> s3.createMultipartUpload(request).uploadId());
        return new MultipartUpload(targetKey, S3UploadId.of(id, PutOptions.NONE).encode());
    }

    /**
     * Copies the parts, up to {@link Settings#parallelism()} at a time, each worker taking the next part number
     * until none is left or a part failed; returns them in part order or throws the first failure.
     */
    private List<CompletedPart> copyParts(String sourceKey, MultipartUpload upload, ObjectInfo source,
            long partSize) throws ObjectStoreException {
        int count = (int) ceilDiv(source.size(), partSize);
        CompletedPart[] done = new CompletedPart[count];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<ObjectStoreException> failure = new AtomicReference<>();
        int workers = Math.min(settings.parallelism(), count);
        ExecutorService pool = Executors.newFixedThreadPool(workers, threadFactory());
        try {
            List<Future<?>> running = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count && failure.get() == null;
                            i = next.getAndIncrement()) {
                        long first = i * partSize;
                        long last = Math.min(source.size(), first + partSize) - 1;
                        try {
                            done[i] = copyPart(sourceKey, upload, i + 1, first, last, source.etag());
                        } catch (ObjectStoreException | RuntimeException e) {
                            ObjectStoreException mapped = S3Errors.map("UPLOAD-PART-COPY " + (i + 1),
                                    upload.key(), e);
                            if (!failure.compareAndSet(null, mapped)) {
                                failure.get().addSuppressed(mapped);
                            }
                        }
                    }
                }));
            }
            awaitAll(running, failure, upload.key());
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return Arrays.asList(done);
    }

    /** Waits for every worker; if this thread is interrupted, stops them and fails TRANSIENT. */
    private static void awaitAll(List<Future<?>> running, AtomicReference<ObjectStoreException> failure,
            String key) throws ObjectStoreException {
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure.compareAndSet(null, S3Errors.map("UPLOAD-PART-COPY", key, e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ObjectStoreException interrupted = new ObjectStoreException(Kind.TRANSIENT,
                        "COPY to '" + key + "': interrupted while parts were copied", e);
                failure.compareAndSet(null, interrupted);
                running.forEach(r -> r.cancel(true));
                throw interrupted;
            }
        }
    }

    /** One UploadPartCopy of bytes {@code first..last} of the source, pinned to {@code etag}. */
    private CompletedPart copyPart(String sourceKey, MultipartUpload upload, int partNumber, long first, long last,
            String etag) throws ObjectStoreException {
        String key = upload.key();
        String id = S3UploadId.parse(upload.uploadId()).s3UploadId();
        String op = "UPLOAD-PART-COPY " + partNumber + " (bytes " + first + "-" + last + " of '" + sourceKey
                + "') to";
        return store.call(op, key, true, () -> {
            String partEtag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                    .destinationBucket(bucket).destinationKey(key).uploadId(id).partNumber(partNumber)
                    .copySourceRange("bytes=" + first + "-" + last).copySourceIfMatch(quote(etag)))
                    .copyPartResult().eTag();
            return new CompletedPart(partNumber, unquote(partEtag));
        });
    }

    /** Aborts the upload; a failure to do so is logged and attached to {@code cause}. */
    private void abortQuietly(MultipartUpload upload, Exception cause) {
        boolean interrupted = Thread.interrupted(); // the abort is still worth sending
        try {
            store.abortMultipart(upload);
        } catch (ObjectStoreException | RuntimeException e) {
            LOG.warn("{}: aborting the copy upload to '{}' failed; its parts stay until the bucket's lifecycle "
                    + "removes them: {}", store.describe(), upload.key(), e.getMessage());
            cause.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory threadFactory() {
        return r -> {
            Thread t = new Thread(r, "bucketfs-s3-copy-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static long ceilDiv(long a, long b) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
