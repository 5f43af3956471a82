package io.bucketfs.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;

/** Least recently used: an access-ordered hash map; evicts its eldest entry. O(1) per operation. */
final class LruPolicy<K> implements EvictionPolicy<K> {

    private final LinkedHashMap<K, Boolean> order = new LinkedHashMap<>(256, 0.75f, true);

    @Override
    public void admit(K key, long weight) {
        order.put(key, Boolean.TRUE);
    }

    @Override
    public void touch(K key) {
        order.get(key);
    }

    @Override
    public void remove(K key) {
        order.remove(key);
    }

    @Override
    public K evict() {
        Iterator<K> it = order.keySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        K eldest = it.next();
        it.remove();
        return eldest;
    }

    @Override
    public int size() {
        return order.size();
    }
}
