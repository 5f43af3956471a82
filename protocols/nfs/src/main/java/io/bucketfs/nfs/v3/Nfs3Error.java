package io.bucketfs.nfs.v3;

/**
 * A failure that exists only in NFSv3 and has no {@link io.bucketfs.vfs.VfsStatus}: NFS3ERR_XDEV, NFS3ERR_NOT_SYNC,
 * NFS3ERR_TOOSMALL, NFS3ERR_BADTYPE and the like (RFC 1813 section 2.6). Always the client's doing.
 */
public final class Nfs3Error extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public Nfs3Error(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The nfsstat3. */
    public int status() {
        return status;
    }
}
