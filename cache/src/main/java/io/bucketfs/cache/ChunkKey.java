package io.bucketfs.cache;

import java.util.Objects;

/** The identity of one chunk: chunk {@code index} of version {@code etag} of {@code key} in store {@code storeId}. */
record ChunkKey(String storeId, String key, String etag, int index) {

    ChunkKey {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        if (index < 0) {
            throw new IllegalArgumentException("chunk index must be >= 0: " + index);
        }
    }

    static ChunkKey of(ObjectVersion v, int index) {
        return new ChunkKey(v.storeId(), v.key(), v.etag(), index);
    }
}
