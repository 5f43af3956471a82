package io.bucketfs.vfs.lock;

import java.util.Objects;

/**
 * An opaque, protocol-neutral lock owner: equal owners are the same owner everywhere in the lock manager.
 *
 * <p>The NFS frontend uses {@code (clientid, lock-owner or open-owner)}, the SMB frontend
 * {@code (session or client, open id)}. The {@link #namespace()} groups owners that go away together
 * ({@link LockManager#releaseNamespace(String)} on NFS client expiry or SMB logoff) and is the scope of a
 * {@link Lease}: operations by any owner of the holder's namespace never break that lease.
 *
 * @param namespace the group of this owner (for example an NFS client id); never null
 * @param id the owner inside its namespace; never null
 */
public record LockOwner(String namespace, String id) {

    public LockOwner {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return namespace + "/" + id;
    }
}
