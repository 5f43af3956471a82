package io.bucketfs.smb.server;

import io.bucketfs.smb.msfscc.DirectoryInfo;
import io.bucketfs.smb.msfscc.FileInfo;
import io.bucketfs.smb.msfscc.ShortNames;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.DosAttributes;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/** [MS-SMB2] 3.3.5.18 QUERY_DIRECTORY, 3.3.5.20 QUERY_INFO, 3.3.5.21 SET_INFO over the VFS. */
final class InfoCommands {
    static final int INFO_FILE = 1;
    static final int INFO_FILESYSTEM = 2;
    static final int INFO_SECURITY = 3;
    /** [MS-DTYP] 2.4.7 SECURITY_INFORMATION: owner, group, DACL (READ_CONTROL/WRITE_DAC...) and SACL. */
    static final int SECINFO_READ_CONTROL = 0x1 | 0x2 | 0x4;
    static final int SECINFO_SACL = 0x8;
    /** File information classes that need FILE_READ_ATTRIBUTES ([MS-FSA] 2.1.5.12). */
    static final java.util.Set<Integer> READ_ATTRIBUTES_CLASSES = java.util.Set.of(FileInfo.BASIC, FileInfo.ALL,
            FileInfo.NETWORK_OPEN, FileInfo.ATTRIBUTE_TAG);
    static final int RESTART_SCANS = 0x1;
    static final int RETURN_SINGLE_ENTRY = 0x2;
    static final int REOPEN = 0x10;
    /** Entries fetched from the VFS per readdir page. */
    static final int PAGE = 256;

    private final SmbServer server;

    InfoCommands(SmbServer server) {
        this.server = server;
    }

    int queryDirectory(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(33);
        int infoClass = r.u8(2);
        int flags = r.u8(3);
        Open o = x.open(8);
        String pattern = r.utf16(r.body16(24), r.body16(26));
        long outLen = Math.min(r.bodyU32(28), server.settings().maxIoBytes());
        if (!o.directory) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (!DirectoryInfo.supported(infoClass)) {
            return NtStatus.INVALID_INFO_CLASS;
        }
        synchronized (o) {
            if ((flags & (RESTART_SCANS | REOPEN)) != 0 || o.searchPattern == null
                    || (!pattern.isEmpty() && !pattern.equals(o.searchPattern))) {
                o.searchPattern = pattern.isEmpty() ? "*" : pattern;
                o.cookie = 0;
                o.verifier = 0;
                o.vfsEof = false;
                o.dotsSent = false;
                o.searchReturned = false;
                o.pending.clear();
            }
            ByteBuf buf = Unpooled.buffer();
            int count = fill(x, o, infoClass, (flags & RETURN_SINGLE_ENTRY) != 0, outLen, buf);
            if (count < 0) {
                return NtStatus.INFO_LENGTH_MISMATCH;
            }
            if (count == 0) {
                return o.searchReturned ? NtStatus.NO_MORE_FILES : NtStatus.NO_SUCH_FILE;
            }
            o.searchReturned = true;
            x.out.writeShortLE(9).writeShortLE(Smb2Header.SIZE + 8).writeIntLE(buf.readableBytes());
            x.out.writeBytes(buf);
            return NtStatus.SUCCESS;
        }
    }

