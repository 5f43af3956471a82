/** NFSv4 file attributes (RFC 8881 5): the supported set, fattr4 encoding from VFS attributes and decoding into VFS changes. */
package io.bucketfs.nfs.v4.attr;
