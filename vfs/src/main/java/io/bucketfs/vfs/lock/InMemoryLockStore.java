package io.bucketfs.vfs.lock;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The single-node {@link LockStore}: states in a concurrent map, updates serialized per file by one of
 * {@link #DEFAULT_STRIPES} striped locks (a file always maps to the same stripe; there is no global lock).
 * Reads take no lock: states are immutable and published through the map. Mutations run once per update.
 *
 * <p>Lock order: a stripe lock is the innermost lock of the lock manager; nothing is called under it but the
 * mutation (pure) and the namespace index (a concurrent map).
 */
public final class InMemoryLockStore implements LockStore {

    /** Number of stripes when none is given. */
    public static final int DEFAULT_STRIPES = 64;

    private final ConcurrentHashMap<Long, FileLockState> states = new ConcurrentHashMap<>();
    /** namespace → files it may hold something on; entries are added before and removed after the state. */
    private final ConcurrentHashMap<String, Set<Long>> byNamespace = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes;
    private final AtomicLong ids = new AtomicLong();

    public InMemoryLockStore() {
        this(DEFAULT_STRIPES);
    }

    /** @param stripeCount the number of stripe locks, at least 1 */
    public InMemoryLockStore(int stripeCount) {
        if (stripeCount < 1) {
            throw new IllegalArgumentException("stripes " + stripeCount);
        }
        stripes = new ReentrantLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    @Override
    public FileLockState read(long fileId) {
        return states.getOrDefault(fileId, FileLockState.EMPTY);
    }

    @Override
    public <R> R update(long fileId, Function<FileLockState, Update<R>> mutation) {
        ReentrantLock stripe = stripes[Math.floorMod(Long.hashCode(fileId * 0x9E3779B97F4A7C15L), stripes.length)];
        stripe.lock();
        try {
            FileLockState before = read(fileId);
            Update<R> update = mutation.apply(before);
            FileLockState after = update.state();
            Set<String> oldNamespaces = before.namespaces();
            Set<String> newNamespaces = after.namespaces();
            for (String ns : newNamespaces) {
                if (!oldNamespaces.contains(ns)) {
                    index(ns, fileId);
                }
            }
            if (after.isEmpty()) {
                states.remove(fileId);
            } else {
                states.put(fileId, after);
            }
            for (String ns : oldNamespaces) {
                if (!newNamespaces.contains(ns)) {
                    unindex(ns, fileId);
                }
            }
            return update.result();
        } finally {
            stripe.unlock();
        }
    }

    private void index(String namespace, long fileId) {
        byNamespace.compute(namespace, (k, files) -> {
            Set<Long> out = files == null ? ConcurrentHashMap.newKeySet() : files;
            out.add(fileId);
            return out;
        });
    }

    private void unindex(String namespace, long fileId) {
        byNamespace.computeIfPresent(namespace, (k, files) -> {
            files.remove(fileId);
            return files.isEmpty() ? null : files;
        });
    }

    @Override
    public Set<Long> filesOf(String namespace) {
        Set<Long> files = byNamespace.get(namespace);
        return files == null ? Set.of() : Set.copyOf(files);
    }

    @Override
    public long nextId() {
        return ids.incrementAndGet();
    }

    /** Number of files with state, for tests and metrics. */
    public int fileCount() {
        return states.size();
    }
}
