package io.bucketfs.nfs.v4.attr;

import io.bucketfs.nfs.v4.Nfs4Exception;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FsStat;

/**
 * Everything the attributes of one file are made of: its VFS attributes, its NFS handle, the file system it is
 * in, and (fetched only if asked for) the file system's statistics.
 *
 * @param attr the file's attributes
 * @param fh the NFS file handle
 * @param fsid the fsid major (the export id; 0 for the pseudo root)
 * @param mountedOnFileId the file id of the directory this file is mounted on (its own id unless it is an export
 *     root)
 * @param statfs the file system statistics, fetched lazily
 * @param minorVersion the NFSv4 minor version asking
 * @param leaseSeconds the lease time
 * @param maxIo maxread/maxwrite
 */
public record AttrSource(Attr attr, byte[] fh, long fsid, long mountedOnFileId, Statfs statfs, int minorVersion,
        int leaseSeconds, long maxIo) {

    /** File system statistics, asked for only when an attribute needs them. */
    @FunctionalInterface
    public interface Statfs {
        FsStat get() throws Nfs4Exception;
    }
}
