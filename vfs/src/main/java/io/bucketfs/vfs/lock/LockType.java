package io.bucketfs.vfs.lock;

/** Shared or exclusive access to a byte range. */
public enum LockType {
    /** Shared: NFS READ_LT, SMB shared lock. */
    READ,
    /** Exclusive: NFS WRITE_LT, SMB exclusive lock. */
    WRITE
}
