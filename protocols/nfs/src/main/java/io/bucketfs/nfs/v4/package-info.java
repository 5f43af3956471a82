/**
 * NFSv4 (RFC 8881; 4.0 per RFC 7530, 4.2 per RFC 7862): the NFS4 program ({@link io.bucketfs.nfs.v4.Nfs4Program}),
 * COMPOUND decoding and processing ({@link io.bucketfs.nfs.v4.CompoundArgs},
 * {@link io.bucketfs.nfs.v4.CompoundProcessor}), the per-COMPOUND context (current/saved file handle and stateid,
 * session), the pseudo root over the export table, and the one VfsStatus → nfsstat4 mapping
 * ({@link io.bucketfs.nfs.v4.Nfs4Errors}). Operations are in {@code ops} (one class per operation: arguments,
 * result, handler), state in {@code state}, attributes in {@code attr}, shared XDR types in {@code xdr}.
 */
package io.bucketfs.nfs.v4;
