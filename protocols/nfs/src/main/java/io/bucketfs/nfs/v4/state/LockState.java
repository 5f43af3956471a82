package io.bucketfs.nfs.v4.state;

import io.bucketfs.vfs.lock.LockOwner;

/**
 * The byte-range locks of one lock-owner on one file (RFC 8881 8.2, 12.2.5 "lock stateid"), held in the VFS lock
 * manager under {@link #vfsOwner()} with {@code LockFlavor.POSIX}.
 */
public final class LockState extends NfsState {

    private final byte[] lockOwner;
    private final OpenState open;

    LockState(byte[] other, OpenState open, LockOwner vfsOwner, byte[] lockOwner) {
        super(other, open.client(), open.exportId(), open.file(), open.vfs(), vfsOwner);
        this.lockOwner = lockOwner.clone();
        this.open = open;
    }

    public byte[] lockOwner() {
        return lockOwner.clone();
    }

    public OpenState open() {
        return open;
    }

    /** Whether the VFS holds any lock of this lock-owner on the file. */
    public boolean holdsLocks() {
        return vfs().locks().locks(file().fileId()).stream().anyMatch(l -> l.owner().equals(vfsOwner()));
    }
}
