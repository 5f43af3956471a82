package io.bucketfs.vfs.lock;

import java.util.Objects;

/**
 * A caching lease on a file (NFS delegation, SMB lease or oplock), held by a namespace: operations by any
 * owner whose {@link LockOwner#namespace()} equals {@code holder.namespace()} never break it. Immutable.
 *
 * @param id unique among the store's leases; the handle for acknowledging, returning and revoking
 * @param fileId the file
 * @param holder the owner that asked for it; its namespace is the lease's scope
 * @param type READ or WRITE caching
 * @param breakingTo the level a break in progress drops the lease to (READ or NONE), or null when no break is in
 *        progress
 */
public record Lease(long id, long fileId, LockOwner holder, LeaseType type, LeaseType breakingTo) {

    public Lease {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(type, "type");
        if (type == LeaseType.NONE) {
            throw new IllegalArgumentException("a lease is READ or WRITE");
        }
        if (breakingTo != null && breakingTo.covers(type)) {
            throw new IllegalArgumentException("break " + type + " to " + breakingTo);
        }
    }

    /** Whether a break was sent and neither acknowledged nor timed out yet. */
    public boolean isBreaking() {
        return breakingTo != null;
    }

    /** Whether an operation by {@code owner} is outside this lease's scope. */
    boolean isForeign(LockOwner owner) {
        return !holder.namespace().equals(owner.namespace());
    }

    Lease breaking(LeaseType to) {
        return new Lease(id, fileId, holder, type, to);
    }

    Lease settled(LeaseType newType) {
        return new Lease(id, fileId, holder, newType, null);
    }
}
