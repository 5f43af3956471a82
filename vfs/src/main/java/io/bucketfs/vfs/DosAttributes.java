package io.bucketfs.vfs;

/** SMB file attribute bits ([MS-FSCC] 2.6) the VFS stores; the frontend adds DIRECTORY/NORMAL itself. */
public final class DosAttributes {
    public static final int READONLY = 0x1;
    public static final int HIDDEN = 0x2;
    public static final int SYSTEM = 0x4;
    public static final int ARCHIVE = 0x20;
    /** The bits that are stored; others are ignored on set. */
    public static final int STORED = READONLY | HIDDEN | SYSTEM | ARCHIVE;

    private DosAttributes() {
    }
}
