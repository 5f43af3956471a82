package io.bucketfs.cache;

import java.util.Objects;

/**
 * One version of one object of one store: what the cache keys chunks by and what a read is pinned to.
 *
 * <p>The cache trusts {@code etag} and {@code size} as the VFS last saw them (HEAD, LIST, PUT): every backend GET
 * for this version carries {@code If-Match: etag}, and a backend answering that the object is no longer this
 * version (or that it has another size) turns into an {@link ObjectChangedException} carrying this record.
 *
 * @param storeId the mount or connection name the object lives in; chunks of two stores never mix
 * @param key     the object key in that store
 * @param etag    the ETag of this version, as the store returned it (opaque, compared for equality)
 * @param size    the size of this version in bytes
 */
public record ObjectVersion(String storeId, String key, String etag, long size) {

    public ObjectVersion {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(etag, "etag");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
    }
}
