package io.bucketfs.gateway.metrics;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A mount's store, counted: every request by operation, every failure by operation and
 * {@link ObjectStoreException.Kind}, body bytes received (GET bodies as they are read) and sent (PUT and part
 * bodies). One request is one SPI call; the store's own retries inside it are not seen here.
 */
public final class MeteredObjectStore implements ObjectStore {

    private final ObjectStore inner;
    private final BackendMeters meters;

    public MeteredObjectStore(ObjectStore inner, BackendMeters meters) {
        this.inner = inner;
        this.meters = meters;
    }

    /** The counters of one mount's store. Implementations must be thread-safe and cheap. */
    public interface BackendMeters {
        void request(String op);

        void error(String op, ObjectStoreException.Kind kind);

        void bytesIn(long n);

        void bytesOut(long n);
    }

    private <T> T call(String op, Call<T> c) throws ObjectStoreException {
        meters.request(op);
        try {
            return c.run();
        } catch (ObjectStoreException e) {
            meters.error(op, e.kind());
            throw e;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ObjectStoreException;
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        return call("head", () -> inner.head(key));
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        ObjectContent c = call("get", () -> inner.get(key, options));
        return new ObjectContent(c.info(), c.offset(), c.length(), new Counting(c.stream()));
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        ObjectInfo i = call("put", () -> inner.put(key, body, options));
        meters.bytesOut(body.length());
        return i;
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        return call("create_multipart", () -> inner.createMultipart(key, options));
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        CompletedPart p = call("upload_part", () -> inner.uploadPart(upload, partNumber, body));
        meters.bytesOut(body.length());
        return p;
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        return call("complete_multipart", () -> inner.completeMultipart(upload, parts));
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        call("abort_multipart", () -> {
            inner.abortMultipart(upload);
            return null;
        });
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        return call("copy", () -> inner.copy(sourceKey, targetKey, options));
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        call("delete", () -> {
            inner.delete(key);
            return null;
        });
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        return call("delete_all", () -> inner.deleteAll(keys));
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        return call("list", () -> inner.list(request));
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Counts the body bytes of a GET as the cache reads them. */
    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                meters.bytesIn(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                meters.bytesIn(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return super.skip(n); // skipped bytes were received, but are not body the cache used
        }
    }
}
