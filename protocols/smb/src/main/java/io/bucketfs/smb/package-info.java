/**
 * The SMB 2/3 frontend over the VFS, on Netty. Not yet implemented: see the SMB issue.
 */
package io.bucketfs.smb;
