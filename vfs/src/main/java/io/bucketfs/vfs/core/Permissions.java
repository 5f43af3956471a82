package io.bucketfs.vfs.core;

import io.bucketfs.vfs.Access;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;

/** POSIX permission checks on an inode's mode, owner and group. */
final class Permissions {

    static final int R = 4;
    static final int W = 2;
    static final int X = 1;

    private Permissions() {
    }

    /** Whether {@code caller} has all {@code rwx} bits (of {@link #R}, {@link #W}, {@link #X}) on the inode. */
    static boolean has(Caller caller, Inode i, int rwx) {
        if (caller.isRoot()) {
            // root may do anything but execute a file nobody may execute
            return (rwx & X) == 0 || i.type == FileType.DIRECTORY || (i.mode & 0111) != 0;
        }
        int bits;
        if (caller.uid() == i.uid) {
            bits = (i.mode >> 6) & 7;
        } else if (caller.inGroup(i.gid)) {
            bits = (i.mode >> 3) & 7;
        } else {
            bits = i.mode & 7;
        }
        return (bits & rwx) == rwx;
    }

    static void require(Caller caller, Inode i, int rwx, String what) throws VfsException {
        if (!has(caller, i, rwx)) {
            throw new VfsException(VfsStatus.ACCESS_DENIED, what + ": permission denied");
        }
    }

    /** Changing entries of {@code dir}: write + search on it. */
    static void requireDirWrite(Caller caller, Inode dir) throws VfsException {
        require(caller, dir, W | X, "changing directory '" + dir.name + "'");
    }

    /** With the sticky bit, only the owner of the entry, of the directory, or root may remove or rename it. */
    static void requireStickyOk(Caller caller, Inode dir, Inode victim) throws VfsException {
        if ((dir.mode & 01000) != 0 && !caller.isRoot() && caller.uid() != dir.uid && caller.uid() != victim.uid) {
            throw new VfsException(VfsStatus.ACCESS_DENIED, "sticky directory: not the owner of '" + victim.name + "'");
        }
    }

    /** The subset of {@link Access} bits granted. */
    static int access(Caller caller, Inode i, int requested) {
        int granted = 0;
        boolean dir = i.type == FileType.DIRECTORY;
        if ((requested & Access.READ) != 0 && has(caller, i, R)) {
            granted |= Access.READ;
        }
        if ((requested & Access.LOOKUP) != 0 && dir && has(caller, i, X)) {
            granted |= Access.LOOKUP;
        }
        int writeBits = Access.MODIFY | Access.EXTEND | (dir ? Access.DELETE : 0);
        if ((requested & writeBits) != 0 && has(caller, i, W)) {
            granted |= requested & writeBits;
        }
        if ((requested & Access.EXECUTE) != 0 && !dir && has(caller, i, X)) {
            granted |= Access.EXECUTE;
        }
        return granted;
    }
}
