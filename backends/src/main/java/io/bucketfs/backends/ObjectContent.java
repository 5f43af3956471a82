package io.bucketfs.backends;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The body of a GET: a stream of {@link #length()} bytes starting at {@link #offset()} of the object described by
 * {@link #info()}. Close it (it holds a connection or a file); an unread rest is discarded.
 *
 * <p>A stream that fails part-way, or ends early, throws an {@link ObjectStoreException} of kind TRANSIENT from
 * {@code read} — never a silent short read. Streams are not retried: the caller re-issues the GET (with If-Match
 * on {@code info().etag()} so the rest comes from the same version).
 */
public final class ObjectContent implements Closeable {
    private final ObjectInfo info;
    private final long offset;
    private final long length;
    private final InputStream stream;

    public ObjectContent(ObjectInfo info, long offset, long length, InputStream stream) {
        this.info = Objects.requireNonNull(info, "info");
        this.offset = offset;
        this.length = length;
        this.stream = new ExactLengthInputStream(Objects.requireNonNull(stream, "stream"), length);
    }

    public ObjectInfo info() {
        return info;
    }

    /** Offset in the object of the first byte of {@link #stream()}. */
    public long offset() {
        return offset;
    }

    /** The number of bytes {@link #stream()} yields. */
    public long length() {
        return length;
    }

    public InputStream stream() {
        return stream;
    }

    /** Reads the whole body into memory: for small objects and tests only. */
    public byte[] readAllBytes() throws IOException {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("body of " + length + " bytes is too large for one array");
        }
        return stream.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
