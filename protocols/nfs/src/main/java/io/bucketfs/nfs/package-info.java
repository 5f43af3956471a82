/**
 * The NFSv4.1 (and NFSv3 + MOUNT) frontend over the VFS, on oncrpc4j. Not yet implemented: see the NFS issue.
 */
package io.bucketfs.nfs;
