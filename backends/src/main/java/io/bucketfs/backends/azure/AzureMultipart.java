package io.bucketfs.backends.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobListBlocksOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectKeys;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Multipart uploads as staged blocks of a block blob, with no state in the gateway: everything completion needs is
 * in the upload id ({@link AzureUploadId}).
 *
 * <ul>
 *   <li>create: makes the id, no request.</li>
 *   <li>uploadPart: Put Block with the part's block id; the part's "ETag" is that block id. An empty part stages
 *       nothing (Azure refuses empty blocks) and is marked {@value #EMPTY_PART}.</li>
 *   <li>complete: Get Block List (uncommitted) checks that the upload is known — every part staged and no abort
 *       marker — then Put Block List with the upload's metadata, content type and conditions. If a retried commit
 *       finds its precondition broken, the committed block list tells whether the earlier attempt had succeeded.</li>
 *   <li>abort: Azure cannot delete uncommitted blocks (they expire after seven days, or go when the blob is next
 *       committed), so abort stages a one-byte marker block that makes a later completion NOT_FOUND.</li>
 * </ul>
 */
final class AzureMultipart {

    /** The ETag of a part with no bytes. */
    static final String EMPTY_PART = "empty";
    private static final byte[] ABORT_MARKER = {0};

    private final AzureBlobObjectStore store;

    AzureMultipart(AzureBlobObjectStore store) {
        this.store = store;
    }

    MultipartUpload create(String key, PutOptions options) {
        return new MultipartUpload(key, AzureUploadId.create(key, options).encode());
    }

    CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body) throws ObjectStoreException {
        Objects.requireNonNull(body, "body");
        AzureUploadId id = decode(upload);
        String blockId = id.blockId(partNumber);
        if (body.length() == 0) {
            return new CompletedPart(partNumber, EMPTY_PART);
        }
        String key = upload.key();
        store.call("upload part", key, body.repeatable(), () -> {
            try (InputStream in = new RewindAtStartInputStream(body.open())) {
                return block(store.data(), key).stageBlockWithResponse(blockId, in, body.length(), null, null,
                        null, Context.NONE);
            }
        });
        return new CompletedPart(partNumber, blockId);
    }

    ObjectInfo complete(MultipartUpload upload, List<CompletedPart> parts) throws ObjectStoreException {
        Objects.requireNonNull(parts, "parts");
        AzureUploadId id = decode(upload);
        String key = upload.key();
        List<String> blockIds = blockIds(id, parts);
        long size = blockIds.isEmpty() ? 0 : checkStaged(id, key, blockIds);
        PutOptions o = id.options();
        AtomicInteger attempt = new AtomicInteger();
        return store.call("complete multipart", key, true, () -> {
            int n = attempt.incrementAndGet();
            BlockBlobCommitBlockListOptions commit = new BlockBlobCommitBlockListOptions(blockIds)
                    .setHeaders(new BlobHttpHeaders().setContentType(o.contentType()))
                    .setMetadata(AzureMetadata.toAzure(o.userMetadata()))
                    .setRequestConditions(AzureBlobObjectStore.conditions(o.ifMatch(), o.createOnly() ? "*" : null));
            try {
                BlockBlobItem item = block(store.control(), key).commitBlockListWithResponse(commit, null,
                        Context.NONE).getValue();
                return AzureBlobObjectStore.written(key, size, item, o);
            } catch (RuntimeException e) {
                ObjectStoreException mapped = AzureErrors.map("complete multipart", key, e);
                if (n > 1 && mapped.kind() == Kind.PRECONDITION_FAILED && committedAlready(key, blockIds)) {
                    return store.properties(key, null);
                }
                throw mapped;
            }
        });
    }

    void abort(MultipartUpload upload) throws ObjectStoreException {
        Objects.requireNonNull(upload, "upload");
        ObjectKeys.validate(upload.key());
        AzureUploadId id = AzureUploadId.decode(upload.key(), upload.uploadId()).orElse(null);
        if (id == null) {
            return;
        }
        String key = upload.key();
        try {
            store.call("abort multipart", key, true, () -> block(store.control(), key).stageBlockWithResponse(
                    id.abortBlockId(), new ByteArrayInputStream(ABORT_MARKER), ABORT_MARKER.length, null, null,
                    null, Context.NONE));
        } catch (ObjectStoreException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    private static AzureUploadId decode(MultipartUpload upload) throws ObjectStoreException {
        Objects.requireNonNull(upload, "upload");
        ObjectKeys.validate(upload.key());
        return AzureUploadId.decode(upload.key(), upload.uploadId()).orElseThrow(() -> new ObjectStoreException(
                Kind.NOT_FOUND, "multipart upload of '" + upload.key() + "': unknown upload id"));
    }

    /** The block ids to commit, in order; empty parts are left out. */
    private static List<String> blockIds(AzureUploadId id, List<CompletedPart> parts) throws ObjectStoreException {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a multipart upload needs at least one part");
        }
        List<String> ids = new ArrayList<>(parts.size());
        int previous = 0;
        for (CompletedPart p : parts) {
            if (p.partNumber() <= previous) {
                throw new IllegalArgumentException("part numbers must ascend: " + p.partNumber() + " after "
                        + previous);
            }
            previous = p.partNumber();
            if (EMPTY_PART.equals(p.etag())) {
                continue;
            }
            String expected = id.blockId(p.partNumber());
            if (!expected.equals(p.etag())) {
                throw new ObjectStoreException(Kind.PERMANENT, "part " + p.partNumber() + ": ETag '" + p.etag()
                        + "' is not one uploadPart returned for this upload");
            }
            ids.add(expected);
        }
        return ids;
    }

    /**
     * Checks that every block is staged and the upload was not aborted; returns the sum of the block sizes.
     * NOT_FOUND for an unknown upload (aborted, completed, or its blocks discarded by another commit).
     */
    private long checkStaged(AzureUploadId id, String key, List<String> blockIds) throws ObjectStoreException {
        BlockList list = store.call("complete multipart", key, true, () -> block(store.control(), key)
                .listBlocksWithResponse(new BlockBlobListBlocksOptions(BlockListType.UNCOMMITTED), null,
                        Context.NONE).getValue());
        Map<String, Long> staged = new HashMap<>();
        for (Block b : list.getUncommittedBlocks() == null ? List.<Block>of() : list.getUncommittedBlocks()) {
            staged.put(b.getName(), b.getSizeLong());
        }
        if (staged.containsKey(id.abortBlockId())) {
            throw new ObjectStoreException(Kind.NOT_FOUND, "complete multipart '" + key + "': upload was aborted");
        }
        long size = 0;
        int missing = 0;
        for (String b : blockIds) {
            Long s = staged.get(b);
            if (s == null) {
                missing++;
            } else {
                size += s;
            }
        }
        if (missing > 0) {
            conditionsStillHold(id.options(), key);
        }
        if (missing == blockIds.size()) {
            throw new ObjectStoreException(Kind.NOT_FOUND, "complete multipart '" + key
                    + "': no staged part of this upload (completed, aborted, expired or replaced)");
        }
        if (missing > 0) {
            throw new ObjectStoreException(Kind.PERMANENT, "complete multipart '" + key + "': " + missing
                    + " of " + blockIds.size() + " parts were not uploaded");
        }
        return size;
    }

    /**
     * A write to the key discards its staged blocks on Azure, so an upload whose blocks are gone may have lost to a
     * write that also broke its condition: that is reported as PRECONDITION_FAILED, as S3 and the local store do.
     */
    private void conditionsStillHold(PutOptions o, String key) throws ObjectStoreException {
        if (!o.createOnly() && o.ifMatch() == null) {
            return;
        }
        ObjectInfo now;
        try {
            now = store.head(key);
        } catch (ObjectStoreException e) {
            if (e.kind() == Kind.NOT_FOUND && o.ifMatch() != null) {
                throw new ObjectStoreException(Kind.PRECONDITION_FAILED, "complete multipart '" + key
                        + "': the object to replace is gone", e);
            }
            if (e.kind() == Kind.NOT_FOUND) {
                return;
            }
            throw e;
        }
        if (o.createOnly() || !AzureBlobObjectStore.unquote(o.ifMatch()).equals(now.etag())) {
            throw new ObjectStoreException(Kind.PRECONDITION_FAILED, "complete multipart '" + key
                    + "': the key " + (o.createOnly() ? "appeared" : "changed") + " meanwhile");
        }
    }

    /** Whether the blob's committed blocks are exactly {@code blockIds} (an earlier attempt went through). */
    private boolean committedAlready(String key, List<String> blockIds) {
        try {
            BlockList list = block(store.control(), key).listBlocksWithResponse(
                    new BlockBlobListBlocksOptions(BlockListType.COMMITTED), null, Context.NONE).getValue();
            List<String> names = new ArrayList<>();
            for (Block b : list.getCommittedBlocks() == null ? List.<Block>of() : list.getCommittedBlocks()) {
                names.add(b.getName());
            }
            return names.equals(blockIds);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static BlockBlobClient block(com.azure.storage.blob.BlobContainerClient c, String key) {
        return AzureBlobObjectStore.blob(c, key).getBlockBlobClient();
    }
}
