package io.bucketfs.nfs.v3;

import io.bucketfs.vfs.VfsStatus;

/**
 * RFC 1813 section 2.6 nfsstat3, and the one place where a {@link VfsStatus} becomes an nfsstat3.
 */
public final class Nfs3Status {

    public static final int NFS3_OK = 0;
    public static final int NFS3ERR_PERM = 1;
    public static final int NFS3ERR_NOENT = 2;
    public static final int NFS3ERR_IO = 5;
    public static final int NFS3ERR_NXIO = 6;
    public static final int NFS3ERR_ACCES = 13;
    public static final int NFS3ERR_EXIST = 17;
    public static final int NFS3ERR_XDEV = 18;
    public static final int NFS3ERR_NODEV = 19;
    public static final int NFS3ERR_NOTDIR = 20;
    public static final int NFS3ERR_ISDIR = 21;
    public static final int NFS3ERR_INVAL = 22;
    public static final int NFS3ERR_FBIG = 27;
    public static final int NFS3ERR_NOSPC = 28;
    public static final int NFS3ERR_ROFS = 30;
    public static final int NFS3ERR_MLINK = 31;
    public static final int NFS3ERR_NAMETOOLONG = 63;
    public static final int NFS3ERR_NOTEMPTY = 66;
    public static final int NFS3ERR_DQUOT = 69;
    public static final int NFS3ERR_STALE = 70;
    public static final int NFS3ERR_REMOTE = 71;
    public static final int NFS3ERR_BADHANDLE = 10001;
    public static final int NFS3ERR_NOT_SYNC = 10002;
    public static final int NFS3ERR_BAD_COOKIE = 10003;
    public static final int NFS3ERR_NOTSUPP = 10004;
    public static final int NFS3ERR_TOOSMALL = 10005;
    public static final int NFS3ERR_SERVERFAULT = 10006;
    public static final int NFS3ERR_BADTYPE = 10007;
    public static final int NFS3ERR_JUKEBOX = 10008;

    private Nfs3Status() {
    }

    /** The nfsstat3 a VFS failure becomes. */
    public static int of(VfsStatus s) {
        return switch (s) {
            case NOT_FOUND -> NFS3ERR_NOENT;
            case EXISTS -> NFS3ERR_EXIST;
            case NOT_DIRECTORY -> NFS3ERR_NOTDIR;
            case IS_DIRECTORY -> NFS3ERR_ISDIR;
            case NOT_EMPTY -> NFS3ERR_NOTEMPTY;
            case ACCESS_DENIED -> NFS3ERR_ACCES;
            case NOT_OWNER -> NFS3ERR_PERM;
            case READ_ONLY -> NFS3ERR_ROFS;
            case BAD_NAME, INVALID -> NFS3ERR_INVAL;
            case NAME_TOO_LONG -> NFS3ERR_NAMETOOLONG;
            case STALE -> NFS3ERR_STALE;
            case BAD_HANDLE -> NFS3ERR_BADHANDLE;
            // v3 has no conflict status; the write is kept as a conflict copy and the client sees an I/O error
            case CONFLICT, IO_ERROR -> NFS3ERR_IO;
            // v3 has no locks or opens: a share or lock conflict from another protocol is "try again later"
            case LOCKED, SHARE_VIOLATION, DELETE_PENDING, DELAY -> NFS3ERR_JUKEBOX;
            case BAD_COOKIE -> NFS3ERR_BAD_COOKIE;
            case NOT_SUPPORTED -> NFS3ERR_NOTSUPP;
            case TOO_BIG -> NFS3ERR_FBIG;
            case NO_SPACE -> NFS3ERR_NOSPC;
            case SYMLINK -> NFS3ERR_INVAL;
            case SERVER_FAULT -> NFS3ERR_SERVERFAULT;
        };
    }
}