    /** Appends matching entries while they fit; the count, or -1 when not even one fits. */
    private static int fill(Exchange x, Open o, int infoClass, boolean single, long outLen, ByteBuf buf)
            throws VfsException {
        Vfs vfs = o.tree.share().vfs();
        Caller c = FileCommands.caller(x);
        int count = 0;
        int last = -1;
        if (!o.dotsSent) {
            Attr self = vfs.getattr(c, o.handle);
            o.pending.addFirst(new DirEntry("..", 0, o.handle, self));
            o.pending.addFirst(new DirEntry(".", 0, o.handle, self));
            o.dotsSent = true;
        }
        while (true) {
            if (o.pending.isEmpty()) {
                if (o.vfsEof) {
                    break;
                }
                DirPage page = vfs.readdir(c, o.handle, o.cookie, o.verifier, PAGE);
                o.verifier = page.verifier();
                o.vfsEof = page.eof() || page.entries().isEmpty();
                for (DirEntry e : page.entries()) {
                    o.pending.add(e);
                    o.cookie = e.cookie();
                }
                continue;
            }
            DirEntry e = o.pending.peek();
            if (!matches(o.searchPattern, e.name())) {
                o.pending.poll();
                continue;
            }
            int start = (buf.writerIndex() + 7) & ~7;
            if (start + DirectoryInfo.size(infoClass, e.name()) > outLen) {
                return count == 0 ? -1 : count;
            }
            buf.writeZero(start - buf.writerIndex());
            if (last >= 0) {
                buf.setIntLE(last, start - last);
            }
            Attr a = e.attr() != null ? e.attr() : vfs.getattr(c, e.handle());
            DirectoryInfo.write(buf, infoClass, e.name(), a);
            last = start;
            o.pending.poll();
            count++;
            if (single) {
                break;
            }
        }
        return count;
    }

    /** Case-insensitive match with '*' and '?' (and the DOS forms '<', '>', '"'). */
    static boolean matches(String pattern, String name) {
        if (pattern.equals("*")) {
            return true;
        }
        String p = pattern.toLowerCase(Locale.ROOT).replace('<', '*').replace('>', '?').replace('"', '.');
        String n = name.toLowerCase(Locale.ROOT);
        boolean[][] m = new boolean[p.length() + 1][n.length() + 1];
        m[0][0] = true;
        for (int i = 1; i <= p.length(); i++) {
            char pc = p.charAt(i - 1);
            m[i][0] = pc == '*' && m[i - 1][0];
            for (int j = 1; j <= n.length(); j++) {
                m[i][j] = pc == '*' ? m[i - 1][j] || m[i][j - 1]
                        : (pc == '?' || pc == n.charAt(j - 1)) && m[i - 1][j - 1];
            }
        }
        return m[p.length()][n.length()];
    }

