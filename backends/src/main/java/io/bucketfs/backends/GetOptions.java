package io.bucketfs.backends;

/**
 * Options of a GET.
 *
 * @param range       the bytes to read, or {@code null} for the whole object
 * @param ifMatch     read only if the current ETag is this one, else {@link ObjectStoreException.Kind#PRECONDITION_FAILED}
 *                    (a reader pins the version it started with so it never mixes two)
 * @param ifNoneMatch read only if the current ETag is not this one, else
 *                    {@link ObjectStoreException.Kind#NOT_MODIFIED} (revalidation of a cached copy)
 */
public record GetOptions(ByteRange range, String ifMatch, String ifNoneMatch) {

    public static final GetOptions NONE = new GetOptions(null, null, null);

    public static GetOptions range(long offset, long length) {
        return new GetOptions(ByteRange.of(offset, length), null, null);
    }

    public GetOptions withRange(ByteRange r) {
        return new GetOptions(r, ifMatch, ifNoneMatch);
    }

    public GetOptions withIfMatch(String etag) {
        return new GetOptions(range, etag, ifNoneMatch);
    }

    public GetOptions withIfNoneMatch(String etag) {
        return new GetOptions(range, ifMatch, etag);
    }
}
