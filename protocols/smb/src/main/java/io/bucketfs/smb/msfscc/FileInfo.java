package io.bucketfs.smb.msfscc;

import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.DosAttributes;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.FsStat;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Encoders of the [MS-FSCC] 2.4 file information and 2.5 file system information classes the server answers,
 * from VFS attributes. All little-endian, appended to a {@link ByteBuf}.
 */
public final class FileInfo {
    // [MS-FSCC] 2.4 FileInformationClass
    public static final int DIRECTORY = 1;
    public static final int FULL_DIRECTORY = 2;
    public static final int BOTH_DIRECTORY = 3;
    public static final int BASIC = 4;
    public static final int STANDARD = 5;
    public static final int INTERNAL = 6;
    public static final int EA = 7;
    public static final int ACCESS = 8;
    public static final int RENAME = 10;
    public static final int NAMES = 12;
    public static final int FULL_EA = 15;
    public static final int DISPOSITION = 13;
    public static final int POSITION = 14;
    public static final int MODE = 16;
    public static final int ALIGNMENT = 17;
    public static final int ALL = 18;
    public static final int ALLOCATION = 19;
    // [MS-FSCC] 2.4.26 FileModeInformation flags (the CreateOptions bits of the same name)
    public static final int MODE_WRITE_THROUGH = 0x2;
    public static final int MODE_SEQUENTIAL_ONLY = 0x4;
    public static final int MODE_NO_INTERMEDIATE_BUFFERING = 0x8;
    public static final int MODE_SYNCHRONOUS_IO_ALERT = 0x10;
    public static final int MODE_SYNCHRONOUS_IO_NONALERT = 0x20;
    public static final int MODE_DELETE_ON_CLOSE = 0x1000;
    /** The mode flags an open keeps from its CreateOptions. */
    public static final int MODE_FROM_CREATE = MODE_WRITE_THROUGH | MODE_SEQUENTIAL_ONLY
            | MODE_NO_INTERMEDIATE_BUFFERING | MODE_SYNCHRONOUS_IO_ALERT | MODE_SYNCHRONOUS_IO_NONALERT
            | MODE_DELETE_ON_CLOSE;
    /** The mode flags SET_INFO FileModeInformation may change ([MS-FSA] 2.1.5.14.8). */
    public static final int MODE_SETTABLE = MODE_WRITE_THROUGH | MODE_SEQUENTIAL_ONLY;
    public static final int END_OF_FILE = 20;
    public static final int ALTERNATE_NAME = 21;
    public static final int STREAM = 22;
    public static final int COMPRESSION = 28;
    public static final int NETWORK_OPEN = 34;
    public static final int ATTRIBUTE_TAG = 35;
    public static final int ID_BOTH_DIRECTORY = 37;
    public static final int ID_FULL_DIRECTORY = 38;
    public static final int NORMALIZED_NAME = 48;
    public static final int DISPOSITION_EX = 64;
    // [MS-FSCC] 2.5 FsInformationClass
    public static final int FS_VOLUME = 1;
    public static final int FS_SIZE = 3;
    public static final int FS_DEVICE = 4;
    public static final int FS_ATTRIBUTE = 5;
    public static final int FS_CONTROL = 6;
    public static final int FS_FULL_SIZE = 7;
    public static final int FS_OBJECT_ID = 8;
    public static final int FS_SECTOR_SIZE = 11;
    // [MS-FSCC] 2.6 file attributes
    public static final int ATTR_READONLY = 0x1;
    public static final int ATTR_DIRECTORY = 0x10;
    public static final int ATTR_NORMAL = 0x80;
    public static final int ATTR_TEMPORARY = 0x100;
    // The fixed part of the variable-length classes, below which Windows answers INFO_LENGTH_MISMATCH rather than
    // a truncated BUFFER_OVERFLOW (as smbtorture's smb2.getinfo buffer checks measured against Windows)
    public static final int ALL_FIXED = 104;
    public static final int NAME_FIXED = 8;
    public static final int STREAM_FIXED = 32;
    public static final int FS_VOLUME_FIXED = 24;
    public static final int FS_ATTRIBUTE_FIXED = 16;
    /** [MS-FSCC] 2.5.1 FileSystemAttributes: the volume is read-only. */
    public static final int FILE_READ_ONLY_VOLUME = 0x00080000;
    /** The allocation unit reported for sizes and free space. */
    public static final int CLUSTER = 4096;

