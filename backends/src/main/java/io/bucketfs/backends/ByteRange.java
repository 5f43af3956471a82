package io.bucketfs.backends;

/**
 * A byte range of an object: {@code length} bytes from {@code offset}, or everything from {@code offset} when
 * {@code length} is {@link #TO_END}. A range that starts at or past the end of the object reads zero bytes (not an
 * error); one that ends past the end is cut at the end.
 */
public record ByteRange(long offset, long length) {

    /** {@link #length()} meaning "to the end of the object". */
    public static final long TO_END = -1;

    public ByteRange {
        if (offset < 0) {
            throw new IllegalArgumentException("range offset must be >= 0: " + offset);
        }
        if (length < 0 && length != TO_END) {
            throw new IllegalArgumentException("range length must be >= 0 or TO_END: " + length);
        }
    }

    public static ByteRange of(long offset, long length) {
        return new ByteRange(offset, length);
    }

    public static ByteRange from(long offset) {
        return new ByteRange(offset, TO_END);
    }

    /** The last byte offset (inclusive) of this range on an object of {@code size} bytes, or -1 if it is empty there. */
    public long lastInclusive(long size) {
        if (offset >= size || length == 0) {
            return -1;
        }
        long end = length == TO_END ? size : Math.min(size, offset + length);
        return end - 1;
    }

    /** The HTTP {@code Range} header value, {@code bytes=first-last} or {@code bytes=first-}. Never for length 0. */
    public String toHttpHeader() {
        if (length == 0) {
            throw new IllegalStateException("an empty range has no HTTP form");
        }
        return length == TO_END ? "bytes=" + offset + "-" : "bytes=" + offset + "-" + (offset + length - 1);
    }
}
