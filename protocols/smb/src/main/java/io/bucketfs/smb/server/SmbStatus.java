package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.LockStatus;

/** The one mapping of VFS outcomes to NTSTATUS. */
public final class SmbStatus {
    private SmbStatus() {
    }

    /** NTSTATUS for a {@link VfsStatus}; exhaustive: a new VfsStatus does not compile until mapped here. */
    public static int of(VfsStatus s) {
        return switch (s) {
            case NOT_FOUND -> NtStatus.OBJECT_NAME_NOT_FOUND;
            case EXISTS -> NtStatus.OBJECT_NAME_COLLISION;
            case NOT_DIRECTORY -> NtStatus.NOT_A_DIRECTORY;
            case IS_DIRECTORY -> NtStatus.FILE_IS_A_DIRECTORY;
            case NOT_EMPTY -> NtStatus.DIRECTORY_NOT_EMPTY;
            case ACCESS_DENIED, NOT_OWNER -> NtStatus.ACCESS_DENIED;
            case READ_ONLY -> NtStatus.MEDIA_WRITE_PROTECTED;
            case BAD_NAME -> NtStatus.OBJECT_NAME_INVALID;
            case NAME_TOO_LONG -> NtStatus.NAME_TOO_LONG;
            case STALE, CONFLICT -> NtStatus.FILE_INVALID;
            case BAD_HANDLE -> NtStatus.INVALID_HANDLE;
            case INVALID, BAD_COOKIE -> NtStatus.INVALID_PARAMETER;
            case LOCKED -> NtStatus.FILE_LOCK_CONFLICT;
            case SHARE_VIOLATION -> NtStatus.SHARING_VIOLATION;
            case DELETE_PENDING -> NtStatus.DELETE_PENDING;
            case NOT_SUPPORTED -> NtStatus.NOT_SUPPORTED;
            case TOO_BIG -> NtStatus.FILE_TOO_LARGE;
            case NO_SPACE -> NtStatus.DISK_FULL;
            case IO_ERROR -> NtStatus.UNEXPECTED_IO_ERROR;
            case DELAY -> NtStatus.NETWORK_BUSY;
            case SYMLINK -> NtStatus.STOPPED_ON_SYMLINK;
            case SERVER_FAULT -> NtStatus.INTERNAL_ERROR;
        };
    }

    /**
     * NTSTATUS for a byte-range lock outcome of the VFS lock manager ([MS-SMB2] 3.3.5.14, [MS-FSA] 2.1.5.8/9);
     * exhaustive like {@link #of(VfsStatus)}. Outcomes that byte-range locking never produces map to
     * INTERNAL_ERROR.
     */
    public static int of(LockStatus s) {
        return switch (s) {
            case GRANTED, OK -> NtStatus.SUCCESS;
            case DENIED -> NtStatus.LOCK_NOT_GRANTED;
            case IO_CONFLICT -> NtStatus.FILE_LOCK_CONFLICT;
            case RANGE_NOT_LOCKED -> NtStatus.RANGE_NOT_LOCKED;
            case INVALID_RANGE -> NtStatus.INVALID_LOCK_RANGE;
            case SHARE_VIOLATION -> NtStatus.SHARING_VIOLATION;
            case DELETE_PENDING -> NtStatus.DELETE_PENDING;
            case CANCELLED -> NtStatus.CANCELLED;
            case INVALID_ARGUMENT -> NtStatus.INVALID_PARAMETER;
            case NOT_FOUND -> NtStatus.FILE_CLOSED;
            case LEASE_CONFLICT -> NtStatus.INTERNAL_ERROR;
        };
    }

    /** Whether a VFS failure is the server's fault (logged with a stack trace) rather than the request's. */
    public static boolean isServerFault(VfsStatus s) {
        return s == VfsStatus.SERVER_FAULT || s == VfsStatus.IO_ERROR;
    }
}
