package io.bucketfs.vfs;

import java.nio.ByteBuffer;

/**
 * The protocol-neutral file system both frontends translate to: NFSv4.1/v3 and SMB 2/3 call only this. Every
 * method either completes or throws a {@link VfsException} whose {@link VfsStatus} the frontend maps in one place.
 *
 * <h2>Names</h2>
 * A name is one path component: 1..{@value #MAX_NAME_BYTES} UTF-8 bytes, not {@code "."} or {@code ".."}, without
 * {@code '/'} or NUL ({@link VfsStatus#BAD_NAME}, {@link VfsStatus#NAME_TOO_LONG}). Names are case-sensitive and
 * compared as given (no Unicode normalisation). A file {@code a/b.txt} in the namespace is the object
 * {@code <mount prefix>a/b.txt}; an empty directory is kept alive by the zero-byte marker {@code a/}.
 *
 * <h2>Handles</h2>
 * {@link FileHandle}s are stable across restarts and renames; a handle whose file is gone (deleted here or in the
 * bucket by another tool) is {@link VfsStatus#STALE}, never another file. Operations on a directory handle that is
 * not a directory are {@link VfsStatus#NOT_DIRECTORY}.
 *
 * <h2>Permissions</h2>
 * POSIX mode bits against the {@link Caller}; root passes everything except execute on files without any x bit.
 * A read-only mount refuses every change with {@link VfsStatus#READ_ONLY}.
 *
 * <h2>Data and durability</h2>
 * Reads see every write acknowledged before them, through any protocol. Reads at or past the end of file return
 * zero bytes with {@code eof}. Writes past the end extend the file with zeros. A write is durable when acknowledged
 * with {@link Stability#FILE_SYNC}/{@link Stability#DATA_SYNC}, or after {@link #commit}; "durable" follows the
 * mount's policy ({@code local}: fsynced to the cache disk and journaled, uploaded afterwards;
 * {@code object-store}: in the bucket). Nothing acknowledged as durable is lost across a crash.
 *
 * <h2>Consistency with the bucket</h2>
 * Attributes and listings learned from the bucket are revalidated after the mount's TTL. A read is pinned to the
 * object version it started with. A write to an object that was changed in the bucket since it was opened fails
 * the upload with {@link VfsStatus#CONFLICT}: the data is kept as a conflict copy, never silently overwritten.
 *
 * <h2>Rename</h2>
 * Atomic in the namespace at once: a file over a file, a directory over an empty directory; a directory into its
 * own subtree is {@link VfsStatus#INVALID}; a directory over a file or a file over a directory is
 * {@link VfsStatus#IS_DIRECTORY}/{@link VfsStatus#NOT_DIRECTORY}. The objects are moved in the background through
 * the journal (copy + delete per key, idempotent, resumed after a crash); until a key is moved, reads are served
 * from its old key.
 *
 * <h2>Opens and locks</h2>
 * Reads and writes take a handle, not an open: NFSv3 has no opens. Opens, share modes and byte-range locks live in
 * {@link #locks()}; whether I/O honours byte-range locks (SMB: mandatory) is the frontend's call
 * ({@code LockManager.checkIo}).
 *
 * <h2>Delete-pending</h2>
 * An open may mark its file delete-pending ({@link #setDeletePending}; SMB delete-on-close and
 * FileDispositionInformation, [MS-FSA] 2.1.5.4). Until the mark is cleared, every protocol's new open of the file
 * fails with {@link VfsStatus#DELETE_PENDING} (an NFSv4 OPEN, an SMB CREATE, {@link #create} of it as an existing
 * name) as does making anything new in it if it is a directory ({@link #create}, {@link #mkdir},
 * {@link #symlink}, a {@link #rename} into it); lookups, and I/O through handles already held, go on. When the
 * last open of the file in {@link #locks()} closes, the file is removed. Opens are the share reservations of
 * {@link #locks()}: NFSv4 OPENs and every SMB open; NFSv3, having no opens, only meets the refusals. The mark is
 * not persisted: after a restart the file is simply there, unless its removal was already durable.
 *
 * <h2>Hard links</h2>
 * Not supported: {@link #link} always fails with {@link VfsStatus#NOT_SUPPORTED} (one object per file leaves no
 * place for a second name of the same data); every file has {@code nlink == 1}.
 */
public interface Vfs {

    /** The longest name, in UTF-8 bytes. */
    int MAX_NAME_BYTES = 255;

    /** The root directory of this mount. */
    FileHandle root();

    /** The attributes of a file. */
    Attr getattr(Caller caller, FileHandle file) throws VfsException;

    /**
     * Changes attributes; {@code size} truncates or extends a regular file. Only the owner (or root) changes mode
     * and times other than to "now"; only root changes the owner; the owner may change the group to one it is in.
     *
     * @param guardCtime if not null, fail with {@link VfsStatus#INVALID} unless the ctime still equals it (NFS guard)
     */
    Attr setattr(Caller caller, FileHandle file, SetAttr changes, java.time.Instant guardCtime) throws VfsException;

    /** The granted subset of the {@link Access} bits asked for. */
    int access(Caller caller, FileHandle file, int requested) throws VfsException;

