package io.bucketfs.nfs.v4.attr;

import io.bucketfs.nfs.v4.xdr.Bitmap4;

/** RFC 8881 5.8 and 5.7: the attribute numbers this server knows, and which it supports and lets clients set. */
public final class Fattr {
    public static final int SUPPORTED_ATTRS = 0;
    public static final int TYPE = 1;
    public static final int FH_EXPIRE_TYPE = 2;
    public static final int CHANGE = 3;
    public static final int SIZE = 4;
    public static final int LINK_SUPPORT = 5;
    public static final int SYMLINK_SUPPORT = 6;
    public static final int NAMED_ATTR = 7;
    public static final int FSID = 8;
    public static final int UNIQUE_HANDLES = 9;
    public static final int LEASE_TIME = 10;
    public static final int RDATTR_ERROR = 11;
    public static final int ACLSUPPORT = 13;
    public static final int CANSETTIME = 15;
    public static final int CASE_INSENSITIVE = 16;
    public static final int CASE_PRESERVING = 17;
    public static final int CHOWN_RESTRICTED = 18;
    public static final int FILEHANDLE = 19;
    public static final int FILEID = 20;
    public static final int FILES_AVAIL = 21;
    public static final int FILES_FREE = 22;
    public static final int FILES_TOTAL = 23;
    public static final int FS_LOCATIONS = 24;
    public static final int HOMOGENEOUS = 26;
    public static final int MAXFILESIZE = 27;
    public static final int MAXLINK = 28;
    public static final int MAXNAME = 29;
    public static final int MAXREAD = 30;
    public static final int MAXWRITE = 31;
    public static final int MODE = 33;
    public static final int NO_TRUNC = 34;
    public static final int NUMLINKS = 35;
    public static final int OWNER = 36;
    public static final int OWNER_GROUP = 37;
    public static final int RAWDEV = 41;
    public static final int SPACE_AVAIL = 42;
    public static final int SPACE_FREE = 43;
    public static final int SPACE_TOTAL = 44;
    public static final int SPACE_USED = 45;
    public static final int TIME_ACCESS = 47;
    public static final int TIME_ACCESS_SET = 48;
    public static final int TIME_CREATE = 50;
    public static final int TIME_DELTA = 51;
    public static final int TIME_METADATA = 52;
    public static final int TIME_MODIFY = 53;
    public static final int TIME_MODIFY_SET = 54;
    public static final int MOUNTED_ON_FILEID = 55;
    public static final int FS_LAYOUT_TYPES = 62;
    public static final int SUPPATTR_EXCLCREAT = 75;

    /** nfs_ftype4 (RFC 8881 3.3.13 / 5.8.1.2). */
    public static final int NF4REG = 1;
    public static final int NF4DIR = 2;
    public static final int NF4BLK = 3;
    public static final int NF4CHR = 4;
    public static final int NF4LNK = 5;
    public static final int NF4SOCK = 6;
    public static final int NF4FIFO = 7;

    /** time_how4 (RFC 8881 3.3.2). */
    public static final int SET_TO_SERVER_TIME4 = 0;
    public static final int SET_TO_CLIENT_TIME4 = 1;

    /** What NFSv4.0 clients are told is supported (RFC 7530 5). */
    public static final Bitmap4 SUPPORTED_V40 = Bitmap4.of(SUPPORTED_ATTRS, TYPE, FH_EXPIRE_TYPE, CHANGE, SIZE,
            LINK_SUPPORT, SYMLINK_SUPPORT, NAMED_ATTR, FSID, UNIQUE_HANDLES, LEASE_TIME, RDATTR_ERROR, ACLSUPPORT,
            CANSETTIME, CASE_INSENSITIVE, CASE_PRESERVING, CHOWN_RESTRICTED, FILEHANDLE, FILEID, FILES_AVAIL,
            FILES_FREE, FILES_TOTAL, HOMOGENEOUS, MAXFILESIZE, MAXLINK, MAXNAME, MAXREAD, MAXWRITE, MODE, NO_TRUNC,
            NUMLINKS, OWNER, OWNER_GROUP, RAWDEV, SPACE_AVAIL, SPACE_FREE, SPACE_TOTAL, SPACE_USED, TIME_ACCESS,
            TIME_ACCESS_SET, TIME_CREATE, TIME_DELTA, TIME_METADATA, TIME_MODIFY, TIME_MODIFY_SET,
            MOUNTED_ON_FILEID);

    /** What NFSv4.1 and 4.2 clients are told is supported: 4.0's plus fs_layout_types and suppattr_exclcreat. */
    public static final Bitmap4 SUPPORTED_V41 = SUPPORTED_V40.with(FS_LAYOUT_TYPES).with(SUPPATTR_EXCLCREAT);

    /** What SETATTR, CREATE and OPEN may set. */
    public static final Bitmap4 WRITABLE = Bitmap4.of(SIZE, MODE, OWNER, OWNER_GROUP, TIME_ACCESS_SET,
            TIME_MODIFY_SET);

    /** What an EXCLUSIVE4_1 create may set along with the verifier (RFC 8881 5.8.3.1). */
    public static final Bitmap4 EXCLCREAT = Bitmap4.of(SIZE, MODE, OWNER, OWNER_GROUP, TIME_ACCESS_SET,
            TIME_MODIFY_SET);

    private Fattr() {
    }

    public static Bitmap4 supported(int minorVersion) {
        return minorVersion == 0 ? SUPPORTED_V40 : SUPPORTED_V41;
    }
}
