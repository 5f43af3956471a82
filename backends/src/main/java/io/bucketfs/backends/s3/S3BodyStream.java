package io.bucketfs.backends.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The body of a GET as an {@link java.io.InputStream}: SDK runtime failures while reading become
 * {@link IOException}s, and closing before the end aborts the request so that the rest of a large object is not
 * drained through the connection (which is then discarded rather than returned to the pool).
 */
final class S3BodyStream extends FilterInputStream {
    private final ResponseInputStream<?> response;
    private long remaining;
    private boolean closed;

    /** {@code bodyLength} is what the server said it sends; -1 when unknown (then closing always aborts). */
    S3BodyStream(ResponseInputStream<?> response, long bodyLength) {
        super(response);
        this.response = response;
        this.remaining = bodyLength < 0 ? Long.MAX_VALUE : bodyLength;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                remaining--;
            } else {
                remaining = 0;
            }
            return b;
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = in.read(b, off, len);
            if (n > 0) {
                remaining -= n;
            } else if (n < 0) {
                remaining = 0;
            }
            return n;
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long s = in.skip(n);
            remaining -= Math.max(0, s);
            return s;
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (remaining > 0) {
                response.abort();
            }
        } catch (RuntimeException e) {
            // aborting is best effort; closing below releases what is left
        }
        try {
            response.close();
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
