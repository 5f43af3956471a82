package io.bucketfs.vfs;

import java.nio.ByteBuffer;

/**
 * A stable reference to a file: its 64-bit file id and the generation of that id. File ids are never reused
 * within a generation; both survive restarts and renames. A handle whose file is gone yields
 * {@link VfsStatus#STALE} — never another file.
 *
 * <p>{@link #toBytes()} is the {@value #ENCODED_LENGTH}-byte wire form frontends embed in their own handles
 * (NFS prepends the export, SMB keeps it in the open).
 */
public record FileHandle(long fileId, long generation) {

    public static final int ENCODED_LENGTH = 16;

    public byte[] toBytes() {
        return ByteBuffer.allocate(ENCODED_LENGTH).putLong(fileId).putLong(generation).array();
    }

    /** Decodes {@link #toBytes()}; a wrong length is {@link VfsStatus#BAD_HANDLE}. */
    public static FileHandle fromBytes(byte[] b) throws VfsException {
        if (b == null || b.length != ENCODED_LENGTH) {
            throw new VfsException(VfsStatus.BAD_HANDLE, "a file handle is " + ENCODED_LENGTH + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new FileHandle(buf.getLong(), buf.getLong());
    }
}
