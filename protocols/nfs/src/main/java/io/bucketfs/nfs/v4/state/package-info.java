/**
 * NFSv4 server state (RFC 8881 2.4, 2.10, 8, 9): client records and leases, sessions and their slot reply
 * caches, open and lock stateids. What the states hold — share reservations and POSIX byte-range locks — lives in
 * the VFS lock manager, so SMB sees it and lease expiry releases it there.
 */
package io.bucketfs.nfs.v4.state;
