package io.bucketfs.backends;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link ObjectStore} that hands every call to another: the base of decorators (a read-only wall, meters,
 * fault injection in tests), which override only the calls they change.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

    /** The store every call goes to. */
    protected final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        return delegate.head(key);
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        return delegate.get(key, options);
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        return delegate.put(key, body, options);
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        return delegate.createMultipart(key, options);
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        return delegate.uploadPart(upload, partNumber, body);
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        return delegate.completeMultipart(upload, parts);
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        delegate.abortMultipart(upload);
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        return delegate.copy(sourceKey, targetKey, options);
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        delegate.delete(key);
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        return delegate.deleteAll(keys);
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        return delegate.list(request);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
