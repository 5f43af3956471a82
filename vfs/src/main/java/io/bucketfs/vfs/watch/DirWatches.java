package io.bucketfs.vfs.watch;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The directory watches of one mount: frontends register a {@link DirWatcher} for a directory (by
 * {@link io.bucketfs.vfs.FileHandle#fileId()}), alone or with its whole subtree; the VFS reports every change it
 * applies to the namespace (create, remove, rename, attribute changes, writes), whichever protocol made it.
 * Changes found in the bucket by revalidation or listing (another writer of the bucket) are not reported.
 *
 * <p>When nobody watches, reporting costs the VFS one volatile read ({@link #active()}).
 */
public final class DirWatches {

    /** A registration; {@link #close()} ends it. */
    public final class Watch implements AutoCloseable {
        final long dirId;
        final boolean subtree;
        final DirWatcher watcher;

        Watch(long dirId, boolean subtree, DirWatcher watcher) {
            this.dirId = dirId;
            this.subtree = subtree;
            this.watcher = watcher;
        }

        @Override
        public void close() {
            unwatch(this);
        }
    }

    private final Map<Long, List<Watch>> byDir = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean active;

    /** Watches directory {@code dirId}, with every directory below it when {@code subtree}. */
    public Watch watch(long dirId, boolean subtree, DirWatcher watcher) {
        Watch w = new Watch(dirId, subtree, watcher);
        synchronized (byDir) {
            byDir.computeIfAbsent(dirId, k -> new CopyOnWriteArrayList<>()).add(w);
            active = count.incrementAndGet() > 0;
        }
        return w;
    }

    private void unwatch(Watch w) {
        synchronized (byDir) {
            List<Watch> l = byDir.get(w.dirId);
            if (l == null || !l.remove(w)) {
                return;
            }
            if (l.isEmpty()) {
                byDir.remove(w.dirId);
            }
            active = count.decrementAndGet() > 0;
        }
    }

    /** Whether any directory is watched: the VFS reports nothing (and computes nothing to report) otherwise. */
    public boolean active() {
        return active;
    }

    /** Whether {@code dirId} has a watch ({@code direct}: any; otherwise only a subtree watch counts). */
    public boolean watched(long dirId, boolean direct) {
        List<Watch> l = byDir.get(dirId);
        if (l == null) {
            return false;
        }
        if (direct) {
            return !l.isEmpty();
        }
        for (Watch w : l) {
            if (w.subtree) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reports a change to the watchers of {@code dirId}: every one if the change is in that directory itself
     * ({@code direct}), only the subtree watchers for a change deeper down.
     */
    public void report(long dirId, boolean direct, DirChange change) {
        List<Watch> l = byDir.get(dirId);
        if (l == null) {
            return;
        }
        for (Watch w : l) {
            if (direct || w.subtree) {
                w.watcher.changed(change);
            }
        }
    }
}
