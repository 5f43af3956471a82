/** The MOUNT protocol version 3, RFC 1813 Appendix I: {@link io.bucketfs.nfs.mount.MountProgram} (program 100005). */
package io.bucketfs.nfs.mount;
