package io.bucketfs.vfs.lock;

/**
 * The caching a lease allows, in increasing order: {@code NONE} is the level a fully broken lease is left at.
 * READ ≙ NFS read delegation, SMB R lease / level II oplock; WRITE ≙ NFS write delegation, SMB RW lease /
 * exclusive oplock.
 */
public enum LeaseType {
    NONE,
    READ,
    WRITE;

    /** Whether this level is at least {@code other}. */
    public boolean covers(LeaseType other) {
        return compareTo(other) >= 0;
    }
}
