package io.bucketfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/** Per-store limits in the chunk index: a mount's misses evict its own chunks once it is at its cache size. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChunkIndexLimitTest {

    private static ChunkKey key(String store, int n) {
        return new ChunkKey(store, "object-" + n, "etag", 0);
    }

    private static void miss(ChunkIndex index, String store, int n) {
        index.reserve(store, 1);
        index.commit(new ChunkEntry(key(store, n), null, 0, 1, 0, false), 1);
    }

    @ParameterizedTest
    @EnumSource(CacheSettings.Eviction.class)
    void aStoreAtItsLimitEvictsItsOwnChunks(CacheSettings.Eviction policy) {
        ChunkIndex index = new ChunkIndex(10, policy);
        index.limit("a", 3);
        for (int n = 0; n < 3; n++) {
            miss(index, "b", n);
        }
        for (int n = 0; n < 50; n++) {
            miss(index, "a", n);
            assertTrue(index.usedBy("a") <= 3, "a holds " + index.usedBy("a"));
        }
        for (int n = 0; n < 3; n++) {
            assertNotNull(index.get(key("b", n), false), "b's chunk " + n + " survived a's scan");
        }
        assertEquals(3, index.usedBy("a"));
        assertEquals(6, index.used());
    }

    @ParameterizedTest
    @EnumSource(CacheSettings.Eviction.class)
    void aFullCacheTakesFromTheStoreFurthestOverItsShare(CacheSettings.Eviction policy) {
        ChunkIndex index = new ChunkIndex(6, policy);
        index.limit("a", 4);
        index.limit("b", 4);
        for (int n = 0; n < 4; n++) {
            miss(index, "a", n);
        }
        for (int n = 0; n < 4; n++) {
            miss(index, "b", n);
            assertTrue(index.used() <= 6, "over capacity: " + index.used());
        }
        assertEquals(3, index.usedBy("a"), "a gave back what b needed once it was the fuller one");
        assertEquals(3, index.usedBy("b"));
    }

    @ParameterizedTest
    @EnumSource(CacheSettings.Eviction.class)
    void loweringALimitEvictsDownToIt(CacheSettings.Eviction policy) {
        ChunkIndex index = new ChunkIndex(100, policy);
        for (int n = 0; n < 20; n++) {
            miss(index, "a", n);
        }
        List<ChunkEntry> evicted = index.limit("a", 5);
        assertEquals(15, evicted.size());
        assertEquals(5, index.usedBy("a"));
        assertEquals(5, index.used());
        assertEquals(5, index.limitOf("a"));
        index.limit("a", 0);
        assertEquals(100, index.limitOf("a"), "no limit of its own: the capacity");
    }
}