    private FileInfo() {
    }

    /** FILETIME of an instant: 100 ns intervals since 1601-01-01 UTC. */
    public static long filetime(Instant t) {
        return (t.getEpochSecond() + 11_644_473_600L) * 10_000_000L + t.getNano() / 100;
    }

    public static Instant instant(long filetime) {
        long s = Math.floorDiv(filetime, 10_000_000L) - 11_644_473_600L;
        return Instant.ofEpochSecond(s, Math.floorMod(filetime, 10_000_000L) * 100);
    }

    public static int attributes(Attr a) {
        int v = a.dosAttributes() & DosAttributes.KEPT;
        if (a.type() == FileType.DIRECTORY) {
            v |= ATTR_DIRECTORY;
        }
        return v == 0 ? ATTR_NORMAL : v;
    }

    public static long allocation(Attr a) {
        return a.type() == FileType.DIRECTORY ? 0 : (a.size() + CLUSTER - 1) / CLUSTER * CLUSTER;
    }

    private static long endOfFile(Attr a) {
        return a.type() == FileType.DIRECTORY ? 0 : a.size();
    }

    /** The four times: creation, last access, last write, change. */
    public static void times(ByteBuf b, Attr a) {
        b.writeLongLE(filetime(a.birthTime()));
        b.writeLongLE(filetime(a.atime()));
        b.writeLongLE(filetime(a.mtime()));
        b.writeLongLE(filetime(a.ctime()));
    }

    /** 2.4.7 FileBasicInformation, 40 bytes. */
    public static void basic(ByteBuf b, Attr a) {
        times(b, a);
        b.writeIntLE(attributes(a));
        b.writeIntLE(0);
    }

    /** 2.4.47 FileStandardInformation, 24 bytes. */
    public static void standard(ByteBuf b, Attr a, boolean deletePending) {
        b.writeLongLE(allocation(a));
        b.writeLongLE(endOfFile(a));
        b.writeIntLE(Math.max(1, a.nlink()) - (deletePending ? 1 : 0)); // the pending delete takes a link away
        b.writeByte(deletePending ? 1 : 0);
        b.writeByte(a.type() == FileType.DIRECTORY ? 1 : 0);
        b.writeShortLE(0);
    }

    /** 2.4.29 FileNetworkOpenInformation, 56 bytes. */
    public static void networkOpen(ByteBuf b, Attr a) {
        times(b, a);
        b.writeLongLE(allocation(a));
        b.writeLongLE(endOfFile(a));
        b.writeIntLE(attributes(a));
        b.writeIntLE(0);
    }

    /** 2.4.2 FileAllInformation: Basic, Standard, Internal, EA, Access, Position, Mode, Alignment, Name. */
    public static void all(ByteBuf b, Attr a, boolean deletePending, int access, long position, int mode,
                           String name) {
        basic(b, a);
        standard(b, a, deletePending);
        b.writeLongLE(a.fileId());
        b.writeIntLE(0);
        b.writeIntLE(access);
        b.writeLongLE(position);
        b.writeIntLE(mode);
        b.writeIntLE(0);
        name(b, name);
    }

    /** 2.1.7 FILE_NAME_INFORMATION (the form of FileAlternateNameInformation): length, UTF-16 name. */
    public static void name(ByteBuf b, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        b.writeIntLE(n.length);
        b.writeBytes(n);
    }

    /** 2.4.9 FileCompressionInformation, 16 bytes: not compressed (COMPRESSION_FORMAT_NONE). */
    public static void compression(ByteBuf b, Attr a) {
        b.writeLongLE(endOfFile(a));
        b.writeShortLE(0);
        b.writeByte(0).writeByte(0).writeByte(0);
        b.writeZero(3);
    }

