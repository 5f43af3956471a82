/**
 * The NFS frontend over the VFS, on oncrpc4j: NFSv4.1 ({@code v4}), NFSv3 ({@code v3}) and MOUNT v3
 * ({@code mount}) on one port. This package holds what the versions share: the handle format
 * ({@link io.bucketfs.nfs.NfsFileHandles}), the settings, and the export table ({@code export}).
 */
package io.bucketfs.nfs;
