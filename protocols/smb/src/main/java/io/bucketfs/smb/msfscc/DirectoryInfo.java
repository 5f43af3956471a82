package io.bucketfs.smb.msfscc;

import io.bucketfs.vfs.Attr;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * [MS-FSCC] 2.4 directory enumeration entries: FileDirectoryInformation (2.4.10), FileFullDirectoryInformation
 * (2.4.14), FileBothDirectoryInformation (2.4.8), FileIdFullDirectoryInformation (2.4.18),
 * FileIdBothDirectoryInformation (2.4.17), FileNamesInformation (2.4.28). Entries are 8-byte aligned; the
 * caller patches NextEntryOffset of the previous entry.
 */
public final class DirectoryInfo {
    private DirectoryInfo() {
    }

    public static boolean supported(int infoClass) {
        return switch (infoClass) {
            case FileInfo.DIRECTORY, FileInfo.FULL_DIRECTORY, FileInfo.BOTH_DIRECTORY, FileInfo.ID_FULL_DIRECTORY,
                 FileInfo.ID_BOTH_DIRECTORY, FileInfo.NAMES -> true;
            default -> false;
        };
    }

    /** The size one entry takes, without trailing alignment. */
    public static int size(int infoClass, String name) {
        int n = name.length() * 2;
        return n + switch (infoClass) {
            case FileInfo.DIRECTORY -> 64;
            case FileInfo.FULL_DIRECTORY -> 68;
            case FileInfo.ID_FULL_DIRECTORY -> 80;
            case FileInfo.BOTH_DIRECTORY -> 94;
            case FileInfo.ID_BOTH_DIRECTORY -> 104;
            default -> 12;
        };
    }

    /**
     * ShortNameLength, Reserved and the 24-byte ShortName of the Both classes: the name FileAlternateNameInformation
     * gives ({@link ShortNames}), none for "." and "..".
     */
    private static void shortName(ByteBuf b, String name) {
        byte[] s = name.equals(".") || name.equals("..") ? new byte[0]
                : ShortNames.of(name).getBytes(StandardCharsets.UTF_16LE);
        b.writeByte(s.length);
        b.writeByte(0);
        b.writeBytes(s);
        b.writeZero(24 - s.length);
    }

    /** Appends one entry (NextEntryOffset 0) at the writer index. */
    public static void write(ByteBuf b, int infoClass, String name, Attr a) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        b.writeIntLE(0);
        b.writeIntLE(0);
        if (infoClass == FileInfo.NAMES) {
            b.writeIntLE(n.length);
            b.writeBytes(n);
            return;
        }
        FileInfo.times(b, a);
        b.writeLongLE(a.type() == io.bucketfs.vfs.FileType.DIRECTORY ? 0 : a.size());
        b.writeLongLE(FileInfo.allocation(a));
        b.writeIntLE(FileInfo.attributes(a));
        b.writeIntLE(n.length);
        if (infoClass != FileInfo.DIRECTORY) {
            b.writeIntLE(0);
        }
        switch (infoClass) {
            case FileInfo.ID_FULL_DIRECTORY -> {
                b.writeIntLE(0);
                b.writeLongLE(a.fileId());
            }
            case FileInfo.BOTH_DIRECTORY -> shortName(b, name);
            case FileInfo.ID_BOTH_DIRECTORY -> {
                shortName(b, name);
                b.writeShortLE(0);
                b.writeLongLE(a.fileId());
            }
            default -> {
            }
        }
        b.writeBytes(n);
    }
}
