package io.bucketfs.vfs;

/** The kinds of file the namespace holds. Devices, FIFOs and sockets are not supported. */
public enum FileType {
    REGULAR(0100000),
    DIRECTORY(0040000),
    SYMLINK(0120000);

    private final int modeBits;

    FileType(int modeBits) {
        this.modeBits = modeBits;
    }

    /** The S_IFMT bits of this type. */
    public int modeBits() {
        return modeBits;
    }

    /** The type in a full st_mode, or {@code null} for a type the namespace does not hold. */
    public static FileType ofMode(int mode) {
        int fmt = mode & 0170000;
        for (FileType t : values()) {
            if (t.modeBits == fmt) {
                return t;
            }
        }
        return null;
    }
}
