package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.vfs.VfsStatus;

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

    /** Whether a VFS failure is the server's fault (logged with a stack trace) rather than the request's. */
    public static boolean isServerFault(VfsStatus s) {
        return s == VfsStatus.SERVER_FAULT || s == VfsStatus.IO_ERROR;
    }
}
