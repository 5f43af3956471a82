package io.bucketfs.vfs.core;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A real store with hooks run before each COPY and after each successful one (the VFS contract tests use them to
 * change the source as another tool would, or to make a copy fail after the store did it, as a timeout or a crash
 * does). Everything else is the real store's behaviour.
 */
final class CopyHookStore implements ObjectStore {

    /** Runs around the real copy of {@code source} to {@code target}; may throw to report a failure. */
    @FunctionalInterface
    interface AfterCopy {
        void run(String source, String target) throws ObjectStoreException;
    }

    private final ObjectStore real;
    volatile AfterCopy beforeCopy;
    volatile AfterCopy afterCopy;

    CopyHookStore(ObjectStore real) {
        this.real = real;
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        AfterCopy before = beforeCopy;
        if (before != null) {
            before.run(sourceKey, targetKey);
        }
        ObjectInfo info = real.copy(sourceKey, targetKey, options);
        AfterCopy hook = afterCopy;
        if (hook != null) {
            hook.run(sourceKey, targetKey);
        }
        return info;
    }

    @Override
    public String describe() {
        return real.describe();
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        return real.head(key);
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        return real.get(key, options);
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        return real.put(key, body, options);
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        return real.createMultipart(key, options);
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        return real.uploadPart(upload, partNumber, body);
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        return real.completeMultipart(upload, parts);
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        real.abortMultipart(upload);
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        real.delete(key);
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        return real.deleteAll(keys);
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        return real.list(request);
    }

    @Override
    public void close() {
        real.close();
    }
}
