package io.bucketfs.smb.server;

/**
 * The access mask of an open ([MS-SMB2] 2.2.13.1, [MS-DTYP] 2.4.3): the generic rights and MAXIMUM_ALLOWED of a
 * CREATE's DesiredAccess mapped to the file rights they stand for ([MS-FSA] 2.1.5.1.2.1), so that an open keeps
 * the rights it was granted and each command checks the one it needs ([MS-FSA] 2.1.5.2 read, 2.1.5.3 write,
 * 2.1.5.14 set information, 2.1.5.12 query information).
 */
final class AccessRights {
    static final int FILE_READ_DATA = 0x1;
    static final int FILE_WRITE_DATA = 0x2;
    static final int FILE_APPEND_DATA = 0x4;
    static final int FILE_READ_EA = 0x8;
    static final int FILE_WRITE_EA = 0x10;
    static final int FILE_EXECUTE = 0x20;
    static final int FILE_DELETE_CHILD = 0x40;
    static final int FILE_READ_ATTRIBUTES = 0x80;
    static final int FILE_WRITE_ATTRIBUTES = 0x100;
    static final int DELETE = 0x10000;
    static final int READ_CONTROL = 0x20000;
    static final int WRITE_DAC = 0x40000;
    static final int WRITE_OWNER = 0x80000;
    static final int SYNCHRONIZE = 0x100000;
    static final int ACCESS_SYSTEM_SECURITY = 0x1000000;
    static final int MAXIMUM_ALLOWED = 0x2000000;
    static final int GENERIC_ALL = 0x10000000;
    static final int GENERIC_EXECUTE = 0x20000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int GENERIC_READ = 0x80000000;
    /** Every file right: what MAXIMUM_ALLOWED and GENERIC_ALL grant (no ACLs are stored). */
    static final int FILE_ALL_ACCESS = 0x001F01FF;
    static final int FILE_GENERIC_READ = READ_CONTROL | SYNCHRONIZE | FILE_READ_DATA | FILE_READ_ATTRIBUTES
            | FILE_READ_EA;
    static final int FILE_GENERIC_WRITE = READ_CONTROL | SYNCHRONIZE | FILE_WRITE_DATA | FILE_APPEND_DATA
            | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA;
    static final int FILE_GENERIC_EXECUTE = READ_CONTROL | SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_EXECUTE;

    private AccessRights() {
    }

    /** The rights an open is granted for a DesiredAccess: generic rights mapped, MAXIMUM_ALLOWED expanded. */
    static int granted(int desired) {
        int g = desired & ~(GENERIC_ALL | GENERIC_EXECUTE | GENERIC_WRITE | GENERIC_READ | MAXIMUM_ALLOWED);
        if ((desired & (GENERIC_ALL | MAXIMUM_ALLOWED)) != 0) {
            g |= FILE_ALL_ACCESS;
        }
        if ((desired & GENERIC_READ) != 0) {
            g |= FILE_GENERIC_READ;
        }
        if ((desired & GENERIC_WRITE) != 0) {
            g |= FILE_GENERIC_WRITE;
        }
        if ((desired & GENERIC_EXECUTE) != 0) {
            g |= FILE_GENERIC_EXECUTE;
        }
        return g;
    }

    /** Whether {@code granted} holds any of {@code rights}. */
    static boolean any(int granted, int rights) {
        return (granted & rights) != 0;
    }
}
