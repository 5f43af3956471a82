/** The NFSv4 XDR types shared by several operations (RFC 8881 3.3), with bounded decoding. */
package io.bucketfs.nfs.v4.xdr;
