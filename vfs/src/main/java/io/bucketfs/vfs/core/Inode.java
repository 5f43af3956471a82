package io.bucketfs.vfs.core;

import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileType;
import java.time.Instant;
import java.util.TreeMap;

/**
 * One file the gateway knows: its place in the tree, its attributes and where its bytes are in the bucket.
 * Mutable, guarded by the {@link Namespace}'s lock (reads of a single field outside it may be stale, never torn
 * in a way that matters: every snapshot for a client is taken under the lock).
 */
final class Inode {

    final long id;
    final FileType type;
    long parentId;
    String name;

    int mode;
    int uid;
    int gid;
    long size;
    Instant atime;
    Instant mtime;
    Instant ctime;
    Instant btime;
    int dos;
    long change;

    /** The ETag of the version in the bucket, or null when it has none yet (created here, not uploaded). */
    String etag;
    /**
     * Where the bytes are in the bucket when that is not this inode's own path: the old key of a file whose
     * rename has not been applied to the bucket yet. Null = the inode's path key.
     */
    String dataKey;
    /** A symlink's target. */
    String symlinkTarget;
    /** The verifier of the EXCLUSIVE create that made this file (0 = none). */
    long createVerifier;
    /** Whether a directory has its own marker object {@code dir/}. */
    boolean marker;

    /** A directory's known children by name (key order), or null when not a directory. */
    final TreeMap<String, Long> children;
    /** When the children were last fully listed from the bucket (nanoTime), or 0 if never. */
    long listedAt;
    /**
     * The namespace's work counter when the bucket last finished work for this inode (0: never had any): a listing
     * that started before then may not show it yet, so it must not forget it.
     */
    long cleanSince;
    /** When the attributes were last confirmed by the bucket (nanoTime), or 0. */
    long validatedAt;

    Inode(long id, FileType type, long parentId, String name) {
        this.id = id;
        this.type = type;
        this.parentId = parentId;
        this.name = name;
        this.children = type == FileType.DIRECTORY ? new TreeMap<>(io.bucketfs.backends.ObjectKeys.UTF8_ORDER) : null;
    }

    boolean isDir() {
        return type == FileType.DIRECTORY;
    }

    Attr attr() {
        long sz = type == FileType.DIRECTORY ? 0 : size;
        return new Attr(id, type, mode, type == FileType.DIRECTORY ? 2 : 1, uid, gid, sz, sz, atime, mtime, ctime,
                btime, change, dos);
    }

    /** Marks a change of data or attributes (NFS change attribute, ctime). */
    void touchChange(Instant now) {
        change++;
        ctime = now;
    }

    /** The POSIX attributes as the object's user metadata ({@link ObjectAttributes}). Caller holds a namespace lock. */
    java.util.Map<String, String> objectMetadata() {
        return ObjectAttributes.encode(type, mode, uid, gid, mtime, atime, ctime, btime, dos);
    }
}
