package io.bucketfs.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's behaviour, written once and run per backend (a subclass per store) with a {@link CountingStore}
 * around the real store to count GETs.
 */
abstract class ChunkCacheContractTest {

    static final int CHUNK = 64 * 1024;
    static final String STORE_ID = "mount-a";

    @TempDir
    Path tmp;
    CountingStore store;
    ChunkCache cache;

    /** A fresh, empty real store; {@code scratch} is a directory the store may use. */
    protected abstract ObjectStore openStore(Path scratch) throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        store = new CountingStore(openStore(tmp.resolve("store")));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (cache != null) {
            cache.close();
        }
        store.close();
    }

    static CacheSettings settings() {
        return CacheSettings.DEFAULT.withChunkSize(CHUNK).withCapacityBytes(64L * CHUNK).withFetchThreads(4)
                .withReadAhead(4L * CHUNK, 8);
    }

    ChunkCache open(CacheSettings s) throws IOException {
        cache = ChunkCache.open(tmp.resolve("cache"), s);
        return cache;
    }

    ObjectVersion put(String key, byte[] data) throws IOException {
        ObjectInfo info = store.put(key, Payload.ofBytes(data), PutOptions.NONE);
        return new ObjectVersion(STORE_ID, key, info.etag(), data.length);
    }

    static byte[] data(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads the whole object through {@code read} in pieces of {@code piece} bytes. */
    static byte[] readAll(ChunkCache c, ObjectStore s, ObjectVersion v, int piece) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) v.size());
        ByteBuffer buf = ByteBuffer.allocate(piece);
        long offset = 0;
        while (true) {
            buf.clear();
            int n = c.read(s, v, offset, buf);
            if (n < 0) {
                break;
            }
            buf.flip();
            all.put(buf);
            offset += n;
        }
        assertEquals(v.size(), offset);
        return all.array();
    }

    /** Bytes of every chunk and temporary file under the cache directory. */
    long realSize() throws IOException {
        long total = 0;
        for (String sub : new String[] {"chunks", "tmp"}) {
            Path d = tmp.resolve("cache").resolve(sub);
            if (!Files.exists(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (Files.isRegularFile(p)) {
                        total += Files.size(p);
                    }
                }
            }
        }
        return total;
    }

    List<Path> chunkFiles() throws IOException {
        try (Stream<Path> s = Files.walk(tmp.resolve("cache").resolve("chunks"))) {
            return s.filter(p -> p.toString().endsWith(".chunk")).sorted().toList();
        }
    }

    @Test
    @Timeout(60)
    void hitsAreServedWithoutGets() throws Exception {
        byte[] d = data(3 * CHUNK + CHUNK / 2, 1);
        ObjectVersion v = put("dir/a file+%#.bin", d);
        open(settings());
        assertArrayEquals(d, readAll(cache, store, v, 10_000));
        assertEquals(4, store.gets());
        for (GetOptions o : store.getOptions()) {
            assertEquals(v.etag(), o.ifMatch(), "every GET is pinned to the version");
            assertNotNull(o.range(), "every GET is ranged");
        }
        assertArrayEquals(d, readAll(cache, store, v, 3 * CHUNK));
        assertEquals(4, store.gets(), "second pass is all hits");
        CacheStats st = cache.stats();
        assertEquals(4, st.misses());
        assertTrue(st.hits() >= 4, st.toString());
        assertEquals(d.length, st.bytesFromBackend());
        assertEquals(2L * d.length, st.bytesServed());
        assertEquals(4, st.chunks());
        assertEquals(realSize(), st.usedBytes());
    }

    @Test
    @Timeout(60)
    void readsAtAndAfterTheEnd() throws Exception {
        byte[] d = data(CHUNK + 100, 2);
        ObjectVersion v = put("eof", d);
        open(settings());
        ByteBuffer buf = ByteBuffer.allocate(1000);
        assertEquals(-1, cache.read(store, v, d.length, buf));
        assertEquals(-1, cache.read(store, v, d.length + 5_000_000L, buf));
        assertEquals(0, store.gets());
        assertEquals(60, cache.read(store, v, d.length - 60, buf), "a read across the end is short");
        buf.flip();
        byte[] tail = new byte[60];
        buf.get(tail);
        assertArrayEquals(java.util.Arrays.copyOfRange(d, d.length - 60, d.length), tail);
        assertEquals(0, cache.read(store, v, 0, ByteBuffer.allocate(0)), "no room reads nothing");
        assertThrows(IllegalArgumentException.class, () -> cache.read(store, v, -1, buf));
    }

    @Test
    @Timeout(60)
    void zeroByteObjectsAreAtTheEndWithoutAGet() throws Exception {
        ObjectVersion v = put("empty", new byte[0]);
        open(settings());
        assertEquals(-1, cache.read(store, v, 0, ByteBuffer.allocate(10)));
        try (CachedReader r = cache.reader(store, v)) {
            assertEquals(-1, r.read(0, ByteBuffer.allocate(10)));
        }
        Path f = tmp.resolve("empty.bin");
        Files.write(f, new byte[0]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            cache.adopt(v, ch);
        }
        assertEquals(0, store.gets());
        assertEquals(0, cache.stats().chunks());
    }

    @Test
    @Timeout(60)
    void concurrentReadersOfAMissingChunkCauseOneGet() throws Exception {
        byte[] d = data(2 * CHUNK, 3);
        ObjectVersion v = put("hot", d);
        open(settings());
        CountDownLatch gate = new CountDownLatch(1);
        store.holdGets(gate);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(15);
            results.add(pool.submit(() -> readRange(v, 100, 5000)));
            assertTrue(store.entered().await(20, TimeUnit.SECONDS));
            for (int i = 1; i < 16; i++) {
                int off = i * 1000;
                results.add(pool.submit(() -> {
                    started.countDown();
                    return readRange(v, off, 5000);
                }));
            }
            assertTrue(started.await(20, TimeUnit.SECONDS));
            Thread.sleep(300); // let every follower reach the in-flight fetch
            gate.countDown();
            for (int i = 0; i < 16; i++) {
                int off = i == 0 ? 100 : i * 1000;
                assertArrayEquals(java.util.Arrays.copyOfRange(d, off, off + 5000), results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, store.gets());
        assertEquals(16, cache.stats().misses() + cache.stats().hits());
    }

    @Test
    @Timeout(60)
    void aBodyCutShortIsFetchedAgainAndNeverCachedShort() throws Exception {
        byte[] d = data(CHUNK, 5);
        ObjectVersion v = put("cut", d);
        byte[] d2 = data(CHUNK, 6);
        ObjectVersion v2 = put("cut-always", d2);
        open(settings());
        store.breakBodies(ChunkCache.BODY_ATTEMPTS - 1, CHUNK / 3);
        assertArrayEquals(Arrays.copyOfRange(d, 100, 300), readRange(v, 100, 200));
        assertEquals(ChunkCache.BODY_ATTEMPTS, store.gets(), "one GET per broken body, then the good one");

        store.reset();
        store.breakBodies(ChunkCache.BODY_ATTEMPTS, 10);
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> readRange(v2, 0, 100));
        assertEquals(ObjectStoreException.Kind.TRANSIENT, e.kind());
        assertEquals(ChunkCache.BODY_ATTEMPTS, store.gets(), "bounded: no more GETs than the attempts");
        assertArrayEquals(Arrays.copyOfRange(d2, 0, CHUNK), readRange(v2, 0, CHUNK), "nothing short was cached");
        assertEquals(ChunkCache.BODY_ATTEMPTS + 1, store.gets());
    }

    @Test
    @Timeout(60)
    void aFailedFetchFailsEveryWaiterAndTheNextReadRetries() throws Exception {
        byte[] d = data(CHUNK, 4);
        ObjectVersion v = put("flaky", d);
        open(settings());
        CountDownLatch gate = new CountDownLatch(1);
        store.holdGets(gate);
        store.failNextGet(new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, "injected"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            results.add(pool.submit(() -> readRange(v, 0, 100)));
            assertTrue(store.entered().await(20, TimeUnit.SECONDS));
            CountDownLatch started = new CountDownLatch(7);
            for (int i = 1; i < 8; i++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    return readRange(v, 0, 100);
                }));
            }
            assertTrue(started.await(20, TimeUnit.SECONDS));
            Thread.sleep(300);
            gate.countDown();
            for (Future<byte[]> r : results) {
                java.util.concurrent.ExecutionException e =
                        assertThrows(java.util.concurrent.ExecutionException.class, r::get);
                ObjectStoreException o = (ObjectStoreException) e.getCause();
                assertEquals(ObjectStoreException.Kind.TRANSIENT, o.kind());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, store.gets());
        assertEquals(0, cache.stats().reservedBytes(), "the failed fetch gave its reservation back");
        assertArrayEquals(java.util.Arrays.copyOfRange(d, 0, 100), readRange(v, 0, 100));
        assertEquals(2, store.gets(), "the next read retried");
    }

    byte[] readRange(ObjectVersion v, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        int n = cache.read(store, v, offset, buf);
        assertEquals(length, n);
        return buf.array();
    }

    @Test
    @Timeout(120)
    void capacityIsNeverExceededUnderConcurrentRandomReads() throws Exception {
        int objects = 12;
        List<ObjectVersion> versions = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            byte[] d = data(3 * CHUNK + 1000 * i + 1, 100 + i);
            contents.add(d);
            versions.add(put("many/obj-" + i, d));
        }
        long capacity = 10L * CHUNK;
        int threads = 6;
        open(settings().withCapacityBytes(capacity));
        long slack = threads * (CHUNK + 4096L); // one chunk file per fetch in flight
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong worstUsed = new AtomicLong();
        AtomicLong worstReal = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                CacheStats st = cache.stats();
                worstUsed.accumulateAndGet(st.usedBytes() + st.reservedBytes(), Math::max);
                try {
                    worstReal.accumulateAndGet(realSize(), Math::max);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a file vanished mid-walk: sample again
                }
            }
        });
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 1000 + t;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 50; i++) {
                        int o = rnd.nextInt(objects);
                        byte[] d = contents.get(o);
                        int off = rnd.nextInt(d.length);
                        int len = Math.min(d.length - off, 1 + rnd.nextInt(CHUNK + CHUNK / 2));
                        assertArrayEquals(java.util.Arrays.copyOfRange(d, off, off + len),
                                readRange(versions.get(o), off, len));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            done.set(true);
            sampler.join();
            pool.shutdownNow();
        }
        CacheStats st = cache.stats();
        assertTrue(worstUsed.get() <= capacity + slack, "used+reserved peaked at " + worstUsed + " " + st);
        assertTrue(worstReal.get() <= capacity + slack, "directory peaked at " + worstReal + " " + st);
        assertTrue(st.usedBytes() <= capacity, st.toString());
        assertEquals(0, st.reservedBytes());
        assertEquals(st.usedBytes(), realSize(), "accounting matches the directory");
        assertTrue(st.evictions() > 0, st.toString());
    }

    @Test
    @Timeout(60)
    void readAheadIssuesParallelRangedGetsWithinItsBudget() throws Exception {
        int chunks = 24;
        byte[] d = data(chunks * CHUNK - 7, 5);
        ObjectVersion v = put("big/sequential", d);
        long budget = 4L * CHUNK;
        open(settings().withReadAhead(budget, 8));
        store.delayGets(25);
        ByteBuffer all = ByteBuffer.allocate(d.length);
        try (CachedReader r = cache.reader(store, v)) {
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            long off = 0;
            int n;
            while ((n = r.read(off, buf.clear())) > 0) {
                all.put(buf.flip());
                off += n;
            }
            assertTrue(r.sequential());
        }
        assertArrayEquals(d, all.array());
        CacheStats st = cache.stats();
        assertEquals(chunks, store.gets(), "each chunk fetched once: " + st);
        assertTrue(store.maxConcurrentGets() >= 2, "read-ahead GETs ran in parallel: " + store.maxConcurrentGets());
        assertTrue(st.readAheadChunks() > chunks / 2, st.toString());
        assertTrue(st.readAheadPeakBytes() > 0 && st.readAheadPeakBytes() <= budget, st.toString());
        assertTrue(st.misses() < chunks, "read-ahead fetched chunks before the reader asked: " + st);
        for (GetOptions o : store.getOptions()) {
            assertEquals(v.etag(), o.ifMatch());
            assertTrue(o.range().length() <= CHUNK);
        }
    }

    @Test
    @Timeout(60)
    void randomAccessIssuesNoReadAheadAndAbandonsIt() throws Exception {
        byte[] d = data(40 * CHUNK, 6);
        ObjectVersion v = put("big/random", d);
        open(settings().withReadAhead(16L * CHUNK, 8));
        Random rnd = new Random(7);
        try (CachedReader r = cache.reader(store, v)) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            for (int i = 0; i < 3; i++) {
                r.read(i * 4096L, buf.clear());
            }
            assertTrue(r.sequential());
            long last = 3 * 4096L;
            for (int i = 0; i < 10; i++) {
                long off = farFrom(last, rnd);
                last = off + 4096;
                assertEquals(4096, r.read(off, buf.clear()));
                assertArrayEquals(java.util.Arrays.copyOfRange(d, (int) off, (int) off + 4096), buf.array());
                assertFalse(r.sequential());
            }
            awaitNoReadAhead();
            long ahead = cache.stats().readAheadChunks();
            int gets = store.gets();
            for (int i = 0; i < 10; i++) {
                long off = farFrom(last, rnd);
                last = off + 4096;
                r.read(off, buf.clear());
            }
            awaitNoReadAhead();
            assertEquals(ahead, cache.stats().readAheadChunks(), "random reads issue no read-ahead");
            assertTrue(store.gets() - gets <= 10);
        }
    }

    /** An offset in chunks 1..39 more than two chunks away from {@code last}: never sequential. */
    static long farFrom(long last, Random rnd) {
        while (true) {
            long off = (long) (1 + rnd.nextInt(39)) * CHUNK + rnd.nextInt(CHUNK - 4096);
            if (Math.abs(off - last) > 2L * CHUNK) {
                return off;
            }
        }
    }

    void awaitNoReadAhead() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (cache.stats().readAheadBytesInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, cache.stats().readAheadBytesInFlight());
    }

    @Test
    @Timeout(60)
    void aChangedObjectIsDetectedAndVersionsNeverMix() throws Exception {
        byte[] d1 = data(3 * CHUNK, 8);
        ObjectVersion v1 = put("changing", d1);
        open(settings());
        assertArrayEquals(java.util.Arrays.copyOfRange(d1, 0, 1000), readRange(v1, 0, 1000));
        byte[] d2 = data(3 * CHUNK, 9);
        ObjectVersion v2 = put("changing", d2);
        assertFalse(v1.etag().equals(v2.etag()));
        ObjectChangedException e = assertThrows(ObjectChangedException.class, () -> readRange(v1, CHUNK, 1000));
        assertEquals(v1, e.version());
        assertEquals(0, cache.stats().reservedBytes());
        try (CachedReader r = cache.reader(store, v1)) {
            assertThrows(ObjectChangedException.class, () -> r.read(2L * CHUNK, ByteBuffer.allocate(10)));
        }
        int before = store.gets();
        assertArrayEquals(java.util.Arrays.copyOfRange(d2, 0, 1000), readRange(v2, 0, 1000),
                "the new version's chunk 0 comes from the backend, not from v1's cached chunk");
        assertEquals(before + 1, store.gets());
        assertArrayEquals(d2, readAll(cache, store, v2, CHUNK));
    }

    @Test
    @Timeout(60)
    void aWarmCacheStaysWarmAcrossRestart() throws Exception {
        byte[] d = data(5 * CHUNK + 3, 10);
        ObjectVersion v = put("warm", d);
        open(settings());
        assertArrayEquals(d, readAll(cache, store, v, 50_000));
        long used = cache.stats().usedBytes();
        cache.close();
        store.reset();
        open(settings());
        assertEquals(used, cache.stats().usedBytes());
        assertEquals(6, cache.stats().chunks());
        assertArrayEquals(d, readAll(cache, store, v, 50_000));
        assertEquals(0, store.gets(), "all hits after restart");
        assertEquals(0, cache.stats().misses());
        assertEquals(0, cache.stats().corruptChunks());
    }

    @Test
    @Timeout(60)
    void corruptChunksAfterRestartAreDroppedAndRefetchedNeverServed() throws Exception {
        byte[] d = data(4 * CHUNK, 11);
        ObjectVersion v = put("rot", d);
        open(settings());
        readAll(cache, store, v, CHUNK);
        cache.close();
        List<Path> files = chunkFiles();
        assertEquals(4, files.size());
        try (FileChannel ch = FileChannel.open(files.get(0), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pos = ch.size() - 100; // inside the data
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, pos);
            one.put(0, (byte) (one.get(0) ^ 0x5a));
            ch.write(one.rewind(), pos);
        }
        try (FileChannel ch = FileChannel.open(files.get(1), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10); // torn write
        }
        store.reset();
        open(settings());
        assertEquals(3, cache.stats().chunks(), "the short file was dropped at open");
        assertArrayEquals(d, readAll(cache, store, v, 20_000));
        assertEquals(2, store.gets(), "both bad chunks were fetched again");
        assertEquals(2, cache.stats().corruptChunks());
        assertEquals(4, cache.stats().chunks());
        assertEquals(cache.stats().usedBytes(), realSize());
    }

    @Test
    @Timeout(60)
    void aWipedDirectoryStartsEmpty() throws Exception {
        byte[] d = data(2 * CHUNK, 12);
        ObjectVersion v = put("wiped", d);
        open(settings());
        readAll(cache, store, v, CHUNK);
        cache.close();
        for (Path p : chunkFiles()) {
            Files.delete(p);
        }
        store.reset();
        open(settings());
        assertEquals(0, cache.stats().usedBytes());
        assertArrayEquals(d, readAll(cache, store, v, CHUNK));
        assertEquals(2, store.gets());
        cache.close();
        store.reset();
        open(settings().withChunkSize(CHUNK * 2));
        assertEquals(0, cache.stats().chunks(), "chunks of another chunk size are not reused");
    }

    @Test
    @Timeout(60)
    void invalidateDropsEveryVersionOfAKey() throws Exception {
        byte[] d1 = data(2 * CHUNK, 13);
        ObjectVersion v1 = put("inv", d1);
        ObjectVersion other = put("inv-other", d1);
        open(settings());
        readAll(cache, store, v1, CHUNK);
        readAll(cache, store, other, CHUNK);
        byte[] d2 = data(CHUNK, 14);
        ObjectVersion v2 = put("inv", d2);
        readAll(cache, store, v2, CHUNK);
        assertEquals(5, cache.stats().chunks());
        cache.invalidate(STORE_ID, "inv");
        assertEquals(2, cache.stats().chunks(), "only the other key's chunks stay");
        cache.invalidate("another-mount", "inv-other");
        assertEquals(2, cache.stats().chunks(), "stores never mix");
        store.reset();
        readAll(cache, store, v2, CHUNK);
        assertEquals(1, store.gets());
        assertEquals(cache.stats().usedBytes(), realSize());
    }

    @Test
    @Timeout(60)
    void adoptedUploadsAreCachedWithoutADownload() throws Exception {
        byte[] d = data(3 * CHUNK + 17, 15);
        Path staged = tmp.resolve("staged.bin");
        Files.write(staged, d);
        ObjectInfo info = store.put("uploaded", Payload.ofFile(staged), PutOptions.NONE);
        ObjectVersion v = new ObjectVersion(STORE_ID, "uploaded", info.etag(), d.length);
        open(settings());
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.READ)) {
            ch.position(5);
            cache.adopt(v, ch);
            assertEquals(5, ch.position(), "adopt reads by position");
        }
        assertArrayEquals(d, readAll(cache, store, v, 30_000));
        assertEquals(0, store.gets());
        assertEquals(4, cache.stats().chunks());
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.READ)) {
            ObjectVersion longer = new ObjectVersion(STORE_ID, "uploaded", info.etag(), d.length + 1L);
            assertThrows(IOException.class, () -> cache.adopt(longer, ch));
        }
        assertEquals(0, cache.stats().reservedBytes());
    }

    @Test
    @Timeout(60)
    void otherBackendFailuresKeepTheirKind() throws Exception {
        open(settings());
        ObjectVersion missing = new ObjectVersion(STORE_ID, "never-written", "0123456789abcdef", 10);
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> cache.read(store, missing, 0, ByteBuffer.allocate(10)));
        assertEquals(ObjectStoreException.Kind.NOT_FOUND, e.kind());
        assertEquals(0, cache.stats().reservedBytes());
        assertEquals(0, cache.stats().chunks());
    }

    @Test
    @Timeout(60)
    void theListenerSeesWhatTheStatsCount() throws Exception {
        AtomicLong hits = new AtomicLong();
        AtomicLong misses = new AtomicLong();
        AtomicLong fetched = new AtomicLong();
        AtomicLong evicted = new AtomicLong();
        CacheListener listener = new CacheListener() {
            @Override
            public void onHit(ObjectVersion v, int chunk) {
                hits.incrementAndGet();
                throw new IllegalStateException("a failing listener must not break reads");
            }

            @Override
            public void onMiss(ObjectVersion v, int chunk) {
                misses.incrementAndGet();
            }

            @Override
            public void onFetch(ObjectVersion v, int chunk, long bytes, long nanos, boolean readAhead) {
                fetched.addAndGet(bytes);
            }

            @Override
            public void onEviction(int count, long bytes) {
                evicted.addAndGet(count);
            }
        };
        byte[] d = data(4 * CHUNK, 16);
        ObjectVersion v = put("observed", d);
        cache = ChunkCache.open(tmp.resolve("cache"), settings().withCapacityBytes(3L * CHUNK), listener);
        assertArrayEquals(d, readAll(cache, store, v, CHUNK / 2));
        assertArrayEquals(d, readAll(cache, store, v, CHUNK / 2));
        CacheStats st = cache.stats();
        assertEquals(st.hits(), hits.get());
        assertEquals(st.misses(), misses.get());
        assertEquals(st.bytesFromBackend(), fetched.get());
        assertEquals(st.evictions(), evicted.get());
        assertTrue(st.evictions() > 0 && st.hits() > 0, st.toString());
        assertTrue(st.usedBytes() <= 3L * CHUNK, st.toString());
    }

    @Test
    @Timeout(60)
    void oneCachePerDirectory() throws Exception {
        open(settings());
        assertThrows(IOException.class, () -> ChunkCache.open(tmp.resolve("cache"), settings()));
        cache.close();
        cache = ChunkCache.open(tmp.resolve("cache"), settings());
        assertEquals(0, cache.stats().chunks());
    }
}