    int queryInfo(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(41);
        int type = r.u8(2);
        int infoClass = r.u8(3);
        long outLen = r.bodyU32(4);
        Open o = x.open(24);
        Vfs vfs = o.tree.share().vfs();
        Caller c = FileCommands.caller(x);
        ByteBuf b = Unpooled.buffer();
        // the fixed part of a variable-length class: a smaller buffer is INFO_LENGTH_MISMATCH, a larger one
        // too small for everything BUFFER_OVERFLOW with what fits ([MS-SMB2] 3.3.5.20.1, [MS-FSA] 2.1.5.12);
        // -1 for a fixed-length class, where any smaller buffer is INFO_LENGTH_MISMATCH
        int fixed = -1;
        if (type == INFO_FILE) {
            if (READ_ATTRIBUTES_CLASSES.contains(infoClass)
                    && !AccessRights.any(o.access, AccessRights.FILE_READ_ATTRIBUTES)) {
                return NtStatus.ACCESS_DENIED;
            }
            Attr a = vfs.getattr(c, o.handle);
            boolean pending = vfs.locks().isDeletePending(a.fileId());
            switch (infoClass) {
                case FileInfo.BASIC -> FileInfo.basic(b, a);
                case FileInfo.STANDARD -> FileInfo.standard(b, a, pending);
                case FileInfo.INTERNAL -> b.writeLongLE(a.fileId());
                case FileInfo.EA, FileInfo.ALIGNMENT -> b.writeIntLE(0);
                case FileInfo.MODE -> b.writeIntLE(o.mode);
                case FileInfo.ACCESS -> b.writeIntLE(o.access);
                case FileInfo.POSITION -> b.writeLongLE(o.position);
                case FileInfo.NETWORK_OPEN -> FileInfo.networkOpen(b, a);
                case FileInfo.ATTRIBUTE_TAG -> FileInfo.attributeTag(b, a);
                case FileInfo.COMPRESSION -> FileInfo.compression(b, a);
                case FileInfo.FULL_EA -> {
                    // [MS-FSA] 2.1.5.12: needs FILE_READ_EA; no file here has extended attributes
                    return AccessRights.any(o.access, AccessRights.FILE_READ_EA) ? NtStatus.NO_EAS_ON_FILE
                            : NtStatus.ACCESS_DENIED;
                }
                case FileInfo.ALL -> {
                    FileInfo.all(b, a, pending, o.access, o.position, o.mode, "\\" + o.path);
                    fixed = FileInfo.ALL_FIXED;
                }
                case FileInfo.ALTERNATE_NAME -> {
                    if (o.path.isEmpty()) {
                        return NtStatus.OBJECT_NAME_NOT_FOUND;
                    }
                    FileInfo.name(b, ShortNames.of(o.name));
                    fixed = FileInfo.NAME_FIXED;
                }
                case FileInfo.NORMALIZED_NAME -> {
                    if (x.conn.dialect < io.bucketfs.smb.mssmb2.Dialect.SMB_3_1_1) {
                        return NtStatus.NOT_SUPPORTED; // [MS-SMB2] 3.3.5.20.1
                    }
                    FileInfo.name(b, o.path);
                    fixed = FileInfo.NAME_FIXED;
                }
                case FileInfo.STREAM -> {
                    FileInfo.stream(b, a);
                    fixed = FileInfo.STREAM_FIXED;
                }
                default -> {
                    return NtStatus.INVALID_INFO_CLASS;
                }
            }
        } else if (type == INFO_FILESYSTEM) {
            switch (infoClass) {
                case FileInfo.FS_VOLUME -> {
                    FileInfo.fsVolume(b, Instant.ofEpochMilli(server.startTime()),
                            o.tree.share().name().hashCode(), o.tree.share().name());
                    fixed = FileInfo.FS_VOLUME_FIXED;
                }
                case FileInfo.FS_CONTROL -> FileInfo.fsControl(b);
                case FileInfo.FS_OBJECT_ID -> FileInfo.fsObjectId(b, o.tree.share().volumeId());
                case FileInfo.FS_SIZE -> FileInfo.fsSize(b, vfs.statfs(c, o.handle), false);
                case FileInfo.FS_FULL_SIZE -> FileInfo.fsSize(b, vfs.statfs(c, o.handle), true);
                case FileInfo.FS_DEVICE -> FileInfo.fsDevice(b);
                case FileInfo.FS_ATTRIBUTE -> {
                    FileInfo.fsAttribute(b, Vfs.MAX_NAME_BYTES, o.tree.share().readOnly());
                    fixed = FileInfo.FS_ATTRIBUTE_FIXED;
                }
                case FileInfo.FS_SECTOR_SIZE -> FileInfo.fsSectorSize(b);
                default -> {
                    return NtStatus.INVALID_INFO_CLASS;
                }
            }
        } else if (type == INFO_SECURITY) {
            int secinfo = r.body32(16); // AdditionalInformation
            if (((secinfo & SECINFO_READ_CONTROL) != 0 && !AccessRights.any(o.access, AccessRights.READ_CONTROL))
                    || ((secinfo & SECINFO_SACL) != 0
                        && !AccessRights.any(o.access, AccessRights.ACCESS_SYSTEM_SECURITY))) {
                return NtStatus.ACCESS_DENIED;
            }
            securityDescriptor(b);
            if (b.readableBytes() > outLen) {
                x.out.writeShortLE(9).writeByte(0).writeByte(0).writeIntLE(4).writeIntLE(b.readableBytes());
                return NtStatus.BUFFER_TOO_SMALL;
            }
        } else {
            return NtStatus.INVALID_PARAMETER;
        }
        int status = NtStatus.SUCCESS;
        int n = b.readableBytes();
        if (n > outLen) {
            if (fixed < 0 || outLen < fixed) {
                return NtStatus.INFO_LENGTH_MISMATCH;
            }
            n = (int) outLen;
            status = NtStatus.BUFFER_OVERFLOW;
        }
        x.out.writeShortLE(9).writeShortLE(Smb2Header.SIZE + 8).writeIntLE(n);
        x.out.writeBytes(b, b.readerIndex(), n);
        return status;
    }

