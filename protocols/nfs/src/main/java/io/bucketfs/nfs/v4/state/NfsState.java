package io.bucketfs.nfs.v4.state;

import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.lock.LockOwner;

/**
 * One open or lock state (RFC 8881 8.2): the stateid's {@code other} names it, its seqid counts its changes. What
 * it holds in the VFS lock manager is held under {@link #vfsOwner()}. Mutable fields are guarded by the owning
 * {@link ClientRecord}.
 */
public abstract sealed class NfsState permits OpenState, LockState {

    private final byte[] other;
    private final ClientRecord client;
    private final int exportId;
    private final FileHandle file;
    private final Vfs vfs;
    private final LockOwner vfsOwner;
    private int seqid = 1;

    NfsState(byte[] other, ClientRecord client, int exportId, FileHandle file, Vfs vfs, LockOwner vfsOwner) {
        this.other = other;
        this.client = client;
        this.exportId = exportId;
        this.file = file;
        this.vfs = vfs;
        this.vfsOwner = vfsOwner;
    }

    public ClientRecord client() {
        return client;
    }

    public int exportId() {
        return exportId;
    }

    public FileHandle file() {
        return file;
    }

    public Vfs vfs() {
        return vfs;
    }

    public LockOwner vfsOwner() {
        return vfsOwner;
    }

    /** The stateid with the current seqid. */
    public synchronized Stateid4 stateid() {
        return new Stateid4(seqid, other);
    }

    /** Counts a change of this state (RFC 8881 8.2.2) and returns the new stateid (seqid 0 is skipped). */
    public synchronized Stateid4 bump() {
        seqid++;
        if (seqid == 0) {
            seqid = 1;
        }
        return new Stateid4(seqid, other);
    }

    synchronized int seqid() {
        return seqid;
    }

    String key() {
        return java.util.HexFormat.of().formatHex(other);
    }
}
