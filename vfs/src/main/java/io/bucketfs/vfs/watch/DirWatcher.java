package io.bucketfs.vfs.watch;

/**
 * Told of changes in a watched directory. Called by the thread that made the change, while the VFS holds its
 * namespace lock (so changes arrive in the order they happened): it must only record the change and return,
 * never block nor call back into the VFS.
 */
@FunctionalInterface
public interface DirWatcher {
    void changed(DirChange change);
}
