package io.bucketfs.vfs;

/**
 * Every outcome of a VFS call other than success, errno-like and protocol-neutral. Each frontend maps these in
 * exactly one place (VfsStatus → nfsstat4, VfsStatus → NTSTATUS), with an exhaustive switch.
 */
public enum VfsStatus {
    /** No such file or directory (ENOENT). */
    NOT_FOUND,
    /** The name exists (EEXIST): exclusive create, mkdir, symlink over an existing name. */
    EXISTS,
    /** A directory was expected (ENOTDIR). */
    NOT_DIRECTORY,
    /** A non-directory was expected (EISDIR): read/write on a directory, remove() of a directory. */
    IS_DIRECTORY,
    /** rmdir or rename over a directory that has entries (ENOTEMPTY). */
    NOT_EMPTY,
    /** Permission bits or ownership refuse the caller (EACCES). */
    ACCESS_DENIED,
    /** The operation needs ownership or root (EPERM): chown by non-root, setting times of another's file. */
    NOT_OWNER,
    /** The mount is read-only (EROFS). */
    READ_ONLY,
    /** A name that cannot be stored: empty, ".", "..", contains '/', NUL, or too long (EINVAL/ENAMETOOLONG). */
    BAD_NAME,
    /** The name is longer than the limit (ENAMETOOLONG). */
    NAME_TOO_LONG,
    /** The file handle refers to a file that no longer exists, or is not one this gateway issued (ESTALE). */
    STALE,
    /** A handle that cannot be decoded at all (BADHANDLE). */
    BAD_HANDLE,
    /** Rename of a directory into its own subtree, or other invalid argument (EINVAL). */
    INVALID,
    /** The object changed in the bucket since it was opened for writing; the write was kept as a conflict copy. */
    CONFLICT,
    /** Something else holds a conflicting byte-range lock (EAGAIN/lock denied). */
    LOCKED,
    /** An open's access/deny mode conflicts with another open (share violation). */
    SHARE_VIOLATION,
    /** The file is delete-pending: it is not opened again, nothing new is made in it ({@link Vfs#setDeletePending}). */
    DELETE_PENDING,
    /** A readdir cookie or verifier that is no longer valid (the listing must restart). */
    BAD_COOKIE,
    /** Not supported by this gateway (hard links, special files). */
    NOT_SUPPORTED,
    /** The file would exceed the maximum size (EFBIG). */
    TOO_BIG,
    /** The staging area or cache disk is full and did not drain in time (ENOSPC). */
    NO_SPACE,
    /** The bucket could not be reached or failed after bounded retries (EIO). */
    IO_ERROR,
    /** The gateway is starting or recovering and cannot serve this yet (retry later; NFS GRACE/DELAY). */
    DELAY,
    /** An operation on a symlink that needs a regular file or directory (ELOOP / wrong type). */
    SYMLINK,
    /** The server failed (a bug or a broken journal): logged with a stack trace. */
    SERVER_FAULT
}
