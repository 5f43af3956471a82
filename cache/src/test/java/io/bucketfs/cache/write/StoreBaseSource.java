package io.bucketfs.cache.write;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The base source the VFS would give, minus the cache: ranged GETs with If-Match on the base ETag. */
final class StoreBaseSource implements BaseSource {

    private final ObjectStore store;

    StoreBaseSource(ObjectStore store) {
        this.store = store;
    }

    @Override
    public int read(String storeId, String key, String etag, long offset, ByteBuffer dst) throws IOException {
        int want = Math.min(dst.remaining(), 1 << 20);
        try (ObjectContent c = store.get(key, GetOptions.range(offset, want).withIfMatch(etag))) {
            if (c.length() == 0) {
                return -1;
            }
            byte[] b = c.readAllBytes();
            dst.put(b);
            return b.length;
        }
    }
}