    /**
     * A synthetic self-relative security descriptor ([MS-DTYP] 2.4.6): owner and group Everyone, a DACL
     * granting Everyone full access. Real ACLs are not stored yet.
     */
    static void securityDescriptor(ByteBuf b) {
        byte[] everyone = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
        b.writeByte(1).writeByte(0).writeShortLE(0x8004);
        b.writeIntLE(20).writeIntLE(32).writeIntLE(0).writeIntLE(44);
        b.writeBytes(everyone).writeBytes(everyone);
        b.writeByte(2).writeByte(0).writeShortLE(28).writeShortLE(1).writeShortLE(0);
        b.writeByte(0).writeByte(0).writeShortLE(20).writeIntLE(Commands.MAXIMAL_ACCESS).writeBytes(everyone);
    }

    int setInfo(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(33);
        int type = r.u8(2);
        int infoClass = r.u8(3);
        byte[] data = r.bytes(r.body16(8), r.bodyU32(4));
        Open o = x.open(16);
        if (o.tree.share().readOnly() && (type == INFO_SECURITY
                || (type == INFO_FILE && infoClass != FileInfo.POSITION && infoClass != FileInfo.MODE))) {
            return NtStatus.MEDIA_WRITE_PROTECTED; // [MS-FSA] 2.1.5.15 (position and mode are the open's own)
        }
        if (type == INFO_SECURITY) {
            int status = setSecurity(o, r.body32(12));
            if (status == NtStatus.SUCCESS) {
                x.out.writeShortLE(2);
            }
            return status;
        }
        if (type != INFO_FILE) {
            return NtStatus.NOT_SUPPORTED;
        }
        int needed = SetInfoAccess.required(infoClass);
        if (needed != 0 && !AccessRights.any(o.access, needed)) {
            return NtStatus.ACCESS_DENIED;
        }
        ByteBuffer d = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        Vfs vfs = o.tree.share().vfs();
        Caller c = FileCommands.caller(x);
        int status = switch (infoClass) {
            case FileInfo.BASIC -> need(data, 36) ? setBasic(vfs, c, o, d) : NtStatus.INFO_LENGTH_MISMATCH;
            case FileInfo.POSITION -> {
                if (!need(data, 8)) {
                    yield NtStatus.INFO_LENGTH_MISMATCH;
                }
                long position = d.getLong(0);
                if (position < 0) {
                    yield NtStatus.INVALID_PARAMETER;
                }
                o.position = position;
                yield NtStatus.SUCCESS;
            }
            case FileInfo.MODE -> need(data, 4) ? setMode(o, d.getInt(0)) : NtStatus.INFO_LENGTH_MISMATCH;
            case FileInfo.FULL_EA -> NtStatus.EAS_NOT_SUPPORTED; // extended attributes are not stored
            case FileInfo.END_OF_FILE, FileInfo.ALLOCATION -> {
                if (!need(data, 8)) {
                    yield NtStatus.INFO_LENGTH_MISMATCH;
                }
                long size = d.getLong(0);
                if (size < 0 || o.directory) {
                    yield NtStatus.INVALID_PARAMETER;
                }
                Attr before = vfs.getattr(c, o.handle);
                Oplocks.breakForWrite(o); // [MS-FSA] 2.1.5.14.1, 2.1.5.14.2: both break oplocks
                if (infoClass == FileInfo.END_OF_FILE || size < before.size()) {
                    vfs.setattr(c, o.handle, SetAttr.NONE.withSize(size), null);
                    FileCommands.noteModified(vfs, c, o, before);
                }
                yield NtStatus.SUCCESS;
            }
            case FileInfo.RENAME -> need(data, 20) ? rename(vfs, c, o, d, data) : NtStatus.INFO_LENGTH_MISMATCH;
            case FileInfo.DISPOSITION -> need(data, 1) ? dispose(vfs, c, o, data[0] != 0)
                    : NtStatus.INFO_LENGTH_MISMATCH;
            case FileInfo.DISPOSITION_EX -> need(data, 4) ? dispose(vfs, c, o, (d.getInt(0) & 1) != 0)
                    : NtStatus.INFO_LENGTH_MISMATCH;
            default -> NtStatus.INVALID_INFO_CLASS;
        };
        if (status == NtStatus.SUCCESS) {
            x.out.writeShortLE(2);
        }
        return status;
    }

