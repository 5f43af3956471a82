package io.bucketfs.vfs.watch;

/** The kinds of change a {@link DirChange} matches, as bits a watcher filters on. */
public final class ChangeFilter {
    /** A file (not a directory) was added, removed or renamed. */
    public static final int FILE_NAME = 1;
    /** A directory was added, removed or renamed. */
    public static final int DIR_NAME = 1 << 1;
    /** Mode bits or DOS attributes changed. */
    public static final int ATTRIBUTES = 1 << 2;
    /** The size changed. */
    public static final int SIZE = 1 << 3;
    /** The last modification time changed (data written, or set). */
    public static final int LAST_WRITE = 1 << 4;
    /** The last access time was set. */
    public static final int LAST_ACCESS = 1 << 5;
    /** The birth (creation) time was set. */
    public static final int CREATION = 1 << 6;
    /** The owner, group or permissions changed. */
    public static final int SECURITY = 1 << 7;

    private ChangeFilter() {
    }
}
