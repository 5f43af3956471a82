package io.bucketfs.cache;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * S3-FIFO (after Yang et al., "FIFO queues are all you need for cache eviction", SOSP 2023), written from the
 * paper's description and weighted by bytes.
 *
 * <ul>
 *   <li>A new key enters the <em>small</em> FIFO ({@value #SMALL_PERCENT}% of capacity), unless the <em>ghost</em>
 *       list remembers it as recently evicted from small, then it enters <em>main</em>.</li>
 *   <li>A hit only bumps the key's frequency (capped at {@value #MAX_FREQ}); nothing moves on a hit.</li>
 *   <li>Evicting from small (when it holds more than its share, or main is empty): its oldest key moves to main if
 *       it was used since it entered, else it is evicted and remembered in ghost. Evicting from main: its oldest
 *       key is re-inserted at the head with frequency minus one if it was used, else evicted.</li>
 * </ul>
 * A scan touches each chunk once, so scanned chunks pass through small and out without displacing main, where
 * the re-used working set lives. Ghost holds keys only, at most as many as are resident (at least
 * {@value #MIN_GHOST}).
 */
final class S3FifoPolicy<K> implements EvictionPolicy<K> {

    static final int SMALL_PERCENT = 10;
    static final int MAX_FREQ = 3;
    static final int MIN_GHOST = 64;

    private static final class Node<K> {
        final K key;
        final long weight;
        int freq;
        boolean inMain;
        Node<K> prev;
        Node<K> next;

        Node(K key, long weight) {
            this.key = key;
            this.weight = weight;
        }
    }

    /** An intrusive doubly linked FIFO: add at head, take from tail, unlink anywhere in O(1). */
    private static final class Fifo<K> {
        Node<K> head;
        Node<K> tail;
        long bytes;

        boolean isEmpty() {
            return tail == null;
        }

        void addHead(Node<K> n) {
            n.prev = null;
            n.next = head;
            if (head != null) {
                head.prev = n;
            }
            head = n;
            if (tail == null) {
                tail = n;
            }
            bytes += n.weight;
        }

        void unlink(Node<K> n) {
            if (n.prev != null) {
                n.prev.next = n.next;
            } else {
                head = n.next;
            }
            if (n.next != null) {
                n.next.prev = n.prev;
            } else {
                tail = n.prev;
            }
            n.prev = null;
            n.next = null;
            bytes -= n.weight;
        }
    }

    private final long smallTarget;
    private final Map<K, Node<K>> nodes = new HashMap<>();
    private final Fifo<K> small = new Fifo<>();
    private final Fifo<K> main = new Fifo<>();
    private final LinkedHashSet<K> ghost = new LinkedHashSet<>();

    S3FifoPolicy(long capacityBytes) {
        this.smallTarget = Math.max(1, capacityBytes * SMALL_PERCENT / 100);
    }

    @Override
    public void admit(K key, long weight) {
        if (nodes.containsKey(key)) {
            return;
        }
        Node<K> n = new Node<>(key, weight);
        nodes.put(key, n);
        if (ghost.remove(key)) {
            n.inMain = true;
            main.addHead(n);
        } else {
            small.addHead(n);
        }
    }

    @Override
    public void touch(K key) {
        Node<K> n = nodes.get(key);
        if (n != null && n.freq < MAX_FREQ) {
            n.freq++;
        }
    }

    @Override
    public void remove(K key) {
        Node<K> n = nodes.remove(key);
        if (n != null) {
            (n.inMain ? main : small).unlink(n);
        }
    }

    @Override
    public K evict() {
        while (!nodes.isEmpty()) {
            K victim = small.bytes > smallTarget || main.isEmpty() ? evictSmall() : evictMain();
            if (victim != null) {
                return victim;
            }
        }
        return null;
    }

    private K evictSmall() {
        Node<K> n = small.tail;
        small.unlink(n);
        if (n.freq > 0) {
            n.freq = 0;
            n.inMain = true;
            main.addHead(n);
            return null;
        }
        nodes.remove(n.key);
        remember(n.key);
        return n.key;
    }

    private K evictMain() {
        Node<K> n = main.tail;
        main.unlink(n);
        if (n.freq > 0) {
            n.freq--;
            main.addHead(n);
            return null;
        }
        nodes.remove(n.key);
        return n.key;
    }

    private void remember(K key) {
        ghost.add(key);
        int limit = Math.max(MIN_GHOST, nodes.size());
        Iterator<K> it = ghost.iterator();
        while (ghost.size() > limit && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    @Override
    public int size() {
        return nodes.size();
    }
}
