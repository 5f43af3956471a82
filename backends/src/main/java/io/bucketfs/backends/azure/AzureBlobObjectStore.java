package io.bucketfs.backends.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobInputStream;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link ObjectStore} over one Azure Blob Storage container (block blobs), with the SDK's retries off and every
 * call run through {@link Retrier} under {@link BackendSettings#retry()}.
 *
 * <h2>How the SPI maps onto Azure</h2>
 * <ul>
 *   <li>GET streams through {@link BlobClient#openInputStream(BlobInputStreamOptions)}: ranged requests of
 *       {@value #READ_BLOCK_SIZE} bytes, each pinned with If-Match to the ETag the first one saw, so memory per open
 *       body is bounded by that block. A range starting at or past the end (Azure: 416) is answered with the
 *       object's properties and an empty body.</li>
 *   <li>PUT is one Put Blob streamed from the payload; If-None-Match {@code *} makes create-only writes exclusive.
 *       A content type left {@code null} becomes Azure's default {@code application/octet-stream}.</li>
 *   <li>Multipart: staged blocks committed with one Put Block List; see {@link AzureMultipart}. Azure discards
 *       the uncommitted blocks of a blob whenever any write to it commits, so of two uploads to one key running
 *       at the same time only the first to complete succeeds; the other completes as NOT_FOUND, or as
 *       PRECONDITION_FAILED when its condition (createOnly, ifMatch) no longer holds.</li>
 *   <li>Copy is a server-side Copy Blob, waited for. Replacing metadata with none, or replacing the content type,
 *       takes a follow-up request pinned with If-Match to the copy, so it is not atomic.</li>
 *   <li>Metadata names: {@link AzureMetadata}. Listing order is the service's (Azure lists by name).</li>
 * </ul>
 */
public final class AzureBlobObjectStore implements ObjectStore {

    static {
        AzureClients.allowContentLengthHeader();
    }

    /** Bytes fetched per request while a GET body is streamed (the SDK's default block). */
    public static final int READ_BLOCK_SIZE = 4 * 1024 * 1024;
    /** Azure's content type for blobs written without one. */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Duration COPY_POLL_INTERVAL = Duration.ofMillis(200);

    private final String account;
    private final String container;
    private final String endpoint;
    private final String sasToken;
    private final BackendSettings settings;
    private final Retrier retrier;
    private final AzureClients clients;
    private final AzureMultipart multipart;

    /** A store over {@code spec}'s container; the spec is validated first. Makes no request. */
    public AzureBlobObjectStore(ConnectionSpec spec, BackendSettings settings) {
        Objects.requireNonNull(spec, "spec").validate();
        if (spec.provider().family() != Provider.Family.AZURE) {
            throw new IllegalArgumentException("provider: " + spec.provider().id() + " is not an Azure provider");
        }
        this.settings = Objects.requireNonNull(settings, "settings");
        this.account = spec.accountName();
        this.container = spec.bucket();
        this.endpoint = spec.effectiveEndpoint().toString();
        this.sasToken = AzureClients.sasToken(spec);
        this.retrier = new Retrier(settings.retry());
        this.clients = new AzureClients(spec, settings);
        this.multipart = new AzureMultipart(this);
    }

    @Override
    public String describe() {
        return "azure account=" + account + " container=" + container + " endpoint=" + endpoint;
    }

    // ---------------------------------------------------------------------------------------------- calls

    /** One SDK call; SDK failures are mapped by {@link #call}. */
    @FunctionalInterface
    interface SdkCall<T> {
        T run() throws IOException;
    }

    /** Runs {@code c} under the retry policy, mapping every failure with {@link AzureErrors#map}. */
    <T> T call(String operation, String key, boolean repeatable, SdkCall<T> c) throws ObjectStoreException {
        return retrier.call(operation + " " + key, repeatable, () -> {
            try {
                return c.run();
            } catch (IOException | RuntimeException e) {
                throw AzureErrors.map(operation, key, e);
            }
        });
    }

    BlobContainerClient control() {
        return clients.control();
    }

    BlobContainerClient data() {
        return clients.data();
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        return call("head", key, true, () -> properties(key, null));
    }

    /** HEAD with {@code conditions}. */
    ObjectInfo properties(String key, BlobRequestConditions conditions) {
        BlobProperties p = blob(control(), key).getPropertiesWithResponse(conditions, null, Context.NONE)
                .getValue();
        return info(key, p);
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        GetOptions o = options == null ? GetOptions.NONE : options;
        ByteRange range = o.range();
        if (range != null && range.length() == 0) {
            ObjectInfo info = call("get", key, true, () -> properties(key, conditions(o.ifMatch(), o.ifNoneMatch())));
            return empty(info, range.offset());
        }
        return call("get", key, true, () -> open(key, o));
    }

    private ObjectContent open(String key, GetOptions o) {
        ByteRange r = o.range();
        BlobInputStreamOptions opts = new BlobInputStreamOptions()
                .setBlockSize(READ_BLOCK_SIZE)
                .setRequestConditions(conditions(o.ifMatch(), o.ifNoneMatch()));
        if (r != null) {
            opts.setRange(r.length() == ByteRange.TO_END ? new BlobRange(r.offset())
                    : new BlobRange(r.offset(), r.length()));
        }
        BlobInputStream in;
        try {
            in = blob(data(), key).openInputStream(opts);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 416) {
                // the range starts at or past the end: the object's info with the same conditions, no body
                return empty(properties(key, conditions(o.ifMatch(), o.ifNoneMatch())), r == null ? 0 : r.offset());
            }
            throw e;
        }
        ObjectInfo info = info(key, in.getProperties());
        long first = r == null ? 0 : r.offset();
        long last = r == null ? info.size() - 1 : r.lastInclusive(info.size());
        if (last < first) {
            closeQuietly(in);
            return empty(info, first);
        }
        return new ObjectContent(info, first, last - first + 1, new AzureBodyStream(in, key));
    }

    private static ObjectContent empty(ObjectInfo info, long offset) {
        return new ObjectContent(info, offset, 0, InputStream.nullInputStream());
    }

    // ---------------------------------------------------------------------------------------------- writes

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        Objects.requireNonNull(body, "body");
        PutOptions o = options == null ? PutOptions.NONE : options;
        return call("put", key, body.repeatable(), () -> {
            try (InputStream in = new RewindAtStartInputStream(body.open())) {
                BlockBlobSimpleUploadOptions up = new BlockBlobSimpleUploadOptions(in, body.length())
                        .setHeaders(new BlobHttpHeaders().setContentType(o.contentType()))
                        .setMetadata(AzureMetadata.toAzure(o.userMetadata()))
                        .setRequestConditions(conditions(o.ifMatch(), o.createOnly() ? "*" : null));
                BlockBlobItem item = blob(data(), key).getBlockBlobClient()
                        .uploadWithResponse(up, null, Context.NONE).getValue();
                return written(key, body.length(), item, o);
            }
        });
    }

    /** The info of an object this store just wrote from {@code o}. */
    static ObjectInfo written(String key, long size, BlockBlobItem item, PutOptions o) {
        return new ObjectInfo(key, size, unquote(item.getETag()), instant(item.getLastModified()),
                o.contentType() != null ? o.contentType() : DEFAULT_CONTENT_TYPE, o.userMetadata());
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        ObjectKeys.validate(key);
        return multipart.create(key, options == null ? PutOptions.NONE : options);
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        return multipart.uploadPart(upload, partNumber, body);
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        return multipart.complete(upload, parts);
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        multipart.abort(upload);
    }

    // ---------------------------------------------------------------------------------------------- copy

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        ObjectKeys.validate(sourceKey);
        ObjectKeys.validate(targetKey);
        CopyOptions o = options == null ? CopyOptions.KEEP_METADATA : options;
        if (sourceKey.equals(targetKey) && o.replaceMetadata() != null) {
            // a copy onto itself only changes metadata: set it in place
            return call("copy", targetKey, true, () -> {
                ObjectInfo now = properties(targetKey, conditions(o.sourceIfMatch(), null));
                return replaceProperties(targetKey, now, o);
            });
        }
        return call("copy", targetKey, true, () -> {
            ObjectInfo copied = serverSideCopy(sourceKey, targetKey, o);
            return o.replaceMetadata() == null ? copied : replaceProperties(targetKey, copied, o);
        });
    }

    private ObjectInfo serverSideCopy(String sourceKey, String targetKey, CopyOptions o) throws ObjectStoreException {
        BlobClient source = blob(control(), sourceKey);
        String url = source.getBlobUrl() + (sasToken != null ? "?" + sasToken : "");
        BlobBeginCopyOptions copy = new BlobBeginCopyOptions(url).setPollInterval(COPY_POLL_INTERVAL);
        if (o.sourceIfMatch() != null) {
            copy.setSourceRequestConditions(new BlobBeginCopySourceRequestConditions()
                    .setIfMatch(quote(o.sourceIfMatch())));
        }
        if (o.replaceMetadata() != null && !o.replaceMetadata().isEmpty()) {
            copy.setMetadata(AzureMetadata.toAzure(o.replaceMetadata()));
        }
        SyncPoller<BlobCopyInfo, Void> poller = blob(control(), targetKey).beginCopy(copy);
        PollResponse<BlobCopyInfo> done = poller.waitForCompletion(settings.requestTimeout());
        CopyStatusType status = done.getValue() == null ? null : done.getValue().getCopyStatus();
        if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED
                || status != CopyStatusType.SUCCESS) {
            if (status == CopyStatusType.PENDING) {
                poller.cancelOperation();
            }
            throw new ObjectStoreException(Kind.TRANSIENT, "copy '" + sourceKey + "' to '" + targetKey
                    + "' did not complete: " + done.getStatus() + "/" + status);
        }
        return properties(targetKey, null);
    }

    /**
     * Gives {@code current} (the target as it is now) the metadata and content type of {@code o}, each change
     * pinned to the ETag the previous step left.
     */
    private ObjectInfo replaceProperties(String key, ObjectInfo current, CopyOptions o) {
        BlobClient blob = blob(control(), key);
        ObjectInfo now = current;
        if (!now.userMetadata().equals(o.replaceMetadata())) {
            blob.setMetadataWithResponse(AzureMetadata.toAzure(o.replaceMetadata()), conditions(now.etag(), null),
                    null, Context.NONE);
            now = properties(key, null);
        }
        String type = o.replacementType() != null ? o.replacementType() : DEFAULT_CONTENT_TYPE;
        if (!type.equals(now.contentType())) {
            BlobProperties p = blob.getPropertiesWithResponse(conditions(now.etag(), null), null, Context.NONE)
                    .getValue();
            BlobHttpHeaders h = new BlobHttpHeaders().setContentType(type)
                    .setContentEncoding(p.getContentEncoding()).setContentLanguage(p.getContentLanguage())
                    .setContentDisposition(p.getContentDisposition()).setCacheControl(p.getCacheControl())
                    .setContentMd5(p.getContentMd5());
            blob.setHttpHeadersWithResponse(h, conditions(now.etag(), null), null, Context.NONE);
            now = properties(key, null);
        }
        return now;
    }

    // ---------------------------------------------------------------------------------------------- delete

    @Override
    public void delete(String key) throws ObjectStoreException {
        ObjectKeys.validate(key);
        call("delete", key, true, () -> blob(control(), key)
                .deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE));
    }

    /** Azure has no batch delete here (Blob Batch is a separate artifact): the keys are deleted one by one. */
    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        Objects.requireNonNull(keys, "keys");
        keys.forEach(ObjectKeys::validate);
        Map<String, ObjectStoreException> failed = new LinkedHashMap<>();
        for (String key : keys) {
            try {
                delete(key);
            } catch (ObjectStoreException e) {
                failed.put(key, e);
            }
        }
        return failed;
    }

    // ---------------------------------------------------------------------------------------------- list

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        Objects.requireNonNull(request, "request");
        return call("list", request.prefix(), true, () -> listPage(request));
    }

    private ListPage listPage(ListRequest request) {
        ListBlobsOptions opts = new ListBlobsOptions().setMaxResultsPerPage(request.maxKeys());
        if (!request.prefix().isEmpty()) {
            opts.setPrefix(AzureNames.toBlob(request.prefix()));
        }
        var items = request.delimiter() == null ? control().listBlobs(opts, null)
                : control().listBlobsByHierarchy(AzureNames.toBlob(request.delimiter()), opts, null);
        Iterator<PagedResponse<BlobItem>> pages = items.iterableByPage(request.continuationToken(),
                request.maxKeys()).iterator();
        List<ObjectSummary> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        if (!pages.hasNext()) {
            return new ListPage(objects, prefixes, null);
        }
        try (PagedResponse<BlobItem> page = pages.next()) {
            for (BlobItem item : page.getValue()) {
                if (Boolean.TRUE.equals(item.isPrefix())) {
                    prefixes.add(AzureNames.toKey(item.getName()));
                } else {
                    BlobItemProperties p = item.getProperties();
                    objects.add(new ObjectSummary(AzureNames.toKey(item.getName()), p.getContentLength() == null ? 0
                            : p.getContentLength(), unquote(p.getETag()), instant(p.getLastModified())));
                }
            }
            String next = page.getContinuationToken();
            return new ListPage(objects, prefixes, next == null || next.isEmpty() ? null : next);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "AzureBlobObjectStore[" + describe() + "]";
    }

    /** The client of the blob that holds {@code key} ({@link AzureNames}). */
    static BlobClient blob(BlobContainerClient c, String key) {
        return c.getBlobClient(AzureNames.toBlob(key));
    }

    static ObjectInfo info(String key, BlobProperties p) {
        return new ObjectInfo(key, p.getBlobSize(), unquote(p.getETag()), instant(p.getLastModified()),
                p.getContentType(), AzureMetadata.fromAzure(p.getMetadata()));
    }

    /** Request conditions with ETags quoted as Azure sends them; {@code null} values are left out. */
    static BlobRequestConditions conditions(String ifMatch, String ifNoneMatch) {
        BlobRequestConditions c = new BlobRequestConditions();
        if (ifMatch != null) {
            c.setIfMatch(quote(ifMatch));
        }
        if (ifNoneMatch != null) {
            c.setIfNoneMatch(quote(ifNoneMatch));
        }
        return c;
    }

    /** The ETag as a header value: {@code *} and quoted tags as they are, anything else in quotes. */
    static String quote(String etag) {
        if (etag.equals("*") || (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\""))) {
            return etag;
        }
        return "\"" + etag + "\"";
    }

    /** The ETag without surrounding quotes (SPI form). */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private static Instant instant(java.time.OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read; the connection is gone either way
        }
    }
}
