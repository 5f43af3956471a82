package io.bucketfs.smb.server;

import io.bucketfs.vfs.Vfs;

/** A share: a VFS mount served under a name, or IPC$ ({@code vfs} null). */
record Share(String name, Vfs vfs) {
    boolean isIpc() {
        return vfs == null;
    }
}
