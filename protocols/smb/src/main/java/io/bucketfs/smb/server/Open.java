package io.bucketfs.smb.server;

import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.lock.Lease;
import io.bucketfs.vfs.lock.LockOwner;
import java.util.ArrayDeque;

/**
 * [MS-SMB2] 3.3.1.10 Open: one CREATE's handle. The per-file state shared with NFS (share reservations,
 * locks, delete-pending) is the VFS lock manager's; {@link FileNodes} lists the SMB opens of each file.
 */
final class Open {
    final long id;
    final TreeConnect tree;
    final FileHandle handle;
    final boolean directory;
    final int access;
    /**
     * The open's reservation in the VFS lock manager (one without bits for an open without data or delete
     * access), or -1 when it takes none.
     */
    final long shareId;
    /**
     * This open as holder in the VFS lock manager (share reservation and byte-range locks): SMB locks belong
     * to the open, not to a process ([MS-SMB2] 3.3.5.14).
     */
    final LockOwner owner;
    /** CHANGE_NOTIFY state of a directory open, made by its first request; guarded by this open's monitor. */
    DirNotify notify;
    /** Set before the first byte-range lock request, so closing releases the open's locks only when it may have some. */
    volatile boolean mayHoldLocks;
    /** The oplock ({@link Oplocks}) as a lease of the lock manager, or null; guarded by this open. */
    Lease oplock;
    /** The granted oplock level (Oplocks.NONE ... BATCH); guarded by this open. */
    int oplockLevel;
    /** The level a break in progress drops the oplock to, or -1; guarded by this open. */
    int oplockBreakingTo = -1;
    /** The SMB lease this open shares ({@link SmbLeases}), or null. */
    volatile SmbLeases.Entry leaseEntry;
    /** Sends this open's oplock breaks; guarded by this open. */
    Oplocks.Listener oplockListener;
    /** Path from the share root, components separated by '\' (empty for the root). */
    volatile String path;
    volatile FileHandle parent;
    volatile String name;
    volatile boolean deleteOnClose;
    /** [MS-FSCC] 2.4.35 FilePositionInformation: set by SET_INFO, moved past the bytes of each READ. */
    volatile long position;
    /**
     * Data written through this open UNSTABLE (WRITE without write-through, COPYCHUNK, zeroing) and not committed
     * since: CLOSE commits it, as FLUSH does, so that a close is a durability point per the mount's policy.
     */
    volatile boolean unflushed;
    /** [MS-FSCC] 2.4.26 FileModeInformation: from CreateOptions, WRITE_THROUGH makes every WRITE durable. */
    volatile int mode;
    /**
     * [MS-FSA] 2.1.5.14.2 UserSetModificationTime: after an explicit LastWriteTime (or -1), this open's writes
     * leave the last write time as it is, until -2.
     */
    volatile boolean frozenWriteTime;
    /** The same for the change time (UserSetChangeTime). */
    volatile boolean frozenChangeTime;
    // directory enumeration ([MS-SMB2] 3.3.5.18), used by one QUERY_DIRECTORY at a time
    String searchPattern;
    long cookie;
    long verifier;
    boolean vfsEof;
    boolean dotsSent;
    boolean searchReturned;
    final ArrayDeque<DirEntry> pending = new ArrayDeque<>();

    Open(long id, TreeConnect tree, FileHandle handle, boolean directory, int access, long shareId,
         LockOwner owner, FileHandle parent, String name, String path) {
        this.id = id;
        this.tree = tree;
        this.handle = handle;
        this.directory = directory;
        this.access = access;
        this.shareId = shareId;
        this.owner = owner;
        this.parent = parent;
        this.name = name;
        this.path = path;
    }
}
