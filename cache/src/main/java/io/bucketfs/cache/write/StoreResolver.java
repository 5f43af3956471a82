package io.bucketfs.cache.write;

import io.bucketfs.backends.ObjectStore;

/** Finds the store a staged file belongs to. Called from upload threads; must be thread-safe and cheap. */
@FunctionalInterface
public interface StoreResolver {

    /**
     * The open store with this id. Throws {@link IllegalArgumentException} for an unknown id; the upload is then
     * retried later like any failed upload (the store may be configured again), never dropped.
     */
    ObjectStore store(String storeId);
}
