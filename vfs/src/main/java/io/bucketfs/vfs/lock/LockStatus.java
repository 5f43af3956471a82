package io.bucketfs.vfs.lock;

/**
 * Every outcome of a lock-manager call. Frontends map these once each: to nfsstat4 and to NTSTATUS.
 */
public enum LockStatus {
    /** A lock, share reservation or lease was granted (or a test found no conflict). */
    GRANTED,
    /** A call that grants nothing (unlock, close, downgrade, acknowledgement) succeeded. */
    OK,
    /** A conflicting byte-range lock exists; the result names it (NFS4ERR_DENIED, STATUS_LOCK_NOT_GRANTED). */
    DENIED,
    /** An I/O range conflicts with another owner's lock (STATUS_FILE_LOCK_CONFLICT). */
    IO_CONFLICT,
    /** An SMB unlock named no held lock exactly (STATUS_RANGE_NOT_LOCKED). */
    RANGE_NOT_LOCKED,
    /** Offset and length do not describe a valid range (NFS4ERR_INVAL, STATUS_INVALID_LOCK_RANGE). */
    INVALID_RANGE,
    /** An open conflicts with another open's access or deny bits (NFS4ERR_SHARE_DENIED, STATUS_SHARING_VIOLATION). */
    SHARE_VIOLATION,
    /**
     * An open of a delete-pending file ({@link LockManager#setDeletePending}): NFS4ERR_FILE_OPEN,
     * STATUS_DELETE_PENDING.
     */
    DELETE_PENDING,
    /** A lease cannot be granted now: other owners hold conflicting opens, locks or leases. */
    LEASE_CONFLICT,
    /** A downgrade asked for bits the open does not hold, or an acknowledgement for a level above the break's. */
    INVALID_ARGUMENT,
    /** The share handle or lease is not (or no longer) held. */
    NOT_FOUND,
    /** A waiting lock was cancelled, or its owner or file was released while it waited. */
    CANCELLED
}
