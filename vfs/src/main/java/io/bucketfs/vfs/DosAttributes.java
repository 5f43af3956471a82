package io.bucketfs.vfs;

/** SMB file attribute bits ([MS-FSCC] 2.6) the VFS stores; the frontend adds DIRECTORY/NORMAL itself. */
public final class DosAttributes {
    public static final int READONLY = 0x1;
    public static final int HIDDEN = 0x2;
    public static final int SYSTEM = 0x4;
    public static final int ARCHIVE = 0x20;
    /** The bits a client sets as plain attributes (SMB CREATE, SET_INFO); others are ignored there. */
    public static final int STORED = READONLY | HIDDEN | SYSTEM | ARCHIVE;
    /**
     * The file is sparse: set and cleared only by the SMB sparse control (FSCTL_SET_SPARSE), never as a plain
     * attribute, so a frontend setting {@link #STORED} bits keeps it. The store has no holes: it is a flag only.
     */
    public static final int SPARSE_FILE = 0x200;
    /** Every bit the VFS keeps; {@link SetAttr#dosAttributes} replaces these, others are ignored. */
    public static final int KEPT = STORED | SPARSE_FILE;

    private DosAttributes() {
    }
}
