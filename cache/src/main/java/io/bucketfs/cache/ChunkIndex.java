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
 * <p>Invariant: {@code used} is the sum of {@link ChunkEntry#fileLength()} of the entries;
 * {@code used + reserved <= capacity} after every {@link #reserve} unless the policy had nothing left to evict
 * (every byte is reserved by fetches in flight), which bounds the overshoot by the fetches in flight.
 */
final class ChunkIndex {

    private record ObjectName(String storeId, String key) {
    }

    private final long capacity;
    private final EvictionPolicy<ChunkKey> policy;
    private final Map<ChunkKey, ChunkEntry> entries = new HashMap<>();
    private final Map<ObjectName, Set<ChunkKey>> byObject = new HashMap<>();
    private long used;
    private long reserved;

    ChunkIndex(long capacity, CacheSettings.Eviction eviction) {
        this.capacity = capacity;
        this.policy = EvictionPolicy.create(eviction, capacity);
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
                policy.touch(key);
            }
        }
        return e;
    }

    /** Reserves {@code bytes} for a fetch, evicting until they fit or nothing is left; returns the evicted. */
    List<ChunkEntry> reserve(long bytes) {
        List<ChunkEntry> evicted = new ArrayList<>();
        while (used + reserved + bytes > capacity) {
            ChunkKey victim = policy.evict();
            if (victim == null) {
                break;
            }
            ChunkEntry e = unindex(victim);
            if (e != null) {
                evicted.add(e);
            }
        }
        reserved += bytes;
        return evicted;
    }

    /** Gives back a reservation whose fetch failed. */
    void release(long bytes) {
        reserved -= bytes;
    }

    /**
     * Makes {@code e} resident, turning {@code reservedBytes} of reservation into use. Returns the entry it
     * replaced (same key, another file), or {@code null}.
     */
    ChunkEntry commit(ChunkEntry e, long reservedBytes) {
        reserved -= reservedBytes;
        ChunkEntry old = entries.get(e.key);
        if (old != null) {
            policy.remove(e.key);
            unindex(e.key);
        }
        entries.put(e.key, e);
        byObject.computeIfAbsent(new ObjectName(e.key.storeId(), e.key.key()), k -> new HashSet<>()).add(e.key);
        used += e.fileLength();
        policy.admit(e.key, e.fileLength());
        return old;
    }

    /** Removes {@code e} if it is still the entry of its key (a corrupt or vanished file). */
    boolean removeExact(ChunkEntry e) {
        if (entries.get(e.key) != e) {
            return false;
        }
        policy.remove(e.key);
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
        for (ChunkKey k : new ArrayList<>(keys)) {
            policy.remove(k);
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
