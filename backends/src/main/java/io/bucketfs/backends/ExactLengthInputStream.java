package io.bucketfs.backends;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Yields exactly {@code length} bytes. A body that ends sooner, and any I/O failure of the underlying stream, is
 * thrown as an {@link ObjectStoreException} of kind {@link ObjectStoreException.Kind#TRANSIENT} so that callers
 * see the same typed failure whichever backend the stream came from.
 */
final class ExactLengthInputStream extends FilterInputStream {
    private long remaining;

    ExactLengthInputStream(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b;
        try {
            b = in.read();
        } catch (ObjectStoreException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
        if (b < 0) {
            throw truncated();
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, remaining));
        } catch (ObjectStoreException e) {
            throw e;
        } catch (IOException e) {
            throw failed(e);
        }
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(Math.min(n, remaining));
        remaining -= s;
        return s;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private ObjectStoreException truncated() {
        return new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT,
                "object body ended " + remaining + " bytes early");
    }

    private ObjectStoreException failed(IOException e) {
        return new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT,
                "reading the object body failed with " + remaining + " bytes to go: " + e, e);
    }
}
