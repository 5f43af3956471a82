package io.bucketfs.vfs.core;

import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The tree of known inodes and the background bucket work still owed, rebuilt at start from the journal's
 * snapshot and records ({@link #apply}). Every change is made under {@link #lock}'s write lock by the caller, which
 * also takes the records describing it ({@link NsRecord}) to the journal in the same order.
 *
 * <p>Keys: a file's key is {@code prefix + path}; a directory's key prefix is {@code prefix + path + "/"} (the root's
 * is {@code prefix}).
 */
final class Namespace {

    static final long ROOT_ID = 1;

    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, Inode> inodes = new HashMap<>();
    private final Map<Long, NsRecord.KeyOp> pending = new LinkedHashMap<>();
    /**
     * Keys the mover is deleting as stale copies (not journaled: a crash redoes the op that found them): pending
     * removals until the delete is done, so a new file never takes such a key before. Under the write lock.
     */
    final java.util.Set<String> clearing = new java.util.HashSet<>();
    /** Inodes whose bytes are still at another key (a rename not yet applied), by that key. */
    private final Map<String, Long> byDataKey = new HashMap<>();
    private final String prefix;
    private long generation;
    private long nextId = ROOT_ID + 1;
    private long nextOpId = 1;
    /** Counts bucket work finished (see {@link Inode#cleanSince}); read without the lock by listings. */
    private final java.util.concurrent.atomic.AtomicLong workDone = new java.util.concurrent.atomic.AtomicLong();

    Namespace(String prefix, Instant rootTime, int rootMode, int rootUid, int rootGid) {
        this.prefix = prefix;
        Inode root = new Inode(ROOT_ID, FileType.DIRECTORY, ROOT_ID, "");
        root.mode = rootMode;
        root.uid = rootUid;
        root.gid = rootGid;
        root.atime = root.mtime = root.ctime = root.btime = rootTime;
        inodes.put(ROOT_ID, root);
    }

    /** Marks that the bucket just finished work for {@code i}. */
    void workFinished(Inode i) {
        i.cleanSince = workDone.incrementAndGet();
    }

    long workDone() {
        return workDone.get();
    }

    String prefix() {
        return prefix;
    }

    long generation() {
        return generation;
    }

    Inode root() {
        return inodes.get(ROOT_ID);
    }

    /** The inode of a handle: STALE if unknown or of another generation. */
    Inode resolve(FileHandle h) throws VfsException {
        Inode i = h.generation() == generation ? inodes.get(h.fileId()) : null;
        if (i == null) {
            throw new VfsException(VfsStatus.STALE, "stale file handle " + h.fileId());
        }
        return i;
    }

    Inode get(long id) {
        return inodes.get(id);
    }

    FileHandle handle(Inode i) {
        return new FileHandle(i.id, generation);
    }

    long allocateId() {
        return nextId++;
    }

    long allocateOpId() {
        return nextOpId++;
    }

    /** The key of a file, or the key prefix of a directory (ends with '/' except for a root without prefix). */
    String key(Inode i) {
        if (i.id == ROOT_ID) {
            return prefix;
        }
        StringBuilder sb = new StringBuilder();
        for (Inode p = i; p.id != ROOT_ID; p = inodes.get(p.parentId)) {
            sb.insert(0, p.name).insert(0, '/');
        }
        String path = prefix + sb.substring(1);
        return i.isDir() ? path + "/" : path;
    }

    /** Where the inode's bytes are now: its own key unless a rename is still being applied to the bucket. */
    String dataKey(Inode i) {
        return i.dataKey != null ? i.dataKey : key(i);
    }

    /** Records that {@code i}'s bytes are at {@code key} until the mover moves them (null: at its own key). */
    void setDataKey(Inode i, String key) {
        if (i.dataKey != null) {
            byDataKey.remove(i.dataKey, i.id);
        }
        i.dataKey = key;
        if (key != null) {
            byDataKey.put(key, i.id);
        }
    }

    /** The inode whose bytes are still at {@code key} after a rename, or null. */
    Inode byDataKey(String key) {
        Long id = byDataKey.get(key);
        return id == null ? null : inodes.get(id);
    }

    /** The known inode whose key is {@code key} (a directory's key ends with '/'), or null. */
    Inode byPath(String key) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        String rest = key.substring(prefix.length());
        boolean dir = rest.endsWith("/");
        if (dir) {
            rest = rest.substring(0, rest.length() - 1);
        }
        Inode cur = root();
        if (rest.isEmpty()) {
            return dir || prefix.isEmpty() ? cur : null;
        }
        for (String name : rest.split("/", -1)) {
            if (cur.children == null) {
                return null;
            }
            Long id = cur.children.get(name);
            cur = id == null ? null : inodes.get(id);
            if (cur == null) {
                return null;
            }
        }
        return cur.isDir() == dir ? cur : null;
    }

    /** Whether {@code maybeAncestor} is {@code i} or one of its ancestors. */
    boolean isAncestorOrSelf(Inode maybeAncestor, Inode i) {
        for (Inode p = i; ; p = inodes.get(p.parentId)) {
            if (p.id == maybeAncestor.id) {
                return true;
            }
            if (p.id == ROOT_ID) {
                return false;
            }
        }
    }

    void add(Inode i) {
        inodes.put(i.id, i);
        Inode parent = inodes.get(i.parentId);
        if (parent != null && parent.children != null && i.id != ROOT_ID) {
            parent.children.put(i.name, i.id);
        }
    }

    /** Removes {@code i} and (for a directory) every known descendant. */
    void forget(Inode i) {
        Inode parent = inodes.get(i.parentId);
        if (parent != null && parent.children != null) {
            parent.children.remove(i.name, i.id);
        }
        List<Inode> stack = new ArrayList<>(List.of(i));
        while (!stack.isEmpty()) {
            Inode x = stack.remove(stack.size() - 1);
            inodes.remove(x.id);
            if (x.dataKey != null) {
                byDataKey.remove(x.dataKey, x.id);
            }
            if (x.children != null) {
                for (long c : x.children.values()) {
                    Inode ci = inodes.get(c);
                    if (ci != null) {
                        stack.add(ci);
                    }
                }
            }
        }
    }

    /** Moves {@code i} under {@code newParent} as {@code newName} (the caller removed any inode at the target). */
    void move(Inode i, Inode newParent, String newName) {
        Inode old = inodes.get(i.parentId);
        if (old != null && old.children != null) {
            old.children.remove(i.name, i.id);
        }
        i.parentId = newParent.id;
        i.name = newName;
        newParent.children.put(newName, i.id);
    }

    /**
     * Whether {@code key} is on its way out of the bucket: the source of a pending delete or move, under a directory
     * being moved away, or the target of a pending move whose file has been renamed on (a copy made there before
     * the file left is stale: the mover deletes it, see {@link #isStaleMoveTarget}). Such keys are hidden from
     * lookups and listings, and a new file waits for them to clear. Caller holds a lock.
     */
    boolean isPendingRemoval(String key) {
        if (clearing.contains(key) || removesSources(pending.values(), key)) {
            return true;
        }
        for (NsRecord.KeyOp op : pending.values()) {
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE && key.equals(op.target()) && isStaleMoveTarget(op)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a copy that {@code move} made to its target (an attempt cut short by a crash or a failure reported
     * after the store did the copy, before the file was renamed on) is nobody's bytes now: no file is at the
     * target with its bytes there or on their way there, and no file waits to move its bytes from there. Caller
     * holds a lock.
     */
    boolean isStaleMoveTarget(NsRecord.KeyOp move) {
        return !holdsBytes(move.target(), move.inodeId());
    }

    /**
     * Whether {@code key} holds, or is to hold, some file's bytes: the file of that name (inode {@code inodeId}
     * whatever its state, any other unless its bytes are still elsewhere: a move pending), the marker of the
     * directory of that name, or a file whose bytes wait there for their move. Caller holds a lock.
     */
    boolean holdsBytes(String key, long inodeId) {
        Inode at = byPath(key);
        if (at != null && (at.isDir() || at.id == inodeId || at.dataKey == null)) {
            return true; // a directory's key is its marker's
        }
        return byDataKey(key) != null;
    }

    /**
     * Whether {@code key} is on its way into the bucket by a pending directory move: the bucket does not have it yet,
     * so a listing without it proves nothing.
     */
    boolean isPendingArrival(String key) {
        for (NsRecord.KeyOp op : pending.values()) {
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE_PREFIX && key.startsWith(op.target())) {
                return true;
            }
        }
        return false;
    }

    /** {@code key} carried forward through the pending directory moves, oldest first (caller holds a lock). */
    String afterPendingMoves(String key) {
        String k = key;
        for (NsRecord.KeyOp op : pending.values()) {
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE_PREFIX && k.startsWith(op.source())) {
                k = op.target() + k.substring(op.source().length());
            }
        }
        return k;
    }

    /** Marks that the bucket just finished work for {@code i} and everything known below it. */
    void workFinishedTree(Inode i) {
        List<Inode> stack = new ArrayList<>(List.of(i));
        while (!stack.isEmpty()) {
            Inode x = stack.remove(stack.size() - 1);
            workFinished(x);
            if (x.children != null) {
                for (long c : x.children.values()) {
                    Inode ci = inodes.get(c);
                    if (ci != null) {
                        stack.add(ci);
                    }
                }
            }
        }
    }

    /** The pending work as it is now (for a listing that must judge later what it saw then). */
    List<NsRecord.KeyOp> pendingSnapshot() {
        return new ArrayList<>(pending.values());
    }

    /**
     * Whether any of {@code ops} deletes {@code key}, moves it away, or is a move to it: for a name that is not known
     * here (a listing's item, a probed name), a move's target means a stale copy of a file renamed on since (a
     * file that is at its move's target is known, and so is every file of a directory when it moves).
     */
    static boolean removes(Iterable<NsRecord.KeyOp> ops, String key) {
        for (NsRecord.KeyOp op : ops) {
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE && key.equals(op.target())) {
                return true;
            }
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE_PREFIX && key.startsWith(op.target())) {
                return true; // every file of a moved directory was known when it moved
            }
        }
        return removesSources(ops, key);
    }

    /** Whether any of {@code ops} deletes {@code key} or moves it away. */
    private static boolean removesSources(Iterable<NsRecord.KeyOp> ops, String key) {
        for (NsRecord.KeyOp op : ops) {
            if (op.source() == null) {
                continue;
            }
            switch (op.kind()) {
                case DELETE, MOVE -> {
                    if (op.source().equals(key)) {
                        return true;
                    }
                }
                case MOVE_PREFIX -> {
                    if (key.startsWith(op.source())) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /**
     * Whether any of {@code ops} deletes or moves away a key under the directory prefix {@code dirKey}: such keys
     * (an upload that reached a renamed file's old key, say) make the prefix show up in a bucket listing though
     * no directory is there any more.
     */
    static boolean removesUnder(Iterable<NsRecord.KeyOp> ops, String dirKey) {
        for (NsRecord.KeyOp op : ops) {
            if (op.source() != null && op.kind() != NsRecord.KeyOp.Kind.MARKER && op.kind() != NsRecord.KeyOp.Kind.META
                    && op.source().startsWith(dirKey)) {
                return true;
            }
        }
        return false;
    }

    /** Whether bucket work for inode {@code id} is still pending. */
    boolean hasPendingWork(long id) {
        for (NsRecord.KeyOp op : pending.values()) {
            if (op.inodeId() == id) {
                return true;
            }
        }
        return false;
    }

    Map<Long, NsRecord.KeyOp> pending() {
        return pending;
    }

    /** Applies a journal record (replay) — the same state change the live path made. */
    void apply(NsRecord r) {
        if (r instanceof NsRecord.Epoch e) {
            generation = e.generation();
        } else if (r instanceof NsRecord.InodeState s) {
            applyInode(s);
        } else if (r instanceof NsRecord.Forget f) {
            Inode i = inodes.get(f.id());
            if (i != null && i.id != ROOT_ID) {
                forget(i);
            }
        } else if (r instanceof NsRecord.KeyOp k) {
            pending.put(k.opId(), k);
            nextOpId = Math.max(nextOpId, k.opId() + 1);
        } else if (r instanceof NsRecord.KeyDone d) {
            pending.remove(d.opId());
        } else if (r instanceof NsRecord.Counters c) {
            nextId = Math.max(nextId, c.nextId());
            nextOpId = Math.max(nextOpId, c.nextOpId());
        }
    }

    private void applyInode(NsRecord.InodeState s) {
        Inode i = inodes.get(s.id());
        if (i == null || i.type != s.type()) {
            if (i != null) {
                forget(i);
            }
            i = new Inode(s.id(), s.type(), s.parentId(), s.name());
        } else if (i.id != ROOT_ID && (i.parentId != s.parentId() || !i.name.equals(s.name()))) {
            Inode oldParent = inodes.get(i.parentId);
            if (oldParent != null && oldParent.children != null) {
                oldParent.children.remove(i.name, i.id);
            }
            i.parentId = s.parentId();
            i.name = s.name();
        }
        i.mode = s.mode();
        i.uid = s.uid();
        i.gid = s.gid();
        i.size = s.size();
        i.atime = s.atime();
        i.mtime = s.mtime();
        i.ctime = s.ctime();
        i.btime = s.btime();
        i.dos = s.dos();
        i.change = s.change();
        i.etag = s.etag();
        setDataKey(i, s.dataKey());
        i.symlinkTarget = s.symlinkTarget();
        i.createVerifier = s.createVerifier();
        i.marker = s.marker();
        add(i);
        nextId = Math.max(nextId, s.id() + 1);
    }

    /** The records that rebuild the current state (for a snapshot): parents before children. */
    List<NsRecord> snapshot() {
        List<NsRecord> out = new ArrayList<>();
        out.add(new NsRecord.Epoch(generation));
        out.add(new NsRecord.Counters(nextId, nextOpId));
        List<Inode> stack = new ArrayList<>(List.of(root()));
        while (!stack.isEmpty()) {
            Inode i = stack.remove(stack.size() - 1);
            out.add(NsRecord.InodeState.of(i));
            if (i.children != null) {
                for (long c : i.children.values()) {
                    Inode ci = inodes.get(c);
                    if (ci != null) {
                        stack.add(ci);
                    }
                }
            }
        }
        out.addAll(pending.values());
        return out;
    }

    /** Every known regular file (a start-up pass over the namespace). */
    List<Inode> files() {
        List<Inode> out = new ArrayList<>();
        for (Inode i : inodes.values()) {
            if (i.type == FileType.REGULAR) {
                out.add(i);
            }
        }
        return out;
    }

    int size() {
        return inodes.size();
    }
}
