package io.bucketfs.cache.write;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads bytes of a base version: the VFS wires it to the read cache. Used for the unwritten ranges of a modified
 * file, when the staged file is read and when it is uploaded. Must be thread-safe; may block (a cache miss).
 */
@FunctionalInterface
public interface BaseSource {

    /**
     * Reads bytes of version {@code etag} of {@code key} from {@code offset} into {@code dst}, up to its
     * remaining bytes.
     *
     * @return the number of bytes read (at least 1 when {@code dst} has room and {@code offset} is before the
     *         end), or -1 at or past the end of the version
     * @throws IOException if the version cannot be read, for instance an {@code ObjectStoreException} of kind
     *                     PRECONDITION_FAILED when the key no longer holds that version and no copy is cached
     */
    int read(String storeId, String key, String etag, long offset, ByteBuffer dst) throws IOException;
}
