package io.bucketfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hit ratios of the eviction policies on deterministic traces, replayed through {@link ChunkIndex} — the same
 * admission, reservation and eviction code {@link ChunkCache} runs, without I/O. Every chunk has the same weight;
 * the cache holds {@value #CAPACITY} chunks. One access is one use of a chunk (a sequential reader's many reads of
 * one chunk count once, as {@link CachedReader} arranges). The numbers are printed side by side.
 *
 * <p>The scan-heavy trace: a Zipf(s = {@value #ZIPF_S}) hot set of {@value #HOT} chunks, and after every
 * {@value #BURST} hot accesses a sequential scan of {@value #SCAN} chunks taken in turn from a {@value #COLD}-chunk
 * cold data set (a backup or {@code grep -r} sweeping a share larger than the cache).
 */
class EvictionTraceTest {

    static final int CAPACITY = 1_000;
    static final int HOT = 5_000;
    static final double ZIPF_S = 0.9;
    static final int BURST = 10_000;
    static final int SCAN = 4_000;
    static final int COLD = 200_000;
    static final int ROUNDS = 20;
    static final long SEED = 20_251_121L;

    /** Replays {@code trace} and returns the hit ratio. */
    static double replay(CacheSettings.Eviction policy, Consumer<IntConsumer> trace) {
        ChunkIndex index = new ChunkIndex(CAPACITY, policy);
        long[] counts = new long[2];
        trace.accept(id -> {
            ChunkKey k = new ChunkKey("trace", "object-" + (id >>> 10), "etag", id & 1023);
            if (index.get(k, true) != null) {
                counts[0]++;
            } else {
                counts[1]++;
                index.reserve("trace", 1);
                index.commit(new ChunkEntry(k, null, 0, 1, 0, true), 1);
            }
            if (index.used() > CAPACITY) {
                throw new AssertionError("over capacity: " + index.used());
            }
        });
        return (double) counts[0] / (counts[0] + counts[1]);
    }

    /** Zipf sampler over ranks 0..n-1 by inverse CDF. */
    static final class Zipf {
        private final double[] cdf;
        private final Random rnd;

        Zipf(int n, double s, Random rnd) {
            this.rnd = rnd;
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int next() {
            int i = Arrays.binarySearch(cdf, rnd.nextDouble());
            return Math.min(cdf.length - 1, i < 0 ? -i - 1 : i);
        }
    }

    static void scanHeavy(IntConsumer access) {
        Zipf zipf = new Zipf(HOT, ZIPF_S, new Random(SEED));
        int cold = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < BURST; i++) {
                access.accept(zipf.next());
            }
            for (int i = 0; i < SCAN; i++) {
                access.accept(HOT + (cold++ % COLD));
            }
        }
    }

    static void zipfOnly(IntConsumer access) {
        Zipf zipf = new Zipf(HOT, ZIPF_S, new Random(SEED));
        for (int i = 0; i < ROUNDS * (BURST + SCAN); i++) {
            access.accept(zipf.next());
        }
    }

    /** The same data set scanned again and again, larger than the cache (where LRU hits nothing). */
    static void loopingScan(IntConsumer access) {
        for (int r = 0; r < 30; r++) {
            for (int i = 0; i < CAPACITY * 3 / 2; i++) {
                access.accept(i);
            }
        }
    }

    @Test
    @Timeout(60)
    void theDefaultPolicyIsNotWorseThanLruOnAScanHeavyTrace() {
        System.out.printf("%-34s %8s %8s%n", "trace (capacity " + CAPACITY + " chunks)", "LRU", "S3-FIFO");
        double[] scan = print("zipf hot set + periodic scans", EvictionTraceTest::scanHeavy);
        print("zipf only", EvictionTraceTest::zipfOnly);
        print("looping scan 1.5x capacity", EvictionTraceTest::loopingScan);
        assertEquals(CacheSettings.Eviction.S3_FIFO, CacheSettings.DEFAULT.eviction());
        assertTrue(scan[1] >= scan[0], "S3-FIFO " + scan[1] + " < LRU " + scan[0] + " on the scan-heavy trace");
        assertEquals(scan[0], replay(CacheSettings.Eviction.LRU, EvictionTraceTest::scanHeavy),
                "hit ratios are deterministic");
    }

    private static double[] print(String name, Consumer<IntConsumer> trace) {
        double lru = replay(CacheSettings.Eviction.LRU, trace);
        double fifo = replay(CacheSettings.Eviction.S3_FIFO, trace);
        System.out.printf("%-34s %7.2f%% %7.2f%%%n", name, lru * 100, fifo * 100);
        return new double[] {lru, fifo};
    }

    @Test
    @Timeout(10)
    void lruEvictsTheLeastRecentlyUsed() {
        EvictionPolicy<String> p = new LruPolicy<>();
        for (String k : List.of("a", "b", "c")) {
            p.admit(k, 1);
        }
        p.touch("a");
        assertEquals("b", p.evict());
        p.remove("c");
        assertEquals("a", p.evict());
        assertNull(p.evict());
    }

    @Test
    @Timeout(10)
    void s3FifoEvictsOneHitWondersFirstAndRemembersThem() {
        EvictionPolicy<String> p = new S3FifoPolicy<>(100); // small queue: 10 bytes
        p.admit("hot", 5);
        p.touch("hot");
        for (String k : List.of("x1", "x2", "x3")) {
            p.admit(k, 5);
        }
        assertEquals("x1", p.evict(), "hot was used, so it moves to main; x1 was not");
        p.touch("hot"); // used again, in main
        p.admit("x4", 5);
        assertEquals("x2", p.evict(), "small holds more than its share: its oldest unused goes");
        p.admit("x1", 5); // remembered by ghost: straight into main
        assertEquals("x1", p.evict(), "main: hot was re-used and goes round again, x1 was not");
        assertEquals("hot", p.evict());
        assertEquals("x3", p.evict(), "main is empty: small again");
        assertEquals("x4", p.evict());
        assertNull(p.evict());
        assertEquals(0, p.size());
    }
}
