/**
 * NFSv3 basic data types, RFC 1813 sections 2.5–2.6 (fattr3, sattr3, wcc_data, diropargs3, …), with bounded
 * decoding: every length is checked against its limit before anything is allocated.
 */
package io.bucketfs.nfs.v3.xdr;