    /**
     * FileModeInformation ([MS-FSA] 2.1.5.14.8): only WRITE_THROUGH and SEQUENTIAL_ONLY change; the synchronous
     * flags must be as the open has them; any other flag is INVALID_PARAMETER.
     */
    private static int setMode(Open o, int mode) {
        int sync = FileInfo.MODE_SYNCHRONOUS_IO_ALERT | FileInfo.MODE_SYNCHRONOUS_IO_NONALERT;
        if ((mode & ~(FileInfo.MODE_SETTABLE | sync)) != 0 || (mode & sync) != (o.mode & sync)) {
            return NtStatus.INVALID_PARAMETER;
        }
        o.mode = (o.mode & ~FileInfo.MODE_SETTABLE) | (mode & FileInfo.MODE_SETTABLE);
        return NtStatus.SUCCESS;
    }

    private static boolean need(byte[] data, int n) {
        return data.length >= n;
    }

    /**
     * FileBasicInformation ([MS-FSA] 2.1.5.14.2): a time of 0 leaves it, -1 leaves it and stops this open's
     * writes from moving the last write time, -2 lets them again; any other value is set exactly (100 ns).
     * Attributes 0 leave them; DIRECTORY on a file or TEMPORARY on a directory is INVALID_PARAMETER.
     */
    private static int setBasic(Vfs vfs, Caller c, Open o, ByteBuffer d) throws VfsException {
        SetAttr s = SetAttr.NONE;
        long created = d.getLong(0);
        long accessed = d.getLong(8);
        long written = d.getLong(16);
        long changed = d.getLong(24);
        int attrs = d.getInt(32);
        for (long t : new long[] {created, accessed, written, changed}) {
            if (t < -2) {
                return NtStatus.INVALID_PARAMETER;
            }
        }
        if (attrs != 0 && ((!o.directory && (attrs & FileInfo.ATTR_DIRECTORY) != 0)
                || (o.directory && (attrs & FileInfo.ATTR_TEMPORARY) != 0))) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (created > 0) {
            s = s.withBirthTime(FileInfo.instant(created));
        }
        Instant a = accessed > 0 ? FileInfo.instant(accessed) : null;
        Instant m = written > 0 ? FileInfo.instant(written) : null;
        if (a != null || m != null) {
            s = s.withTimes(a, m);
        }
        if (changed > 0) {
            s = s.withCtime(FileInfo.instant(changed));
        }
        if (attrs != 0) {
            s = s.withDosAttributes((attrs & DosAttributes.STORED)
                    | (vfs.getattr(c, o.handle).dosAttributes() & DosAttributes.SPARSE_FILE));
        }
        if (!s.isEmpty() && changed == 0 && o.frozenChangeTime) {
            s = s.withCtime(vfs.getattr(c, o.handle).ctime());
        }
        if (!s.isEmpty()) {
            vfs.setattr(c, o.handle, s, null);
        }
        // explicit or -1: sticky for this open until -2 ([MS-FSA] UserSetModificationTime/UserSetChangeTime)
        o.frozenWriteTime = written == -1 || written > 0 || (o.frozenWriteTime && written != -2);
        o.frozenChangeTime = changed == -1 || changed > 0 || (o.frozenChangeTime && changed != -2);
        return NtStatus.SUCCESS;
    }

