package io.bucketfs.smb.server;

import io.bucketfs.vfs.Vfs;

/**
 * A share ([MS-SMB2] 3.3.1.6): a VFS mount served under a name, or IPC$ ({@code vfs} null).
 *
 * @param encrypt Share.EncryptData with RejectUnencryptedAccess: TREE_CONNECT answers
 *     SMB2_SHAREFLAG_ENCRYPT_DATA, refuses clients that cannot encrypt (2.x dialects, 3.x without a cipher)
 *     with ACCESS_DENIED, and every later request on the tree must arrive encrypted (else ACCESS_DENIED)
 */
public record Share(String name, Vfs vfs, boolean encrypt) {
    /** An unencrypted share. */
    public Share(String name, Vfs vfs) {
        this(name, vfs, false);
    }

    boolean isIpc() {
        return vfs == null;
    }
}
