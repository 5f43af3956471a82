package io.bucketfs.backends.azure;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A GET body from the SDK whose failures are typed: whatever the SDK throws while a later block is fetched (an
 * {@link IOException} wrapping the service's answer, or an unchecked exception) is rethrown as the
 * {@link io.bucketfs.backends.ObjectStoreException} {@link AzureErrors} makes of it — PRECONDITION_FAILED when the
 * object changed under the reader, TRANSIENT for a lost connection.
 */
final class AzureBodyStream extends FilterInputStream {
    private final String key;

    AzureBodyStream(InputStream in, String key) {
        super(in);
        this.key = key;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException | RuntimeException e) {
            throw AzureErrors.map("read", key, e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw AzureErrors.map("read", key, e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (IOException | RuntimeException e) {
            throw AzureErrors.map("read", key, e);
        }
    }
}
