package io.bucketfs.vfs.lock;

/**
 * What an operation by some owner is about to do to a file, which decides the leases of other namespaces it
 * breaks ({@link LockManager#breakLeases}).
 */
public enum BreakIntent {
    /**
     * Read data or attributes, or open for read only without deny bits: WRITE leases of others break to READ,
     * READ leases stay.
     */
    READ,
    /**
     * Write, truncate, lock, open for write or delete or with deny bits, remove, rename: every lease of others
     * breaks to NONE.
     */
    WRITE;

    /** The level a lease of another namespace must break to before this operation, or null if none. */
    LeaseType breakTarget(LeaseType held) {
        if (this == WRITE) {
            return LeaseType.NONE;
        }
        return held == LeaseType.WRITE ? LeaseType.READ : null;
    }
}
