package io.bucketfs.gateway;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The store of a read-only mount or connection: reads pass through, every request that would change the bucket
 * (PUT, multipart, COPY, DELETE) is refused here, before it is sent, as {@link ObjectStoreException.Kind#ACCESS_DENIED}.
 * The VFS of a read-only mount never asks (it answers READ_ONLY first); this is the second wall.
 */
final class ReadOnlyObjectStore extends io.bucketfs.backends.ForwardingObjectStore {

    ReadOnlyObjectStore(ObjectStore inner) {
        super(inner);
    }

    private ObjectStoreException refused(String what) {
        return new ObjectStoreException(ObjectStoreException.Kind.ACCESS_DENIED,
                what + " refused: " + delegate.describe() + " is read-only in bucketfs");
    }

    @Override
    public String describe() {
        return delegate.describe() + " (read-only)";
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        throw refused("PUT");
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        throw refused("multipart upload");
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        throw refused("multipart upload");
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        throw refused("multipart upload");
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        throw refused("multipart abort");
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        throw refused("COPY");
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        throw refused("DELETE");
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        throw refused("DELETE");
    }
}
