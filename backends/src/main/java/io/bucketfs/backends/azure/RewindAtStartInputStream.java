package io.bucketfs.backends.azure;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A payload stream as the SDK's upload path wants it: the SDK marks the stream and resets it when it subscribes to
 * the body, which works here as long as nothing was read yet. A reset after bytes went out fails, which fails the
 * attempt; {@link io.bucketfs.backends.Retrier} then reopens the payload. Marking never buffers.
 */
final class RewindAtStartInputStream extends FilterInputStream {
    private long read;

    RewindAtStartInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            read++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            read += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(n);
        read += s;
        return s;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // only a rewind to the start is supported, and it needs no buffer
    }

    @Override
    public synchronized void reset() throws IOException {
        if (read != 0) {
            throw new IOException("the payload cannot be rewound after " + read + " bytes were sent");
        }
    }
}
