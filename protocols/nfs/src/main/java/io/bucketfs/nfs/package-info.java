/**
 * The NFS frontend over the VFS, on oncrpc4j: NFSv4.0/4.1/4.2 ({@code v4}), NFSv3 ({@code v3}) and MOUNT v3
 * ({@code mount}) on one port. This package holds what the versions share: the handle format
 * ({@link io.bucketfs.nfs.NfsFileHandles}), the settings, the export table ({@code export}) and the server
 * ({@link io.bucketfs.nfs.NfsServer}): other ONC RPC programs join NFSv4 on its port through the {@code extra}
 * map of {@link io.bucketfs.nfs.NfsServer#start}, e.g.
 * {@code Map.of(new OncRpcProgram(100003, 3), nfs3, new OncRpcProgram(100005, 3), mount3)}.
 */
package io.bucketfs.nfs;
