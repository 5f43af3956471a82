/**
 * The protocol-neutral lock manager shared by the NFS and SMB frontends: byte-range locks (POSIX and SMB
 * flavours), share reservations and caching leases with break callbacks. Start at
 * {@link io.bucketfs.vfs.lock.LockManager}; state lives behind {@link io.bucketfs.vfs.lock.LockStore}.
 */
package io.bucketfs.vfs.lock;