    /** 2.4.6 FileAttributeTagInformation, 8 bytes. */
    public static void attributeTag(ByteBuf b, Attr a) {
        b.writeIntLE(attributes(a));
        b.writeIntLE(0);
    }

    /** 2.4.49 FileStreamInformation: the one unnamed data stream of a file; nothing for a directory. */
    public static void stream(ByteBuf b, Attr a) {
        if (a.type() == FileType.DIRECTORY) {
            return;
        }
        byte[] n = "::$DATA".getBytes(StandardCharsets.UTF_16LE);
        b.writeIntLE(0);
        b.writeIntLE(n.length);
        b.writeLongLE(a.size());
        b.writeLongLE(allocation(a));
        b.writeBytes(n);
    }

    /** 2.5.9 FileFsVolumeInformation. */
    public static void fsVolume(ByteBuf b, Instant created, int serial, String label) {
        byte[] n = label.getBytes(StandardCharsets.UTF_16LE);
        b.writeLongLE(filetime(created));
        b.writeIntLE(serial);
        b.writeIntLE(n.length);
        b.writeByte(0);
        b.writeByte(0);
        b.writeBytes(n);
    }

    /** 2.5.8 FileFsSizeInformation (24 bytes) or 2.5.4 FileFsFullSizeInformation (32 bytes). */
    public static void fsSize(ByteBuf b, FsStat s, boolean full) {
        long total = s.totalBytes() / CLUSTER;
        long free = s.freeBytes() / CLUSTER;
        b.writeLongLE(total);
        b.writeLongLE(free);
        if (full) {
            b.writeLongLE(free);
        }
        b.writeIntLE(CLUSTER / 512);
        b.writeIntLE(512);
    }

    /** 2.5.2 FileFsControlInformation, 48 bytes: no quotas, no content indexing thresholds. */
    public static void fsControl(ByteBuf b) {
        b.writeLongLE(0);
        b.writeLongLE(0);
        b.writeLongLE(0);
        b.writeLongLE(-1L); // DefaultQuotaThreshold: none
        b.writeLongLE(-1L); // DefaultQuotaLimit: none
        b.writeIntLE(0);
        b.writeIntLE(0);
    }

    /** 2.5.6 FileFsObjectIdInformation, 64 bytes: the volume's GUID, no extended information. */
    public static void fsObjectId(ByteBuf b, java.util.UUID id) {
        b.writeLongLE(id.getMostSignificantBits());
        b.writeLongLE(id.getLeastSignificantBits());
        b.writeZero(48);
    }

    /** 2.5.10 FileFsDeviceInformation: FILE_DEVICE_DISK, no characteristics. */
    public static void fsDevice(ByteBuf b) {
        b.writeIntLE(0x7);
        b.writeIntLE(0);
    }

    /**
     * 2.5.1 FileFsAttributeInformation: case-sensitive search, case-preserved, Unicode names, sparse files (the
     * flag and its FSCTLs; no holes are kept); "NTFS"; FILE_READ_ONLY_VOLUME when {@code readOnly}.
     */
    public static void fsAttribute(ByteBuf b, int maxName, boolean readOnly) {
        byte[] n = "NTFS".getBytes(StandardCharsets.UTF_16LE);
        b.writeIntLE(0x1 | 0x2 | 0x4 | 0x40 | (readOnly ? FILE_READ_ONLY_VOLUME : 0));
        b.writeIntLE(maxName);
        b.writeIntLE(n.length);
        b.writeBytes(n);
    }

    /** 2.5.7 FileFsSectorSizeInformation, 28 bytes, 512-byte logical sectors. */
    public static void fsSectorSize(ByteBuf b) {
        b.writeIntLE(512);
        b.writeIntLE(CLUSTER);
        b.writeIntLE(CLUSTER);
        b.writeIntLE(CLUSTER);
        b.writeIntLE(0x3);
        b.writeIntLE(0);
        b.writeIntLE(0);
    }
}