    /** The entry {@code name} in {@code dir}. */
    Entry lookup(Caller caller, FileHandle dir, String name) throws VfsException;

    /** The parent of {@code dir}; the root's parent is the root. */
    Entry parent(Caller caller, FileHandle dir) throws VfsException;

    /**
     * Creates a regular file, or per {@code mode} opens an existing one. {@code initial} sets mode/owner/times/size;
     * an unset owner is the caller, an unset mode is 0644 & ~nothing (frontends apply the umask).
     *
     * @param verifier for {@link CreateMode#EXCLUSIVE}: the client's create verifier (ignored otherwise)
     */
    Entry create(Caller caller, FileHandle dir, String name, CreateMode mode, SetAttr initial, long verifier)
            throws VfsException;

    /** Creates a directory. */
    Entry mkdir(Caller caller, FileHandle dir, String name, SetAttr initial) throws VfsException;

    /** Creates a symbolic link holding {@code target} (any string; not resolved by the gateway). */
    Entry symlink(Caller caller, FileHandle dir, String name, String target, SetAttr initial) throws VfsException;

    /** The target of a symlink ({@link VfsStatus#INVALID} for other types). */
    String readlink(Caller caller, FileHandle link) throws VfsException;

    /** Removes a file or symlink ({@link VfsStatus#IS_DIRECTORY} for a directory: use {@link #rmdir}). */
    void remove(Caller caller, FileHandle dir, String name) throws VfsException;

    /** Removes an empty directory ({@link VfsStatus#NOT_EMPTY} otherwise). */
    void rmdir(Caller caller, FileHandle dir, String name) throws VfsException;

    /** Renames; see the class comment for the rules. Renaming a name onto itself succeeds and changes nothing. */
    void rename(Caller caller, FileHandle fromDir, String fromName, FileHandle toDir, String toName)
            throws VfsException;

    /**
     * {@link #rename} on behalf of an open of the source that holds the share reservation {@code renamerShareId}
     * in {@link #locks()}: that reservation's own deny of DELETE does not refuse the rename (an SMB client renames
     * through a handle it opened without delete sharing, [MS-FSA] 2.1.5.14.11); other opens' denials still do.
     */
    void rename(Caller caller, FileHandle fromDir, String fromName, FileHandle toDir, String toName,
                long renamerShareId) throws VfsException;

    /**
     * Sets or clears the delete-pending mark of {@code file} (see the class comment) on behalf of the open that
     * holds the share reservation {@code shareId} in {@link #locks()}. Setting it needs the right to remove the
     * file from its directory (write and search permission there, the sticky-bit rule; {@link VfsStatus#ACCESS_DENIED}
     * for the root); {@link VfsStatus#INVALID} if that reservation is not held.
     */
    void setDeletePending(Caller caller, FileHandle file, long shareId, boolean pending) throws VfsException;

    /** Always {@link VfsStatus#NOT_SUPPORTED}: see the class comment. */
    Entry link(Caller caller, FileHandle file, FileHandle dir, String name) throws VfsException;

    /**
     * One page of a directory listing, streamed: a directory of any size is listed page by page without being held
     * whole. Start with cookie 0 (verifier ignored); continue with the last entry's cookie and the page's
     * verifier (verifier 0 continues the directory's newest listing, for clients that do not echo it).
     * {@code maxEntries} ≥ 1.
     */
    DirPage readdir(Caller caller, FileHandle dir, long cookie, long verifier, int maxEntries) throws VfsException;

    /** Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst}. */
    ReadResult read(Caller caller, FileHandle file, long offset, ByteBuffer dst) throws VfsException;

    /** Writes all of {@code src} at {@code offset}, durable as {@code stability} asks. */
    WriteResult write(Caller caller, FileHandle file, long offset, ByteBuffer src, Stability stability)
            throws VfsException;

    /** Makes every write to {@code file} acknowledged so far durable (NFS COMMIT, SMB FLUSH); returns the verifier. */
    long commit(Caller caller, FileHandle file) throws VfsException;

    /** File-system statistics. */
    FsStat statfs(Caller caller, FileHandle file) throws VfsException;

    /** The write verifier of this gateway run (changes at every start). */
    long writeVerifier();

    /**
     * The lock manager of this mount, keyed by {@link FileHandle#fileId()}: byte-range locks, share reservations
     * (NFSv4 OPEN share_access/share_deny and SMB CREATE ShareAccess both map onto them) and leases, shared by every
     * protocol so that an NFS lock blocks a conflicting SMB lock and the reverse. Frontends open a share reservation
     * before they use a file and close it after; {@link #remove} and {@link #rename} refuse with
     * {@link VfsStatus#SHARE_VIOLATION} a file that an open denies DELETE on.
     */
    io.bucketfs.vfs.lock.LockManager locks();

    /**
     * The directory watches of this mount: a frontend registers a watcher for a directory (or its subtree) and is
     * told of every namespace change made through this VFS (create, remove, rename, setattr, write), whichever
     * protocol made it. Changes found in the bucket by revalidation are not reported.
     */
    io.bucketfs.vfs.watch.DirWatches watches();
}
