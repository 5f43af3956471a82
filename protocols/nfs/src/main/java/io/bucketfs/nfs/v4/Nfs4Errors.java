package io.bucketfs.nfs.v4;

import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.lock.LockStatus;

/**
 * The one place where VFS outcomes become {@code nfsstat4} (RFC 8881 15.1), and where a failure is sorted by
 * fault for the log (STYLE.md "sort failures by fault").
 */
public final class Nfs4Errors {

    /** Whose fault a failed operation is, which decides how it is logged. */
    public enum Fault {
        /** An ordinary outcome clients expect (NOENT on LOOKUP, DENIED on LOCK): DEBUG. */
        OUTCOME,
        /** The client used the protocol wrongly (bad XDR, unknown handle, misordered seqid): one-line WARN. */
        CLIENT,
        /** The client's state expired or was lost (restart, lease expiry): INFO. */
        EXPIRED,
        /** The server failed: ERROR with a stack trace. */
        SERVER
    }

    private Nfs4Errors() {
    }

    /** VfsStatus → nfsstat4: exhaustive, so a new VfsStatus does not compile until it is mapped here. */
    public static int toNfs(VfsStatus s) {
        return switch (s) {
            case NOT_FOUND -> NfsStat4.NFS4ERR_NOENT;
            case EXISTS -> NfsStat4.NFS4ERR_EXIST;
            case NOT_DIRECTORY -> NfsStat4.NFS4ERR_NOTDIR;
            case IS_DIRECTORY -> NfsStat4.NFS4ERR_ISDIR;
            case NOT_EMPTY -> NfsStat4.NFS4ERR_NOTEMPTY;
            case ACCESS_DENIED -> NfsStat4.NFS4ERR_ACCESS;
            case NOT_OWNER -> NfsStat4.NFS4ERR_PERM;
            case READ_ONLY -> NfsStat4.NFS4ERR_ROFS;
            case BAD_NAME -> NfsStat4.NFS4ERR_BADNAME;
            case NAME_TOO_LONG -> NfsStat4.NFS4ERR_NAMETOOLONG;
            case STALE -> NfsStat4.NFS4ERR_STALE;
            case BAD_HANDLE -> NfsStat4.NFS4ERR_BADHANDLE;
            case INVALID -> NfsStat4.NFS4ERR_INVAL;
            case CONFLICT -> NfsStat4.NFS4ERR_IO;
            case LOCKED -> NfsStat4.NFS4ERR_LOCKED;
            case SHARE_VIOLATION -> NfsStat4.NFS4ERR_SHARE_DENIED;
            case DELETE_PENDING -> NfsStat4.NFS4ERR_FILE_OPEN;
            case BAD_COOKIE -> NfsStat4.NFS4ERR_BAD_COOKIE;
            case NOT_SUPPORTED -> NfsStat4.NFS4ERR_NOTSUPP;
            case TOO_BIG -> NfsStat4.NFS4ERR_FBIG;
            case NO_SPACE -> NfsStat4.NFS4ERR_NOSPC;
            case IO_ERROR -> NfsStat4.NFS4ERR_IO;
            case DELAY -> NfsStat4.NFS4ERR_DELAY;
            case SYMLINK -> NfsStat4.NFS4ERR_SYMLINK;
            case SERVER_FAULT -> NfsStat4.NFS4ERR_SERVERFAULT;
        };
    }

    /** A VFS failure as the exception an operation throws (the cause is kept for server faults). */
    public static Nfs4Exception of(VfsException e) {
        return new Nfs4Exception(toNfs(e.status()), e.getMessage(), e.isClientError() ? null : e);
    }

    /** A VFS call whose failure becomes an {@link Nfs4Exception}. */
    @FunctionalInterface
    public interface VfsCall<T> {
        T run() throws VfsException;
    }

    /** Runs a VFS call, mapping its failure. */
    public static <T> T vfs(VfsCall<T> call) throws Nfs4Exception {
        try {
            return call.run();
        } catch (VfsException e) {
            throw of(e);
        }
    }

