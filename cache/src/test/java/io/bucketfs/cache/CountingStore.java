package io.bucketfs.cache;

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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A decorator over a real store that counts GETs, records their options, tracks how many run at once, and can
 * hold GETs at a latch, slow them down, or fail the next one. Every other call passes through.
 */
final class CountingStore implements ObjectStore {

    private final ObjectStore real;
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final Queue<GetOptions> options = new ConcurrentLinkedQueue<>();
    private final AtomicReference<ObjectStoreException> failNext = new AtomicReference<>();
    private volatile long delayMillis;
    private final AtomicInteger broken = new AtomicInteger();
    private volatile long breakAfter;
    private volatile CountDownLatch gate;
    private final CountDownLatch entered = new CountDownLatch(1);

    CountingStore(ObjectStore real) {
        this.real = real;
    }

    int gets() {
        return gets.get();
    }

    int maxConcurrentGets() {
        return maxRunning.get();
    }

    List<GetOptions> getOptions() {
        return List.copyOf(options);
    }

    void reset() {
        gets.set(0);
        maxRunning.set(0);
        options.clear();
    }

    void delayGets(long millis) {
        delayMillis = millis;
    }

    /** GETs wait for {@code g} before reaching the real store. */
    void holdGets(CountDownLatch g) {
        gate = g;
    }

    /** Counted down when a GET reached the hold. */
    CountDownLatch entered() {
        return entered;
    }

    void failNextGet(ObjectStoreException e) {
        failNext.set(e);
    }

    /**
     * The next {@code count} GETs answer, but their bodies break off after {@code after} bytes: alternately a reset
     * (an IOException) and a clean early end (a truncated body).
     */
    void breakBodies(int count, long after) {
        broken.set(count);
        breakAfter = after;
    }

    @Override
    public ObjectContent get(String key, GetOptions o) throws ObjectStoreException {
        gets.incrementAndGet();
        options.add(o);
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            entered.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                g.await();
            }
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            ObjectStoreException f = failNext.getAndSet(null);
            if (f != null) {
                throw f;
            }
            ObjectContent c = real.get(key, o);
            int b = broken.getAndDecrement();
            if (b <= 0) {
                broken.incrementAndGet();
                return c;
            }
            return new ObjectContent(c.info(), c.offset(), c.length(), new java.io.FilterInputStream(c.stream()) {
                private long left = breakAfter;

                @Override
                public int read() throws java.io.IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws java.io.IOException {
                    if (left <= 0) {
                        if (b % 2 == 0) {
                            throw new java.net.SocketException("Connection reset (injected)");
                        }
                        return -1;
                    }
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "interrupted", e);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public String describe() {
        return "counting(" + real.describe() + ")";
    }

    @Override
    public ObjectInfo head(String key) throws ObjectStoreException {
        return real.head(key);
    }

    @Override
    public ObjectInfo put(String key, Payload body, PutOptions o) throws ObjectStoreException {
        return real.put(key, body, o);
    }

    @Override
    public MultipartUpload createMultipart(String key, PutOptions o) throws ObjectStoreException {
        return real.createMultipart(key, o);
    }

    @Override
    public CompletedPart uploadPart(MultipartUpload upload, int partNumber, Payload body)
            throws ObjectStoreException {
        return real.uploadPart(upload, partNumber, body);
    }

    @Override
    public ObjectInfo completeMultipart(MultipartUpload upload, List<CompletedPart> parts)
            throws ObjectStoreException {
        return real.completeMultipart(upload, parts);
    }

    @Override
    public void abortMultipart(MultipartUpload upload) throws ObjectStoreException {
        real.abortMultipart(upload);
    }

    @Override
    public ObjectInfo copy(String sourceKey, String targetKey, CopyOptions o) throws ObjectStoreException {
        return real.copy(sourceKey, targetKey, o);
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
