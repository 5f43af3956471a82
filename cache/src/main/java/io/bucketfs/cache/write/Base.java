package io.bucketfs.cache.write;

/**
 * The version of an object a staged file modifies: its ETag and size, or {@link #NONE} for a new file (or one
 * truncated to zero on open), whose content is entirely what is written.
 *
 * <p>Ranges of a staged file that were never written (and lie below the base size and every later truncation) are
 * the base's bytes: they are read through {@link BaseSource} with this ETag, when the file is read and when it is
 * uploaded.
 *
 * @param etag the ETag of the version, as the store returned it; {@code null} only for {@link #NONE}
 * @param size the version's size in bytes; 0 for {@link #NONE}
 */
public record Base(String etag, long size) {

    /** No base: a new file, or one truncated to zero when it was opened. */
    public static final Base NONE = new Base(null, 0);

    public Base {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
        if (etag == null && size != 0) {
            throw new IllegalArgumentException("a base without an ETag has size 0");
        }
    }

    /** A version with this ETag and size. */
    public static Base of(String etag, long size) {
        if (etag == null) {
            throw new IllegalArgumentException("etag must not be null");
        }
        return new Base(etag, size);
    }

    /** Whether there is a base version at all. */
    public boolean exists() {
        return etag != null;
    }
}
