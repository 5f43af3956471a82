/**
 * NFS version 3, RFC 1813: {@link io.bucketfs.nfs.v3.Nfs3Program} (program 100003 version 3) dispatches the 22
 * procedures of section 3.3 (one class each in {@code v3.proc}, arguments and results beside them, basic data types
 * of section 2.6 in {@code v3.xdr}) onto the protocol-neutral {@code io.bucketfs.vfs.Vfs};
 * {@link io.bucketfs.nfs.v3.Nfs3Status} maps every {@code VfsStatus} to an nfsstat3 in one place.
 */
package io.bucketfs.nfs.v3;
