package io.bucketfs.cache.write;

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
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decorator around a real store for tests: counts writes, can hold PUTs and part uploads at a gate, and can fail
 * the next N of them with TRANSIENT (as a store does once its own retries ran out). Everything else is the real
 * store's behaviour.
 */
final class FaultyStore implements ObjectStore {

    final ObjectStore real;
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger parts = new AtomicInteger();
    final AtomicInteger completes = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    /** SHA-256 of every PUT body, in order. */
    final List<String> putDigests = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    /** Added to every PUT and part upload (a slow network). */
    volatile long delayMillis;
    final AtomicInteger waitingAtGate = new AtomicInteger();

    FaultyStore(ObjectStore real) {
        this.real = real;
    }

    /** PUTs and part uploads wait until {@link #open()}. */
    void close(boolean closed) {
        gate = closed ? new CountDownLatch(1) : new CountDownLatch(0);
    }

    void open() {
        gate.countDown();
    }

    private void pass() throws ObjectStoreException {
        waitingAtGate.incrementAndGet();
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "gate closed too long");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "interrupted at gate", e);
        } finally {
            waitingAtGate.decrementAndGet();
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "interrupted in delay", e);
            }
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "injected failure");
        }
    }

    static String sha256(Payload p) throws IOException {
        try (InputStream in = p.open()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return "faulty(" + real.describe() + ")";
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        return real.head(key);
    }

    @Override
    public ObjectContent get(String key, GetOptions options) throws ObjectStoreException {
        return real.get(key, options);
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions options) throws ObjectStoreException {
        pass();
        puts.incrementAndGet();
        try {
            putDigests.add(sha256(body));
        } catch (IOException e) {
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "reading payload", e);
        }
        return real.put(key, body, options);
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions options) throws ObjectStoreException {
        return real.createMultipart(key, options);
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        pass();
        parts.incrementAndGet();
        return real.uploadPart(upload, partNumber, body);
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> list)
            throws ObjectStoreException {
        completes.incrementAndGet();
        return real.completeMultipart(upload, list);
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        aborts.incrementAndGet();
        real.abortMultipart(upload);
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions options) throws ObjectStoreException {
        return real.copy(sourceKey, targetKey, options);
    }

    @Override
    public void delete(String key) throws ObjectStoreException {
        real.delete(key);
    }

    @Override
    public Map<String, ObjectStoreException> deleteAll(Collection<String> keys) throws ObjectStoreException {
        return real.deleteAll(keys);
    }

    @Override
    public ListPage list(ListRequest request) throws ObjectStoreException {
        return real.list(request);
    }

    @Override
    public void close() {
        real.close();
    }
}
