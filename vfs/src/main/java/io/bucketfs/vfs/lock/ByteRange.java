package io.bucketfs.vfs.lock;

import java.util.Optional;

/**
 * A range of bytes in a file: an unsigned 64-bit {@link #offset()} and {@link #length()}, with the last byte
 * it covers precomputed. Immutable.
 *
 * <p>Two ways to make one, one per flavour of range validation:
 * <ul>
 *   <li>{@link #posix(long, long)} (NFSv4 LOCK, RFC 8881 18.10.3): length {@link #TO_EOF} (all ones) means
 *       "to the end of the file" and reaches the last possible byte, 2<sup>64</sup>-1; length 0 is invalid;
 *       otherwise offset + length must not exceed 2<sup>64</sup>-1.</li>
 *   <li>{@link #smb(long, long)} ([MS-FSA] 2.1.5.8): the length is always explicit and may be 0; the range is
 *       invalid when its last byte, offset + length - 1, lies beyond 2<sup>64</sup>-1.</li>
 * </ul>
 *
 * <p>Overlap follows [MS-FSA] 2.1.4.10 so that zero-length SMB ranges behave as on Windows: a zero-length
 * range at offset X &gt; 0 overlaps a non-empty range that contains X and starts before X; two zero-length
 * ranges never overlap; the range {0, 0} overlaps nothing. For non-empty ranges this is ordinary overlap.
 */
public final class ByteRange {

    /** The NFS length meaning "to end of file": 0xFFFFFFFFFFFFFFFF. */
    public static final long TO_EOF = -1L;

    private static final long MAX = -1L;

    private final long offset;
    private final long length;
    /** Unsigned last byte; offset - 1 for a zero-length range. */
    private final long last;

    private ByteRange(long offset, long length, long last) {
        this.offset = offset;
        this.length = length;
        this.last = last;
    }

    /** A validated NFS/POSIX range, or empty if invalid (see the class javadoc). */
    public static Optional<ByteRange> posix(long offset, long length) {
        if (length == 0) {
            return Optional.empty();
        }
        if (length == TO_EOF) {
            return Optional.of(new ByteRange(offset, TO_EOF, MAX));
        }
        if (Long.compareUnsigned(length, MAX - offset) > 0) {
            return Optional.empty();
        }
        return Optional.of(new ByteRange(offset, length, offset + length - 1));
    }

    /** A validated SMB range, or empty if invalid (see the class javadoc). */
    public static Optional<ByteRange> smb(long offset, long length) {
        long lastByte = offset + length - 1;
        if (length != 0 && Long.compareUnsigned(lastByte, offset) < 0) {
            return Optional.empty();
        }
        return Optional.of(new ByteRange(offset, length, lastByte));
    }

    /** The validated range of a flavour. */
    public static Optional<ByteRange> of(LockFlavor flavor, long offset, long length) {
        return flavor == LockFlavor.POSIX ? posix(offset, length) : smb(offset, length);
    }

    /**
     * The non-empty range [first, last] (unsigned, first &lt;= last). One reaching 2<sup>64</sup>-1 reports
     * length {@link #TO_EOF}, as NFS expresses it.
     */
    static ByteRange span(long first, long last) {
        long len = last == MAX ? TO_EOF : last - first + 1;
        return new ByteRange(first, len, last);
    }

    /** The unsigned offset of the first byte. */
    public long offset() {
        return offset;
    }

    /** The unsigned length as given (or {@link #TO_EOF}); 0 for an empty SMB range. */
    public long length() {
        return length;
    }

    /** The unsigned offset of the last byte covered; meaningless for an empty range. */
    public long last() {
        return last;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Whether this range reaches the last possible byte. */
    public boolean isToEof() {
        return !isEmpty() && last == MAX;
    }

    /** Overlap per [MS-FSA] 2.1.4.10 (see the class javadoc). */
    public boolean overlaps(ByteRange other) {
        if (isOriginEmpty() || other.isOriginEmpty()) {
            return false;
        }
        return Long.compareUnsigned(offset, other.last) <= 0 && Long.compareUnsigned(last, other.offset) >= 0;
    }

    /** Whether two non-empty ranges touch end to start, in either order, without overlapping. */
    boolean adjacent(ByteRange other) {
        return (last != MAX && last + 1 == other.offset) || (other.last != MAX && other.last + 1 == offset);
    }

    private boolean isOriginEmpty() {
        return offset == 0 && length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteRange r && r.offset == offset && r.length == length && r.last == last;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Long.hashCode(length);
    }

    @Override
    public String toString() {
        String end = isEmpty() ? "empty" : isToEof() ? "EOF" : Long.toUnsignedString(last);
        return "[" + Long.toUnsignedString(offset) + ".." + end + "]";
    }
}
