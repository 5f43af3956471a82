package io.bucketfs.nfs;

import io.bucketfs.vfs.FileHandle;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The wire form of an NFS file handle, shared by NFSv3 and NFSv4 so a handle from either works with both:
 * {@value #MAGIC} (2 bytes), format version {@value #VERSION} (1 byte), reserved (1 byte, 0), export id (4 bytes),
 * then the VFS {@link FileHandle} (file id, generation; {@value FileHandle#ENCODED_LENGTH} bytes) — 24 bytes, well
 * under NFSv3's 64 and NFSv4's 128. Export id 0 with file id 0 is the NFSv4 pseudo root.
 */
public final class NfsFileHandles {

    /** "bF". */
    public static final int MAGIC = 0x6246;
    public static final int VERSION = 1;
    public static final int LENGTH = 8 + FileHandle.ENCODED_LENGTH;

    /** A decoded handle: which export, which file. */
    public record Decoded(int exportId, FileHandle file) {

        public boolean isPseudoRoot() {
            return exportId == 0;
        }
    }

    private NfsFileHandles() {
    }

    public static byte[] encode(int exportId, FileHandle file) {
        return ByteBuffer.allocate(LENGTH)
                .putShort((short) MAGIC)
                .put((byte) VERSION)
                .put((byte) 0)
                .putInt(exportId)
                .putLong(file.fileId())
                .putLong(file.generation())
                .array();
    }

    /** The pseudo root's handle. */
    public static byte[] pseudoRoot() {
        return encode(0, new FileHandle(0, 0));
    }

    /** Decodes a handle, or empty if it is not one of ours (wrong length, magic or version): BADHANDLE to the client. */
    public static Optional<Decoded> decode(byte[] handle) {
        if (handle == null || handle.length != LENGTH) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(handle);
        if ((b.getShort() & 0xffff) != MAGIC || b.get() != VERSION || b.get() != 0) {
            return Optional.empty();
        }
        int exportId = b.getInt();
        return Optional.of(new Decoded(exportId, new FileHandle(b.getLong(), b.getLong())));
    }
}
