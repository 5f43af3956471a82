package io.bucketfs.vfs.core;

import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.watch.ChangeFilter;
import io.bucketfs.vfs.watch.DirChange;
import io.bucketfs.vfs.watch.DirWatches;

/**
 * Turns namespace changes into {@link DirChange} reports for the watchers of the changed entry's directory and
 * of each ancestor watching its subtree. Every method is called with a namespace lock held (names and parents
 * are read) and returns at once when nobody watches.
 */
final class ChangeReports {
    private final Namespace ns;
    final DirWatches watches = new DirWatches();

    ChangeReports(Namespace ns) {
        this.ns = ns;
    }

    /** A name created in, or moved into, {@code dir}. */
    void added(Inode dir, Inode child, String name) {
        report(dir, name, DirChange.Action.ADDED, nameBit(child));
    }

    /** A name removed from, or moved out of, {@code dir}. */
    void removed(Inode dir, Inode child, String name) {
        report(dir, name, DirChange.Action.REMOVED, nameBit(child));
    }

    /** {@code child} renamed within {@code dir}, from {@code oldName} to {@code newName}. */
    void renamed(Inode dir, Inode child, String oldName, String newName) {
        report(dir, oldName, DirChange.Action.RENAMED_OLD, nameBit(child));
        report(dir, newName, DirChange.Action.RENAMED_NEW, nameBit(child));
    }

    /** The data or attributes of {@code i} changed; {@code what} are the {@link ChangeFilter} bits. */
    void modified(Inode i, int what) {
        if (!watches.active() || i.id == Namespace.ROOT_ID) {
            return;
        }
        Inode dir = ns.get(i.parentId);
        if (dir != null) {
            report(dir, i.name, DirChange.Action.MODIFIED, what);
        }
    }

    /** {@link #modified} from a caller that holds no namespace lock (a data write): takes the read lock. */
    void modifiedUnlocked(Inode i, int what) {
        java.util.concurrent.locks.Lock l = ns.lock.readLock();
        l.lock();
        try {
            modified(i, what);
        } finally {
            l.unlock();
        }
    }

    /** The {@link ChangeFilter} bits a setattr's changes match. */
    static int bitsOf(SetAttr c) {
        int what = 0;
        if (c.size() != null) {
            what |= ChangeFilter.SIZE | ChangeFilter.LAST_WRITE;
        }
        if (c.mtime() != null) {
            what |= ChangeFilter.LAST_WRITE;
        }
        if (c.atime() != null) {
            what |= ChangeFilter.LAST_ACCESS;
        }
        if (c.birthTime() != null) {
            what |= ChangeFilter.CREATION;
        }
        if (c.dosAttributes() != null || c.mode() != null) {
            what |= ChangeFilter.ATTRIBUTES;
        }
        if (c.mode() != null || c.uid() != null || c.gid() != null) {
            what |= ChangeFilter.SECURITY;
        }
        return what;
    }

    private static int nameBit(Inode child) {
        return child.isDir() ? ChangeFilter.DIR_NAME : ChangeFilter.FILE_NAME;
    }

    private void report(Inode dir, String name, DirChange.Action action, int what) {
        if (!watches.active()) {
            return;
        }
        String rel = name;
        Inode d = dir;
        boolean direct = true;
        while (d != null) {
            if (watches.watched(d.id, direct)) {
                watches.report(d.id, direct, new DirChange(rel, action, what));
            }
            if (d.id == Namespace.ROOT_ID) {
                return;
            }
            rel = d.name + "/" + rel;
            d = ns.get(d.parentId);
            direct = false;
        }
    }
}
