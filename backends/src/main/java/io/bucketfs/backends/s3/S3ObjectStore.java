package io.bucketfs.backends.s3;

import static io.bucketfs.backends.s3.S3Conversions.quote;
import static io.bucketfs.backends.s3.S3Conversions.unquote;

import io.bucketfs.backends.BackendSettings;
import io.bucketfs.backends.ByteRange;
import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.ConnectionSpec;
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
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.Provider;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.Retrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The {@link ObjectStore} of the S3 family (AWS S3, GCS interoperability, R2, B2, MinIO, Wasabi and other
 * S3-compatible stores) over the AWS SDK's synchronous client.
 *
 * <p>Retries are ours alone: the SDK is told not to retry, and every request runs through a {@link Retrier} with
 * the connection's {@link io.bucketfs.backends.RetryPolicy}; a request whose body is a one-shot stream is made once.
 * Failures are classified in one place ({@code S3Errors}). ETags leave this class without quotes and are quoted
 * when sent back. The upload id of a multipart upload carries the write condition it was created with (see
 * {@link S3UploadId}), so conditions apply at completion.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    /** The content type S3 assigns to bodies that name none; what a write reports when none was given. */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /** Keys per DeleteObjects request (S3's limit). */
    static final int DELETE_BATCH = 1000;

    private final ConnectionSpec spec;
    private final String bucket;
    private final URI endpoint;
    private final Retrier retrier;
    private final AwsRequestOverrideConfiguration shortCall;
    private final SdkHttpClient http;
    private final StsClient sts;
    private final AwsCredentialsProvider credentials;
    private final S3Client s3;
    private final S3MultipartCopy bigCopy;

    /**
     * Opens a store over {@code spec}'s bucket. Nothing is sent until the first call.
     *
     * @throws IllegalArgumentException if the spec is invalid or not of the S3 family
     */
    public S3ObjectStore(ConnectionSpec spec, BackendSettings settings) {
        this(spec, settings, S3MultipartCopy.Settings.DEFAULT);
    }

    /** A store that copies sources larger than {@code copy.threshold()} part by part (tests lower it). */
    S3ObjectStore(ConnectionSpec spec, BackendSettings settings, S3MultipartCopy.Settings copy) {
        Objects.requireNonNull(spec, "spec").validate();
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(copy, "copy");
        if (spec.provider().family() != Provider.Family.S3) {
            throw new IllegalArgumentException("provider: " + spec.provider().id() + " is not an S3 provider");
        }
        this.spec = spec;
        this.bucket = spec.bucket();
        this.endpoint = spec.effectiveEndpoint();
        this.retrier = new Retrier(settings.retry());
        this.shortCall = AwsRequestOverrideConfiguration.builder()
                .apiCallAttemptTimeout(settings.requestTimeout()).build();
        this.http = S3Clients.httpClient(settings);
        StsClient stsClient = null;
        try {
            if (S3Clients.assumesRole(spec)) {
                stsClient = S3Clients.stsClient(spec, http);
                this.credentials = S3Clients.assumeRole(spec, stsClient);
            } else {
                this.credentials = S3Clients.staticKeys(spec);
            }
            this.sts = stsClient;
            this.s3 = S3Clients.s3Client(spec, http, credentials);
        } catch (RuntimeException e) {
            closeQuietly(stsClient);
            closeQuietly(http);
            throw e;
        }
        this.bigCopy = new S3MultipartCopy(this, s3, bucket, copy);
    }

    @Override
    public String describe() {
        return "s3[provider=" + spec.provider().id() + ", bucket=" + bucket + ", endpoint="
                + (endpoint != null ? endpoint : "aws-default") + ", region=" + spec.effectiveRegion()
                + ", pathStyle=" + spec.effectivePathStyle() + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The SDK client (tests inspect its configuration). */
    S3Client client() {
        return s3;
    }

    /** The part-by-part copy of large sources (tests install its hook). */
    S3MultipartCopy multipartCopy() {
        return bigCopy;
    }

    /** The credentials the client signs with (tests check the STS wiring). */
    AwsCredentialsProvider credentialsProvider() {
        return credentials;
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        return call("HEAD", key, true, () -> headNow(key, null, null));
    }

    /** One HEAD, failures mapped, no retry: for use inside an attempt. */
    private ObjectInfo headNow(String key, String ifMatch, String ifNoneMatch) throws ObjectStoreException {
        try {
            return S3Conversions.info(key, s3.headObject(b -> b.bucket(bucket).key(key).ifMatch(quote(ifMatch))
                    .ifNoneMatch(quote(ifNoneMatch)).overrideConfiguration(shortCall)));
        } catch (RuntimeException e) {
            throw S3Errors.map("HEAD", key, e);
        }
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        GetOptions o = options == null ? GetOptions.NONE : options;
        ByteRange range = o.range();
        if (range != null && range.length() == 0) {
            return call("GET", key, true, () -> empty(headNow(key, o.ifMatch(), o.ifNoneMatch()), range.offset()));
        }
        return call("GET", key, true, () -> getOnce(key, o));
    }

    private ObjectContent getOnce(String key, GetOptions o) throws ObjectStoreException {
        ByteRange range = o.range();
        boolean ranged = range != null && !(range.offset() == 0 && range.length() == ByteRange.TO_END);
        GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key)
                .ifMatch(quote(o.ifMatch())).ifNoneMatch(quote(o.ifNoneMatch()));
        if (ranged) {
            req.range(range.toHttpHeader());
        }
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(req.build());
        } catch (RuntimeException e) {
            if (ranged && S3Errors.isInvalidRange(e)) {
                return pastTheEnd(key, o);
            }
            throw S3Errors.map("GET", key, e);
        }
        try {
            return content(key, ranged ? range : null, in);
        } catch (ObjectStoreException | RuntimeException e) {
            in.abort();
            closeQuietly(in);
            throw e;
        }
    }

    /** S3 refused a range starting at or past the end (416): the object's info with an empty body. */
    private ObjectContent pastTheEnd(String key, GetOptions o) throws ObjectStoreException {
        ObjectInfo info = headNow(key, o.ifMatch(), o.ifNoneMatch());
        if (info.size() > o.range().offset()) {
            throw new ObjectStoreException(Kind.TRANSIENT, "GET '" + key + "': the object grew while it was read");
        }
        return empty(info, o.range().offset());
    }

    private static ObjectContent empty(ObjectInfo info, long offset) {
        return new ObjectContent(info, offset, 0, InputStream.nullInputStream());
    }

    /** The body of a GET answer; {@code range} is null when the whole object was asked for. */
    private ObjectContent content(String key, ByteRange range, ResponseInputStream<GetObjectResponse> in)
            throws ObjectStoreException {
        GetObjectResponse r = in.response();
        long bodyLength = r.contentLength() == null ? -1 : r.contentLength();
        long total = S3Conversions.totalFromContentRange(r.contentRange());
        if (total >= 0) {
            long first = S3Conversions.firstFromContentRange(r.contentRange());
            return new ObjectContent(S3Conversions.info(key, total, r), first, bodyLength,
                    new S3BodyStream(in, bodyLength));
        }
        if (bodyLength < 0) {
            throw new ObjectStoreException(Kind.PERMANENT, "GET '" + key + "': answer without Content-Length");
        }
        ObjectInfo info = S3Conversions.info(key, bodyLength, r);
        S3BodyStream body = new S3BodyStream(in, bodyLength);
        if (range == null) {
            return new ObjectContent(info, 0, bodyLength, body);
        }
        // The server ignored the Range header and sent the whole object: skip to the range ourselves.
        long last = range.lastInclusive(bodyLength);
        if (last < 0) {
            closeQuietly(body);
            return empty(info, range.offset());
        }
        try {
            body.skipNBytes(range.offset());
        } catch (IOException e) {
            closeQuietly(body);
            throw S3Errors.map("GET", key, e);
        }
        return new ObjectContent(info, range.offset(), last - range.offset() + 1, body);
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        Objects.requireNonNull(body, "body");
        PutOptions o = options == null ? PutOptions.NONE : options;
        String type = o.contentType() != null ? o.contentType() : DEFAULT_CONTENT_TYPE;
        PutObjectRequest req = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentLength(body.length()).contentType(type).metadata(o.userMetadata())
                .ifMatch(quote(o.ifMatch())).ifNoneMatch(o.createOnly() ? "*" : null).build();
        return call("PUT", key, body.repeatable(), () -> withBody("PUT", key, body, type, rb -> {
            PutObjectResponse r = s3.putObject(req, rb);
            return new ObjectInfo(key, body.length(), unquote(r.eTag()),
                    S3Conversions.writeTime(r.sdkHttpResponse()), type, o.userMetadata());
        }));
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        PutOptions o = options == null ? PutOptions.NONE : options;
        String type = o.contentType() != null ? o.contentType() : DEFAULT_CONTENT_TYPE;
        return call("CREATE-MULTIPART", key, true, () -> {
            try {
                String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(type)
                        .metadata(o.userMetadata()).overrideConfiguration(shortCall)).uploadId();
                return new MultipartUpload(key, S3UploadId.of(id, o).encode());
            } catch (RuntimeException e) {
                throw S3Errors.map("CREATE-MULTIPART", key, e);
            }
        });
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(body, "body");
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw new IllegalArgumentException("part number must be 1.." + MAX_PARTS + ": " + partNumber);
        }
        String key = upload.key();
        String id = S3UploadId.parse(upload.uploadId()).s3UploadId();
        String op = "UPLOAD-PART " + partNumber;
        return call(op, key, body.repeatable(), () -> withBody(op, key, body, null, rb -> {
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
                    .contentLength(body.length()), rb).eTag();
            return new CompletedPart(partNumber, unquote(etag));
        }));
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload needs at least one part");
        }
        String key = upload.key();
        S3UploadId id = S3UploadId.parse(upload.uploadId());
        List<software.amazon.awssdk.services.s3.model.CompletedPart> sdkParts = new ArrayList<>(parts.size());
        for (CompletedPart p : parts) {
            sdkParts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                    .partNumber(p.partNumber()).eTag(quote(p.etag())).build());
        }
        CompletedMultipartUpload body = CompletedMultipartUpload.builder().parts(sdkParts).build();
        CompleteMultipartUploadResponse done = call("COMPLETE-MULTIPART", key, true, () -> {
            try {
                return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id.s3UploadId())
                        .multipartUpload(body).ifMatch(quote(id.ifMatch()))
                        .ifNoneMatch(id.createOnly() ? "*" : null));
            } catch (RuntimeException e) {
                throw S3Errors.map("COMPLETE-MULTIPART", key, e);
            }
        });
        return readBack(key, unquote(done.eTag()), S3Conversions.writeTime(done.sdkHttpResponse()));
    }

    /**
     * The info of an object just written with {@code etag} (S3's answers to a completion or copy do not carry
     * size and metadata). If it was replaced or removed meanwhile, what is known: size -1, no metadata.
     */
    private ObjectInfo readBack(String key, String etag, java.time.Instant written) throws ObjectStoreException {
        try {
            return call("HEAD", key, true, () -> headNow(key, etag, null));
        } catch (ObjectStoreException e) {
            if (e.kind() != Kind.PRECONDITION_FAILED && e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
            LOG.debug("{} '{}' changed right after it was written; its size is unknown", describe(), key);
            return new ObjectInfo(key, -1, etag, written, null, Map.of());
        }
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        Objects.requireNonNull(upload, "upload");
        String key = upload.key();
        String id = S3UploadId.parse(upload.uploadId()).s3UploadId();
        call("ABORT-MULTIPART", key, true, () -> {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).overrideConfiguration(shortCall));
            } catch (RuntimeException e) {
                ObjectStoreException mapped = S3Errors.map("ABORT-MULTIPART", key, e);
                if (mapped.kind() != Kind.NOT_FOUND || S3Errors.isNoSuchBucket(e)) {
                    throw mapped;
                }
            }
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The source is HEADed first (under {@code sourceIfMatch}) for its size. Up to the multipart-copy threshold
     * (5 GiB, S3's CopyObject limit) one CopyObject copies it. A larger source is copied part by part with
     * UploadPartCopy, every part pinned to the ETag the HEAD saw (a source replaced meanwhile fails the copy with
     * PRECONDITION_FAILED), a few parts at a time on threads of the call's own although the SPI otherwise leaves
     * parallelism to callers; see {@link S3MultipartCopy} for why, and for what happens on failure.
     */
    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        ObjectKeys.validate(sourceKey);
        ObjectKeys.validate(targetKey);
        CopyOptions o = options == null ? CopyOptions.KEEP_METADATA : options;
        String op = "COPY to '" + targetKey + "' from";
        HeadObjectResponse source = call(op, sourceKey, true, () -> s3.headObject(b -> b.bucket(bucket)
                .key(sourceKey).ifMatch(quote(o.sourceIfMatch())).overrideConfiguration(shortCall)));
        long size = source.contentLength() == null ? 0 : source.contentLength();
        if (bigCopy.needed(size)) {
            return bigCopy.copy(sourceKey, targetKey, o, source);
        }
        return copyInOneRequest(sourceKey, targetKey, o);
    }

    /** One CopyObject: sources up to 5 GiB. */
    private ObjectInfo copyInOneRequest(String sourceKey, String targetKey, CopyOptions o)
            throws ObjectStoreException {
        CopyObjectRequest.Builder req = CopyObjectRequest.builder()
                .sourceBucket(bucket).sourceKey(sourceKey).destinationBucket(bucket).destinationKey(targetKey)
                .copySourceIfMatch(quote(o.sourceIfMatch()));
        if (o.replaceMetadata() != null) {
            req.metadataDirective(MetadataDirective.REPLACE).metadata(o.replaceMetadata())
                    .contentType(o.replacementType() != null ? o.replacementType() : DEFAULT_CONTENT_TYPE);
        } else {
            req.metadataDirective(MetadataDirective.COPY);
        }
        CopyObjectRequest request = req.build();
        CopyObjectResponse done = call("COPY to '" + targetKey + "' from", sourceKey, true,
                () -> s3.copyObject(request));
        java.time.Instant written = done.copyObjectResult().lastModified();
        return readBack(targetKey, unquote(done.copyObjectResult().eTag()),
                written != null ? written : S3Conversions.writeTime(done.sdkHttpResponse()));
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        call("DELETE", key, true, () -> {
            try {
                s3.deleteObject(b -> b.bucket(bucket).key(key).overrideConfiguration(shortCall));
            } catch (RuntimeException e) {
                ObjectStoreException mapped = S3Errors.map("DELETE", key, e);
                if (mapped.kind() != Kind.NOT_FOUND || S3Errors.isNoSuchBucket(e)) {
                    throw mapped;
                }
            }
            return null;
        });
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        Objects.requireNonNull(keys, "keys");
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        unique.forEach(ObjectKeys::validate);
        Map<String, ObjectStoreException> failed = new LinkedHashMap<>();
        for (int from = 0; from < unique.size(); from += DELETE_BATCH) {
            List<String> batch = unique.subList(from, Math.min(unique.size(), from + DELETE_BATCH));
            deleteBatch(batch, failed);
        }
        return failed;
    }

    private void deleteBatch(List<String> batch, Map<String, ObjectStoreException> failed)
            throws ObjectStoreException {
        List<ObjectIdentifier> ids = new ArrayList<>(batch.size());
        for (String k : batch) {
            ids.add(ObjectIdentifier.builder().key(k).build());
        }
        Delete delete = Delete.builder().objects(ids).quiet(true).build();
        String label = batch.size() + " keys from '" + batch.get(0) + "'";
        DeleteObjectsResponse r = call("DELETE-OBJECTS", label, true, () -> {
            try {
                return s3.deleteObjects(b -> b.bucket(bucket).delete(delete).overrideConfiguration(shortCall));
            } catch (RuntimeException e) {
                throw S3Errors.map("DELETE-OBJECTS", label, e);
            }
        });
        for (S3Error err : r.errors()) {
            Kind kind = S3Errors.kindOfCode(err.code());
            if (kind == Kind.NOT_FOUND && !"NoSuchBucket".equals(err.code())) {
                continue;
            }
            failed.put(err.key(), new ObjectStoreException(kind,
                    "DELETE '" + err.key() + "': " + err.code() + ": " + err.message()));
        }
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        Objects.requireNonNull(request, "request");
        String label = "'" + request.prefix() + "'";
        ListObjectsV2Response r = call("LIST", label, true, () -> {
            try {
                return s3.listObjectsV2(b -> b.bucket(bucket)
                        .prefix(request.prefix().isEmpty() ? null : request.prefix())
                        .delimiter(request.delimiter()).continuationToken(request.continuationToken())
                        .maxKeys(request.maxKeys()).overrideConfiguration(shortCall));
            } catch (RuntimeException e) {
                throw S3Errors.map("LIST", label, e);
            }
        });
        List<ObjectSummary> objects = new ArrayList<>(r.contents().size());
        for (S3Object o : r.contents()) {
            objects.add(new ObjectSummary(o.key(), o.size() == null ? 0 : o.size(), unquote(o.eTag()),
                    o.lastModified()));
        }
        List<String> prefixes = new ArrayList<>(r.commonPrefixes().size());
        for (CommonPrefix p : r.commonPrefixes()) {
            prefixes.add(p.prefix());
        }
        boolean more = Boolean.TRUE.equals(r.isTruncated()) && r.nextContinuationToken() != null;
        return new ListPage(objects, prefixes, more ? r.nextContinuationToken() : null);
    }

    @Override
    public void close() {
        closeQuietly(s3);
        if (credentials instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        closeQuietly(sts);
        closeQuietly(http);
    }

    // ---- plumbing ----

    /** One SDK exchange that throws already-mapped failures. */
    @FunctionalInterface
    interface Exchange<T> {
        T run() throws ObjectStoreException;
    }

    /** One SDK exchange with a request body. */
    @FunctionalInterface
    private interface BodyExchange<T> {
        T run(RequestBody body);
    }

    /** Runs {@code exchange} under the retry policy; unmapped runtime failures are mapped here. */
    <T> T call(String operation, String key, boolean repeatable, Exchange<T> exchange)
            throws ObjectStoreException {
        return retrier.call(operation + " " + key, repeatable, () -> {
            try {
                return exchange.run();
            } catch (RuntimeException e) {
                throw S3Errors.map(operation, key, e);
            }
        });
    }

    /**
     * Sends {@code payload} as the body of {@code exchange}: streamed from {@link Payload#open()} (re-opened for
     * each read the SDK needs when the payload is repeatable), every stream opened closed afterwards.
     */
    private <T> T withBody(String operation, String key, Payload payload, String type, BodyExchange<T> exchange)
            throws ObjectStoreException {
        List<InputStream> opened = new ArrayList<>(2);
        try {
            RequestBody body;
            if (payload.repeatable()) {
                body = RequestBody.fromContentProvider(() -> {
                    InputStream s = open(payload);
                    synchronized (opened) {
                        opened.add(s);
                    }
                    return s;
                }, payload.length(), type != null ? type : DEFAULT_CONTENT_TYPE);
            } else {
                InputStream s = open(payload);
                opened.add(s);
                body = RequestBody.fromInputStream(s, payload.length());
            }
            return exchange.run(body);
        } catch (PayloadOpenException e) {
            throw new ObjectStoreException(Kind.PERMANENT, operation + " '" + key + "': cannot read the payload: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (RuntimeException e) {
            PayloadOpenException open = findCause(e, PayloadOpenException.class);
            if (open != null) {
                throw new ObjectStoreException(Kind.PERMANENT, operation + " '" + key
                        + "': cannot read the payload: " + open.getCause().getMessage(), open.getCause());
            }
            throw S3Errors.map(operation, key, e);
        } finally {
            synchronized (opened) {
                opened.forEach(S3ObjectStore::closeQuietly);
            }
        }
    }

    private static InputStream open(Payload payload) {
        try {
            return payload.open();
        } catch (IOException e) {
            throw new PayloadOpenException(e);
        }
    }

    /** The payload could not be opened: a local failure, not the backend's, and never retried. */
    private static final class PayloadOpenException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        PayloadOpenException(IOException cause) {
            super(cause);
        }
    }

    private static <E extends Throwable> E findCause(Throwable t, Class<E> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
