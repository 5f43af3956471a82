package io.bucketfs.vfs;

import java.time.Instant;
import java.util.Objects;

/**
 * The attributes of a file, as both protocols need them.
 *
 * @param fileId     the stable 64-bit file id (NFS fileid, SMB FileId/IndexNumber)
 * @param type       regular file, directory or symlink
 * @param mode       permission bits (07777 mask), without the type bits
 * @param nlink      link count: 1 for files and symlinks (hard links are not supported), 2 for directories
 * @param uid        owner
 * @param gid        group
 * @param size       bytes (a symlink: the length of its target; a directory: 0)
 * @param spaceUsed  bytes the file occupies in the bucket (its size, rounded to nothing: objects have no blocks)
 * @param atime      last access (kept as set; reads do not update it — like mounting with noatime)
 * @param mtime      last data modification
 * @param ctime      last status change
 * @param birthTime  creation
 * @param change     a counter that changes whenever data or attributes change (NFS change attribute)
 * @param dosAttributes SMB attribute bits ({@link DosAttributes}); READONLY/HIDDEN/SYSTEM/ARCHIVE
 */
public record Attr(long fileId, FileType type, int mode, int nlink, int uid, int gid, long size, long spaceUsed,
                   Instant atime, Instant mtime, Instant ctime, Instant birthTime, long change, int dosAttributes) {

    public Attr {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(atime, "atime");
        Objects.requireNonNull(mtime, "mtime");
        Objects.requireNonNull(ctime, "ctime");
        Objects.requireNonNull(birthTime, "birthTime");
        mode &= 07777;
    }

    /** {@link #mode()} with the S_IFMT type bits, as stat(2) reports it. */
    public int fullMode() {
        return type.modeBits() | mode;
    }
}
