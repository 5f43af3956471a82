package io.bucketfs.vfs.core;

import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.ForwardingObjectStore;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with hooks run before each COPY and after each successful one (the VFS contract tests use them to
 * change the source as another tool would, or to make a copy fail after the store did it, as a timeout or a crash
 * does), hooks around each PUT (to hold an upload in flight, or to take a crash image the moment it landed), and can
 * fail every write as an unreachable store does; it counts HEADs and LISTs. Everything else is the real store's
 * behaviour.
 */
final class CopyHookStore extends ForwardingObjectStore {

    /** Runs around the real copy of {@code source} to {@code target}; may throw to report a failure. */
    @FunctionalInterface
    interface CopyHook {
        void run(String source, String target) throws ObjectStoreException;
    }

    volatile CopyHook beforeCopy;
    volatile CopyHook afterCopy;
    /** Run before and after each successful PUT, with the key as both arguments. */
    volatile CopyHook beforePut;
    volatile CopyHook afterPut;
    /** While set, PUTs and multipart uploads fail as a store that cannot be reached does. */
    volatile boolean failWrites;

    /** HEADs and LISTs asked of the store so far. */
    final AtomicInteger heads = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();

    CopyHookStore(ObjectStore real) {
        super(real);
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        heads.incrementAndGet();
        return delegate.head(key);
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        lists.incrementAndGet();
        return delegate.list(request);
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        CopyHook before = beforeCopy;
        if (before != null) {
            before.run(sourceKey, targetKey);
        }
        ObjectInfo info = delegate.copy(sourceKey, targetKey, options);
        CopyHook hook = afterCopy;
        if (hook != null) {
            hook.run(sourceKey, targetKey);
        }
        return info;
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        unreachable();
        CopyHook before = beforePut;
        if (before != null) {
            before.run(key, key);
        }
        ObjectInfo info = delegate.put(key, body, options);
        CopyHook after = afterPut;
        if (after != null) {
            after.run(key, key);
        }
        return info;
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        unreachable();
        return delegate.createMultipart(key, options);
    }

    private void unreachable() throws ObjectStoreException {
        if (failWrites) {
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "store unreachable (test)");
        }
    }
}