    /** A lock-manager outcome other than success as nfsstat4 (RFC 8881 18.10.4, 18.16.4). */
    public static int toNfs(LockStatus s) {
        return switch (s) {
            case GRANTED, OK -> NfsStat4.NFS4_OK;
            case DENIED, IO_CONFLICT -> NfsStat4.NFS4ERR_DENIED;
            case RANGE_NOT_LOCKED -> NfsStat4.NFS4ERR_LOCK_RANGE;
            case INVALID_RANGE, INVALID_ARGUMENT -> NfsStat4.NFS4ERR_INVAL;
            case SHARE_VIOLATION -> NfsStat4.NFS4ERR_SHARE_DENIED;
            case DELETE_PENDING -> toNfs(VfsStatus.DELETE_PENDING);
            case LEASE_CONFLICT, CANCELLED -> NfsStat4.NFS4ERR_DELAY;
            case NOT_FOUND -> NfsStat4.NFS4ERR_BAD_STATEID;
        };
    }

    /** Whose fault a failed status is (see {@link Fault}). */
    public static Fault fault(int status) {
        return switch (status) {
            case NfsStat4.NFS4ERR_SERVERFAULT, NfsStat4.NFS4ERR_IO, NfsStat4.NFS4ERR_RESOURCE -> Fault.SERVER;
            case NfsStat4.NFS4ERR_EXPIRED, NfsStat4.NFS4ERR_STALE_CLIENTID, NfsStat4.NFS4ERR_STALE_STATEID,
                    NfsStat4.NFS4ERR_BADSESSION, NfsStat4.NFS4ERR_DEADSESSION, NfsStat4.NFS4ERR_ADMIN_REVOKED,
                    NfsStat4.NFS4ERR_STALE, NfsStat4.NFS4ERR_GRACE, NfsStat4.NFS4ERR_NO_GRACE,
                    NfsStat4.NFS4ERR_OLD_STATEID -> Fault.EXPIRED;
            case NfsStat4.NFS4ERR_NOENT, NfsStat4.NFS4ERR_EXIST, NfsStat4.NFS4ERR_NOTEMPTY, NfsStat4.NFS4ERR_DENIED,
                    NfsStat4.NFS4ERR_SHARE_DENIED, NfsStat4.NFS4ERR_LOCKED, NfsStat4.NFS4ERR_DELAY,
                    NfsStat4.NFS4ERR_ACCESS, NfsStat4.NFS4ERR_PERM, NfsStat4.NFS4ERR_ISDIR, NfsStat4.NFS4ERR_NOTDIR,
                    NfsStat4.NFS4ERR_TOOSMALL, NfsStat4.NFS4ERR_SAME, NfsStat4.NFS4ERR_NOT_SAME,
                    NfsStat4.NFS4ERR_BAD_COOKIE, NfsStat4.NFS4ERR_NOTSUPP, NfsStat4.NFS4ERR_ATTRNOTSUPP,
                    NfsStat4.NFS4ERR_SYMLINK, NfsStat4.NFS4ERR_NAMETOOLONG, NfsStat4.NFS4ERR_ROFS,
                    NfsStat4.NFS4ERR_FBIG, NfsStat4.NFS4ERR_NOSPC, NfsStat4.NFS4ERR_NXIO, NfsStat4.NFS4ERR_FILE_OPEN,
                    NfsStat4.NFS4ERR_LOCKS_HELD, NfsStat4.NFS4ERR_WRONG_TYPE, NfsStat4.NFS4ERR_RETRY_UNCACHED_REP,
                    NfsStat4.NFS4ERR_CLIENTID_BUSY, NfsStat4.NFS4ERR_COMPLETE_ALREADY, NfsStat4.NFS4ERR_CLID_INUSE,
                    NfsStat4.NFS4ERR_MLINK, NfsStat4.NFS4ERR_XDEV -> Fault.OUTCOME;
            default -> Fault.CLIENT;
        };
    }
}
