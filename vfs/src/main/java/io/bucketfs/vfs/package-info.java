/**
 * The protocol-neutral virtual file system: namespace, stable handles, attributes, locks, share
 * reservations and the metadata journal. No NFS or SMB type appears here. Not yet implemented: see the
 * VFS/cache issue.
 */
package io.bucketfs.vfs;
