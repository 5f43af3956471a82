package io.bucketfs.nfs.v4.state;

import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.ShareAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An open of one file by one open-owner (RFC 8881 9.1.4): its share access and deny bits, held in the VFS lock
 * manager as one share reservation, and the lock states opened from it.
 */
public final class OpenState extends NfsState {

    private final byte[] openOwner;
    private Set<ShareAccess> access;
    private Set<ShareAccess> deny;
    private long shareId;
    private final List<LockState> locks = new ArrayList<>();

    OpenState(byte[] other, ClientRecord client, int exportId, FileHandle file, Vfs vfs, LockOwner vfsOwner,
            byte[] openOwner, Set<ShareAccess> access, Set<ShareAccess> deny, long shareId) {
        super(other, client, exportId, file, vfs, vfsOwner);
        this.openOwner = openOwner.clone();
        this.access = access;
        this.deny = deny;
        this.shareId = shareId;
    }

    public byte[] openOwner() {
        return openOwner.clone();
    }

    public synchronized Set<ShareAccess> access() {
        return access;
    }

    public synchronized Set<ShareAccess> deny() {
        return deny;
    }

    public synchronized long shareId() {
        return shareId;
    }

    /** Records a new reservation (after an upgrade or downgrade). */
    public synchronized void reserved(long id, Set<ShareAccess> a, Set<ShareAccess> d) {
        shareId = id;
        access = a;
        deny = d;
    }

    synchronized List<LockState> locks() {
        return new ArrayList<>(locks);
    }

    synchronized void addLock(LockState l) {
        locks.add(l);
    }

    synchronized void removeLock(LockState l) {
        locks.remove(l);
    }
}
