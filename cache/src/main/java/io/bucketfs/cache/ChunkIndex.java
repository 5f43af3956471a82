package io.bucketfs.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory index of resident chunks with its capacity accounting and eviction policy. Not thread-safe:
 * {@link ChunkCache} calls it only under its index lock, and never does I/O inside (methods return the entries
 * whose files the caller deletes after unlocking).
 *
 * <p>Each store (a mount) has its own eviction policy and may have a limit of its own ({@link #limit}): a fetch
 * for a store at its limit evicts that store's chunks, so one mount's scan never pushes out another's working set
 * beyond its share. When the whole cache is full the store furthest over its share (used bytes over limit, the
 * capacity for a store without one) gives back first.
 *
 * <p>Invariant: {@code used} is the sum of {@link ChunkEntry#fileLength()} of the entries, and a store's
 * {@code used} that of its entries; {@code used + reserved <= capacity} after every {@link #reserve} unless the
 * policies had nothing left to evict (every byte is reserved by fetches in flight), which bounds the overshoot by
 * the fetches in flight; the same holds for each store and its limit.
 */
final class ChunkIndex {

    private record ObjectName(String storeId, String key) {
    }

    /** One store's share of the cache. */
    private final class Store {
        final EvictionPolicy<ChunkKey> policy;
        long limit;
        long used;
        long reserved;

        Store(long limit) {
            this.limit = limit;
            this.policy = EvictionPolicy.create(eviction, Math.min(limit, capacity));
        }

        /** How far over its share the store would be with {@code more} bytes (above 1: over). */
        double pressure(long more) {
            return (double) (used + reserved + more) / Math.max(1, Math.min(limit, capacity));
        }
    }

    private final long capacity;
    private final CacheSettings.Eviction eviction;
    private final Map<String, Store> stores = new HashMap<>();
    private final Map<ChunkKey, ChunkEntry> entries = new HashMap<>();
    private final Map<ObjectName, Set<ChunkKey>> byObject = new HashMap<>();
    private long used;
    private long reserved;

    ChunkIndex(long capacity, CacheSettings.Eviction eviction) {
        this.capacity = capacity;
        this.eviction = eviction;
    }

    private Store store(String storeId) {
        return stores.computeIfAbsent(storeId, id -> new Store(capacity));
    }

    /**
     * Sets the most bytes {@code storeId}'s chunks may take ({@code <= 0}: no limit of its own, only the capacity);
     * returns the chunks evicted to get under a lowered limit.
     */
    List<ChunkEntry> limit(String storeId, long bytes) {
        Store s = store(storeId);
        s.limit = bytes <= 0 ? capacity : bytes;
        List<ChunkEntry> evicted = new ArrayList<>();
        evictWithin(s, 0, evicted);
        return evicted;
    }

    /** The limit of {@code storeId} (the capacity if it has none of its own). */
    long limitOf(String storeId) {
        Store s = stores.get(storeId);
        return s == null ? capacity : s.limit;
    }

    /** The bytes of {@code storeId}'s resident chunks. */
    long usedBy(String storeId) {
        Store s = stores.get(storeId);
        return s == null ? 0 : s.used;
    }

    /**
     * The entry of {@code key} or {@code null}. With {@code touch}, counts as a use for the policy, except for the
     * first read of a prefetched chunk (which is its admission).
     */
    ChunkEntry get(ChunkKey key, boolean touch) {
        ChunkEntry e = entries.get(key);
        if (e != null && touch) {
            if (e.prefetched) {
                e.prefetched = false;
            } else {
                store(key.storeId()).policy.touch(key);
            }
        }
        return e;
    }

    /**
     * Reserves {@code bytes} for a fetch of a chunk of {@code storeId}, evicting until they fit in the store's
     * limit and in the capacity, or nothing is left; returns the evicted.
     */
    List<ChunkEntry> reserve(String storeId, long bytes) {
        Store s = store(storeId);
        List<ChunkEntry> evicted = new ArrayList<>();
        evictWithin(s, bytes, evicted);
        evictGlobally(s, bytes, evicted);
        s.reserved += bytes;
        reserved += bytes;
        return evicted;
    }

    /** Evicts until the whole cache holds its capacity again (after a restart with a lower one). */
    List<ChunkEntry> trim() {
        List<ChunkEntry> evicted = new ArrayList<>();
        evictGlobally(null, 0, evicted);
        return evicted;
    }

    private void evictWithin(Store s, long bytes, List<ChunkEntry> evicted) {
        while (s.used + s.reserved + bytes > s.limit) {
            ChunkKey victim = s.policy.evict();
            if (victim == null) {
                return;
            }
            ChunkEntry e = unindex(victim);
            if (e != null) {
                evicted.add(e);
            }
        }
    }

    /**
     * Evicts at least {@code bytes} of resident chunks (fewer if the cache holds less), whatever the capacity: the
     * disk under the cache filled up before the cache did (other files on it, a capacity set larger than the disk).
     */
    List<ChunkEntry> shed(long bytes) {
        List<ChunkEntry> evicted = new ArrayList<>();
        evictGlobally(null, 0, evicted, Math.max(0, used + reserved - bytes));
        return evicted;
    }

    private void evictGlobally(Store requester, long bytes, List<ChunkEntry> evicted) {
        evictGlobally(requester, bytes, evicted, capacity);
    }

    /** Evicts from the store furthest over its share, counting the bytes {@code requester} asks for as its own. */
    private void evictGlobally(Store requester, long bytes, List<ChunkEntry> evicted, long cap) {
        while (used + reserved + bytes > cap) {
            Store most = null;
            double highest = -1;
            for (Store t : stores.values()) {
                double p = t.pressure(t == requester ? bytes : 0);
                if (t.policy.size() > 0 && p > highest) {
                    most = t;
                    highest = p;
                }
            }
            ChunkKey victim = most == null ? null : most.policy.evict();
            if (victim == null) {
                return;
            }
            ChunkEntry e = unindex(victim);
            if (e != null) {
                evicted.add(e);
            }
        }
    }

    /** Gives back a reservation of {@code storeId} whose fetch failed. */
    void release(String storeId, long bytes) {
        store(storeId).reserved -= bytes;
        reserved -= bytes;
    }

    /**
     * Makes {@code e} resident, turning {@code reservedBytes} of reservation into use. Returns the entry it
     * replaced (same key, another file), or {@code null}.
     */
    ChunkEntry commit(ChunkEntry e, long reservedBytes) {
        Store s = store(e.key.storeId());
        s.reserved -= reservedBytes;
        reserved -= reservedBytes;
        ChunkEntry old = entries.get(e.key);
        if (old != null) {
            s.policy.remove(e.key);
            unindex(e.key);
        }
        entries.put(e.key, e);
        byObject.computeIfAbsent(new ObjectName(e.key.storeId(), e.key.key()), k -> new HashSet<>()).add(e.key);
        used += e.fileLength();
        s.used += e.fileLength();
        s.policy.admit(e.key, e.fileLength());
        return old;
    }

    /** Removes {@code e} if it is still the entry of its key (a corrupt or vanished file). */
    boolean removeExact(ChunkEntry e) {
        if (entries.get(e.key) != e) {
            return false;
        }
        store(e.key.storeId()).policy.remove(e.key);
        unindex(e.key);
        return true;
    }

    /** Removes every chunk of every version of {@code key} in {@code storeId}; returns them. */
    List<ChunkEntry> removeObject(String storeId, String key) {
        Set<ChunkKey> keys = byObject.get(new ObjectName(storeId, key));
        if (keys == null) {
            return List.of();
        }
        List<ChunkEntry> removed = new ArrayList<>();
        Store s = store(storeId);
        for (ChunkKey k : new ArrayList<>(keys)) {
            s.policy.remove(k);
            ChunkEntry e = unindex(k);
            if (e != null) {
                removed.add(e);
            }
        }
        return removed;
    }

    private ChunkEntry unindex(ChunkKey key) {
        ChunkEntry e = entries.remove(key);
        if (e == null) {
            return null;
        }
        used -= e.fileLength();
        store(key.storeId()).used -= e.fileLength();
        ObjectName name = new ObjectName(key.storeId(), key.key());
        Set<ChunkKey> keys = byObject.get(name);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                byObject.remove(name);
            }
        }
        return e;
    }

    long used() {
        return used;
    }

    long reserved() {
        return reserved;
    }

    long capacity() {
        return capacity;
    }

    int size() {
        return entries.size();
    }
}
