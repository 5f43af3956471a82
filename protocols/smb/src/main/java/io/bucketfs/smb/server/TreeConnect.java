package io.bucketfs.smb.server;

/** [MS-SMB2] 3.3.1.9 TreeConnect. */
record TreeConnect(int id, Share share, Session session) {
}