    /** FileRenameInformation, the SMB2 layout of [MS-FSCC] 2.4.37.2: ReplaceIfExists, RootDirectory, name. */
    private int rename(Vfs vfs, Caller c, Open o, ByteBuffer d, byte[] data)
            throws SmbProtocolException, VfsException {
        boolean replace = data[0] != 0;
        long nameLength = d.getInt(16) & 0xFFFFFFFFL;
        if (nameLength > data.length - 20 || (nameLength & 1) != 0 || o.path.isEmpty()) {
            return NtStatus.INVALID_PARAMETER;
        }
        String target = new String(data, 20, (int) nameLength, StandardCharsets.UTF_16LE);
        String[] parts = FileCommands.components(target);
        if (parts.length == 0) {
            return NtStatus.OBJECT_NAME_INVALID;
        }
        FileHandle toDir = FileCommands.walkParent(vfs, c, parts);
        String toName = parts[parts.length - 1];
        Entry existing = null;
        try {
            existing = vfs.lookup(c, toDir, toName);
        } catch (VfsException e) {
            if (e.status() != VfsStatus.NOT_FOUND) {
                throw e;
            }
        }
        if (existing != null && existing.attr().fileId() != o.handle.fileId()) {
            if (!replace) {
                return NtStatus.OBJECT_NAME_COLLISION;
            }
            if (existing.attr().type() == io.bucketfs.vfs.FileType.DIRECTORY) {
                return NtStatus.ACCESS_DENIED;
            }
        }
        if (existing != null && replace && existing.attr().fileId() != o.handle.fileId()
                && server.nodes().isOpen(existing.attr().fileId())) {
            return NtStatus.ACCESS_DENIED; // [MS-FSA] 2.1.5.14.11: an open file is not replaced
        }
        if (o.directory && server.nodes().hasOpenBelow(o.tree.share(), o.path)) {
            return NtStatus.ACCESS_DENIED; // [MS-FSA] 2.1.5.14.11: a directory with open files below stays
        }
        // Windows opens the target's parent directory to add the entry (FILE_ADD_FILE, sharing read and write)
        // for the time of the rename: an open of that directory which denies write, or which has DELETE access,
        // conflicts with it
        long probe = FileCommands.reserve(vfs, toDir.fileId(),
                FileCommands.owner(o.tree.session(), o.id), AccessRights.FILE_WRITE_DATA, 0x1 | 0x2);
        try {
            vfs.rename(c, o.parent, o.name, toDir, toName, o.shareId);
        } finally {
            vfs.locks().close(toDir.fileId(), probe);
        }
        o.parent = toDir;
        o.name = toName;
        o.path = String.join("\\", parts);
        return NtStatus.SUCCESS;
    }

    /**
     * SET_INFO of a security descriptor ([MS-SMB2] 3.3.5.21.3): the open needs WRITE_OWNER for owner and group,
     * WRITE_DAC for the DACL, ACCESS_SYSTEM_SECURITY for the SACL. bucketfs keeps no ACLs (access is the POSIX
     * mode of the VFS), so an allowed descriptor is accepted and not stored.
     */
    private static int setSecurity(Open o, int secinfo) {
        if (((secinfo & 0x3) != 0 && !AccessRights.any(o.access, AccessRights.WRITE_OWNER))
                || ((secinfo & 0x4) != 0 && !AccessRights.any(o.access, AccessRights.WRITE_DAC))
                || ((secinfo & SECINFO_SACL) != 0
                    && !AccessRights.any(o.access, AccessRights.ACCESS_SYSTEM_SECURITY))) {
            return NtStatus.ACCESS_DENIED;
        }
        return NtStatus.SUCCESS;
    }

    private int dispose(Vfs vfs, Caller c, Open o, boolean delete) throws VfsException {
        if (!AccessRights.any(o.access, AccessRights.DELETE)) {
            return NtStatus.ACCESS_DENIED;
        }
        if (delete) {
            if (o.path.isEmpty()) {
                return NtStatus.ACCESS_DENIED;
            }
            Attr a = vfs.getattr(c, o.handle);
            if ((a.dosAttributes() & DosAttributes.READONLY) != 0) {
                return NtStatus.CANNOT_DELETE;
            }
            if (o.directory && !vfs.readdir(c, o.handle, 0, 0, 1).entries().isEmpty()) {
                return NtStatus.DIRECTORY_NOT_EMPTY;
            }
        }
        vfs.setDeletePending(c, o.handle, o.shareId, delete);
        return NtStatus.SUCCESS;
    }
}
