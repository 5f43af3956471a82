package io.bucketfs.vfs.watch;

/**
 * One change in a watched directory, as its watcher sees it.
 *
 * @param name   the changed entry's path relative to the watched directory, components separated by '/'
 *               (a single name unless the watch covers the subtree)
 * @param action what happened to that name
 * @param what   the {@link ChangeFilter} bits the change matches (a watcher ignores changes matching none of its own)
 */
public record DirChange(String name, Action action, int what) {

    /** What happened to a name. */
    public enum Action {
        /** The name was created (a new file or directory, or moved in from another directory). */
        ADDED,
        /** The name was removed (deleted, or moved to another directory). */
        REMOVED,
        /** The named file's data or attributes changed. */
        MODIFIED,
        /** The name was renamed within its directory: this is the old name, {@link #RENAMED_NEW} follows. */
        RENAMED_OLD,
        /** The new name of a rename within one directory, right after its {@link #RENAMED_OLD}. */
        RENAMED_NEW
    }
}
