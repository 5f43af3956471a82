package io.bucketfs.vfs.core;

import static io.bucketfs.vfs.core.Permissions.R;
import static io.bucketfs.vfs.core.Permissions.W;
import static io.bucketfs.vfs.core.Permissions.X;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.Entry;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.FsStat;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.ReadResult;
import io.bucketfs.vfs.SetAttr;
import io.bucketfs.vfs.Stability;
import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.WriteResult;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;

/**
 * The VFS of one mount over one bucket (or a prefix of it): the namespace in memory and in the journal, bucket
 * lookups with TTL revalidation, background bucket work through the {@link Mover}, file data through
 * {@link FileData} (the chunk cache and the write-back stager).
 *
 * <h2>Locking</h2>
 * One read-write lock guards the namespace ({@link Namespace#lock}). No bucket request and no journal wait happens
 * while it is held: a call reads what it needs under the lock, asks the bucket outside it, then takes the write
 * lock to install the result (re-checking what may have changed), queues its journal records in the same critical
 * section, and waits for their durability after releasing it.
 */
public final class BucketVfs implements Vfs {

    private final MountSettings mount;
    private final Namespace ns;
    private final MetaLog log;
    private final BucketProbe probe;
    private final Mover mover;
    private final DirLister lister;
    private final FileData data;
    private final Clock clock;
    private final long writeVerifier;
    private final io.bucketfs.vfs.lock.LockManager locks;
    private final ChangeReports reports;
    private final PendingDeletes pendingDeletes;

    BucketVfs(ObjectStore store, MountSettings mount, Namespace ns, MetaLog log, FileData data, Clock clock) {
        this.mount = mount;
        this.ns = ns;
        this.log = log;
        this.clock = clock;
        this.probe = new BucketProbe(store, mount);
        this.data = data;
        this.mover = new Mover(store, ns, log);
        this.lister = new DirLister(store, mount, ns, log, probe, clock, data);
        this.writeVerifier = clock.millis() ^ System.nanoTime();
        this.reports = new ChangeReports(ns);
        this.locks = new io.bucketfs.vfs.lock.LockManager(new io.bucketfs.vfs.lock.InMemoryLockStore(),
                data.lockTimer(), java.time.Duration.ofMillis(io.bucketfs.vfs.lock.LockManager.DEFAULT_BREAK_TIMEOUT_MILLIS));
        this.pendingDeletes = new PendingDeletes(ns, locks, this);
        data.onOldKey(this::deleteOldKey);
        data.bind(mover, i -> {
            i.validatedAt = 0;
            lister.revalidate(i, false);
        });
    }

    /** A renamed staged file's old key goes (through the journal); the future is the record's. */
    private CompletableFuture<Long> deleteOldKey(String key, long inodeId) {
        CompletableFuture<Long> f;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            f = log.append(keyOp(NsRecord.KeyOp.Kind.DELETE, key, null, null, inodeId));
        } finally {
            l.unlock();
        }
        f.thenRun(mover::kick);
        return f;
    }

    /** Starts the background work (the mover). */
    void start() {
        mover.start(data);
        mover.kick();
    }

    MetaLog log() {
        return log;
    }

    MountSettings mount() {
        return mount;
    }

    Namespace namespace() {
        return ns;
    }

    Mover mover() {
        return mover;
    }

    FileData data() {
        return data;
    }

    @Override
    public FileHandle root() {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return ns.handle(ns.root());
        } finally {
            l.unlock();
        }
    }

    @Override
    public long writeVerifier() {
        return writeVerifier;
    }

    @Override
    public io.bucketfs.vfs.lock.LockManager locks() {
        return locks;
    }

    @Override
    public io.bucketfs.vfs.watch.DirWatches watches() {
        return reports.watches;
    }

    @Override
    public void setDeletePending(Caller caller, FileHandle file, long shareId, boolean pending) throws VfsException {
        writable();
        pendingDeletes.set(caller, file, shareId, pending);
    }

    /**
     * SHARE_VIOLATION if an open other than the reservation {@code exceptShareId} (-1: none) denies DELETE on
     * {@code i} (remove, rename away, rename over).
     */
    private void requireDeletable(Inode i, long exceptShareId) throws VfsException {
        if (!locks.canDelete(i.id, exceptShareId)) {
            throw new VfsException(VfsStatus.SHARE_VIOLATION, "'" + i.name + "' is open without delete sharing");
        }
    }

    // ------------------------------------------------------------------------------------------ attributes

    @Override
    public Attr getattr(Caller caller, FileHandle file) throws VfsException {
        Inode i = revalidated(file);
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return attrOf(i);
        } finally {
            l.unlock();
        }
    }

    @Override
    public Attr setattr(Caller caller, FileHandle file, SetAttr changes, Instant guardCtime) throws VfsException {
        writable();
        Inode i = revalidated(file);
        if (changes.size() != null) {
            if (i.type != FileType.REGULAR) {
                throw new VfsException(i.isDir() ? VfsStatus.IS_DIRECTORY : VfsStatus.INVALID,
                        "only regular files have a size to set");
            }
            requirePerm(caller, i, W, "truncate");
            data.truncate(i, changes.size());
        }
        CompletableFuture<Long> durable;
        Attr result;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            if (guardCtime != null && !guardCtime.equals(i.ctime)) {
                throw new VfsException(VfsStatus.INVALID, "ctime guard does not match");
            }
            Instant now = clock.instant();
            AttrRules.checkSetattr(caller, i, changes);
            if (changes.size() != null) {
                i.size = changes.size();
                i.mtime = now;
            }
            AttrRules.apply(i, changes, now);
            i.touchChange(now);
            if (changes.ctime() != null) {
                i.ctime = changes.ctime();
            }
            reports.modified(i, ChangeReports.bitsOf(changes));
            List<NsRecord> recs = new ArrayList<>();
            recs.add(NsRecord.InodeState.of(i));
            recs.addAll(metadataWork(i));
            durable = log.append(recs);
            result = attrOf(i);
        } finally {
            l.unlock();
        }
        MetaLog.await(durable);
        if (changes.size() != null) {
            data.commit(i, mount.durability()); // a new size is acknowledged durable, as the journal has it
        }
        mover.kick();
        return result;
    }

    /** The bucket work that makes an inode's attributes visible in object metadata. Caller holds the write lock. */
    private List<NsRecord> metadataWork(Inode i) {
        if (i.isDir()) {
            return i.id == Namespace.ROOT_ID && mount.prefix().isEmpty() ? List.of()
                    : List.of(keyOp(NsRecord.KeyOp.Kind.MARKER, null, ns.key(i), null, i.id));
        }
        if (data.isStaged(i)) {
            data.setMetadata(i, i.objectMetadata());
            return List.of();
        }
        if (i.etag == null) {
            return List.of();
        }
        return List.of(keyOp(NsRecord.KeyOp.Kind.META, null, ns.dataKey(i), i.etag, i.id));
    }

    private NsRecord.KeyOp keyOp(NsRecord.KeyOp.Kind kind, String source, String target, String ifMatch, long inode) {
        NsRecord.KeyOp op = new NsRecord.KeyOp(ns.allocateOpId(), kind, source, target, ifMatch, inode);
        ns.apply(op);
        return op;
    }

    @Override
    public int access(Caller caller, FileHandle file, int requested) throws VfsException {
        Inode i = revalidated(file);
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            int granted = Permissions.access(caller, i, requested);
            return mount.readOnly() ? granted & ~(io.bucketfs.vfs.Access.MODIFY | io.bucketfs.vfs.Access.EXTEND
                    | io.bucketfs.vfs.Access.DELETE) : granted;
        } finally {
            l.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ lookup

    @Override
    public Entry lookup(Caller caller, FileHandle dir, String name) throws VfsException {
        Names.check(name);
        Inode d = dirOf(dir);
        requirePerm(caller, d, X, "lookup in");
        Inode child = lister.child(d, name);
        if (child == null) {
            throw new VfsException(VfsStatus.NOT_FOUND, "no '" + name + "'");
        }
        child = revalidate(child);
        return entry(child);
    }

    @Override
    public Entry parent(Caller caller, FileHandle dir) throws VfsException {
        Inode d = dirOf(dir);
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Inode p = ns.get(d.parentId);
            if (p == null) {
                throw new VfsException(VfsStatus.STALE, "the parent of '" + d.name + "' is gone");
            }
            return new Entry(ns.handle(p), attrOf(p));
        } finally {
            l.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------ create

    @Override
    public Entry create(Caller caller, FileHandle dir, String name, CreateMode mode, SetAttr initial, long verifier)
            throws VfsException {
        Names.check(name);
        writable();
        Inode d = dirOf(dir);
        requirePerm(caller, d, W | X, "create in");
        Inode existing = lister.child(d, name);
        if (existing == null) {
            pendingDeletes.refuseNewIn(d);
            awaitKeyFree(d, name, false);
            Inode made = makeNew(caller, d, name, FileType.REGULAR, initial, null, verifier);
            if (made != null) {
                return entry(made);
            }
            existing = lister.child(d, name); // lost a race with another creator
        }
        return openExisting(caller, existing, mode, initial, verifier);
    }

    private Entry openExisting(Caller caller, Inode existing, CreateMode mode, SetAttr initial, long verifier)
            throws VfsException {
        if (existing == null) {
            throw new VfsException(VfsStatus.SERVER_FAULT, "a created name vanished");
        }
        if (mode == CreateMode.GUARDED || (mode == CreateMode.EXCLUSIVE && existing.createVerifier != verifier)) {
            throw new VfsException(VfsStatus.EXISTS, "'" + existing.name + "' exists");
        }
        if (existing.isDir()) {
            throw new VfsException(VfsStatus.IS_DIRECTORY, "'" + existing.name + "' is a directory");
        }
        pendingDeletes.refuseOpen(existing);
        if (mode == CreateMode.UNCHECKED && initial != null && initial.size() != null) {
            requirePerm(caller, existing, W, "truncate");
            return new Entry(ns.handle(existing), setattr(caller, handleOf(existing), SetAttr.NONE
                    .withSize(initial.size()), null));
        }
        return entry(existing);
    }

    @Override
    public Entry mkdir(Caller caller, FileHandle dir, String name, SetAttr initial) throws VfsException {
        Names.check(name);
        writable();
        Inode d = dirOf(dir);
        requirePerm(caller, d, W | X, "mkdir in");
        long lookedAt = System.nanoTime();
        if (lister.child(d, name) != null) {
            throw new VfsException(VfsStatus.EXISTS, "'" + name + "' exists");
        }
        pendingDeletes.refuseNewIn(d);
        awaitKeyFree(d, name, true);
        Inode made = makeNew(caller, d, name, FileType.DIRECTORY, initial, null, 0);
        if (made == null) {
            throw new VfsException(VfsStatus.EXISTS, "'" + name + "' exists");
        }
        lister.listedEmpty(d, made, lookedAt);
        return entry(made);
    }

    @Override
    public Entry symlink(Caller caller, FileHandle dir, String name, String target, SetAttr initial)
            throws VfsException {
        Names.check(name);
        writable();
        if (target == null || target.isEmpty() || target.length() > BucketProbe.MAX_SYMLINK) {
            throw new VfsException(VfsStatus.INVALID, "a symlink target is 1.." + BucketProbe.MAX_SYMLINK + " chars");
        }
        Inode d = dirOf(dir);
        requirePerm(caller, d, W | X, "symlink in");
        if (lister.child(d, name) != null) {
            throw new VfsException(VfsStatus.EXISTS, "'" + name + "' exists");
        }
        pendingDeletes.refuseNewIn(d);
        awaitKeyFree(d, name, false);
        Inode made = makeNew(caller, d, name, FileType.SYMLINK, initial, target, 0);
        if (made == null) {
            throw new VfsException(VfsStatus.EXISTS, "'" + name + "' exists");
        }
        return entry(made);
    }

    /** The time a new name waits for bucket work that is still moving or deleting the old object of that name. */
    static final long KEY_WAIT_SECONDS = Mover.KEY_WAIT_SECONDS;

    private void awaitKeyFree(Inode d, String name, boolean dir) throws VfsException {
        mover.awaitNameFree(d, name, dir);
    }

    /**
     * Adds a new inode under {@code d} unless the name got taken meanwhile (then null). The new file's object is
     * created by the write-back stager; a directory's marker by the mover.
     */
    private Inode makeNew(Caller caller, Inode d, String name, FileType type, SetAttr initial, String target,
                          long verifier) throws VfsException {
        SetAttr a = initial == null ? SetAttr.NONE : initial;
        CompletableFuture<Long> durable;
        Inode i;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            if (ns.get(d.id) == null) {
                throw new VfsException(VfsStatus.STALE, "directory '" + d.name + "' is gone");
            }
            if (d.children.containsKey(name)) {
                return null;
            }
            Instant now = clock.instant();
            i = new Inode(ns.allocateId(), type, d.id, name);
            i.mode = a.mode() != null ? a.mode() & 07777 : (type == FileType.DIRECTORY ? 0755 : 0644);
            if (type == FileType.SYMLINK) {
                i.mode = 0777;
            }
            i.uid = a.uid() != null && caller.isRoot() ? a.uid() : caller.uid();
            i.gid = a.gid() != null ? a.gid() : ((d.mode & 02000) != 0 ? d.gid : caller.gid());
            i.atime = i.mtime = i.ctime = i.btime = now;
            AttrRules.apply(i, a.withSize(null).withMode(null).withOwner(null, null), now);
            i.createVerifier = verifier;
            i.symlinkTarget = target;
            i.size = target != null ? target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
            i.validatedAt = System.nanoTime();
            ns.add(i);
            d.mtime = now;
            d.touchChange(now);
            reports.added(d, i, name);
            List<NsRecord> recs = new ArrayList<>(List.of(NsRecord.InodeState.of(i), NsRecord.InodeState.of(d)));
            if (type == FileType.DIRECTORY) {
                i.marker = true;
                recs.add(keyOp(NsRecord.KeyOp.Kind.MARKER, null, ns.key(i), null, i.id));
            } else {
                data.create(i, ns.key(i), i.objectMetadata(), target);
            }
            durable = log.append(recs);
        } finally {
            l.unlock();
        }
        MetaLog.await(durable);
        if (type == FileType.DIRECTORY) {
            mover.kick();
        } else {
            data.commit(i, mount.durability()); // the new object is owed to the bucket even if never written
        }
        return i;
    }

    @Override
    public String readlink(Caller caller, FileHandle link) throws VfsException {
        Inode i = revalidated(link);
        String target;
        String key;
        String etag;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (i.type != FileType.SYMLINK) {
                throw new VfsException(VfsStatus.INVALID, "'" + i.name + "' is not a symlink");
            }
            target = i.symlinkTarget;
            key = ns.dataKey(i);
            etag = i.etag;
        } finally {
            l.unlock();
        }
        if (target != null) {
            return target;
        }
        String read = probe.readSymlink(key, etag);
        l = ns.lock.writeLock();
        l.lock();
        try {
            i.symlinkTarget = read;
        } finally {
            l.unlock();
        }
        return read;
    }

    @Override
    public Entry link(Caller caller, FileHandle file, FileHandle dir, String name) throws VfsException {
        Names.check(name); // a bad name is BAD_NAME whatever else fails, as in every other call taking one
        throw new VfsException(VfsStatus.NOT_SUPPORTED, "hard links are not supported: one object per file");
    }

    // ------------------------------------------------------------------------------------------ remove / rename

    @Override
    public void remove(Caller caller, FileHandle dir, String name) throws VfsException {
        removeEntry(caller, dir, name, false);
    }

    @Override
    public void rmdir(Caller caller, FileHandle dir, String name) throws VfsException {
        removeEntry(caller, dir, name, true);
    }

    private void removeEntry(Caller caller, FileHandle dir, String name, boolean wantDir) throws VfsException {
        Names.check(name);
        writable();
        Inode d = dirOf(dir);
        requirePerm(caller, d, W | X, "remove from");
        Inode victim = lister.child(d, name);
        if (victim == null) {
            throw new VfsException(VfsStatus.NOT_FOUND, "no '" + name + "'");
        }
        if (wantDir && !victim.isDir()) {
            throw new VfsException(VfsStatus.NOT_DIRECTORY, "'" + name + "' is not a directory");
        }
        if (!wantDir && victim.isDir()) {
            throw new VfsException(VfsStatus.IS_DIRECTORY, "'" + name + "' is a directory");
        }
        if (victim.isDir()) {
            lister.requireEmpty(victim);
        }
        requireDeletable(victim, -1);
        CompletableFuture<Long> durable;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            if (d.children.get(name) == null || d.children.get(name) != victim.id) {
                throw new VfsException(VfsStatus.NOT_FOUND, "'" + name + "' went away");
            }
            if (victim.isDir() && !victim.children.isEmpty()) {
                throw new VfsException(VfsStatus.NOT_EMPTY, "'" + name + "' is not empty");
            }
            Permissions.requireStickyOk(caller, d, victim);
            List<NsRecord> recs = new ArrayList<>();
            // a directory learned from a listing may have a marker the gateway does not know of: always deleted
            String key = victim.isDir() ? ns.key(victim) : ns.dataKey(victim);
            recs.add(keyOp(NsRecord.KeyOp.Kind.DELETE, key, null, null, victim.id));
            if (!key.equals(ns.key(victim))) {
                // renamed, its move pending: a staged file's uploads go to its own key meanwhile
                recs.add(keyOp(NsRecord.KeyOp.Kind.DELETE, ns.key(victim), null, null, victim.id));
            }
            ns.forget(victim);
            recs.add(new NsRecord.Forget(victim.id));
            reports.removed(d, victim, name);
            Instant now = clock.instant();
            d.mtime = now;
            d.touchChange(now);
            recs.add(NsRecord.InodeState.of(d));
            durable = log.append(recs);
        } finally {
            l.unlock();
        }
        MetaLog.await(durable);
        // only now: the stager forgets the bytes at once, so a crash before the removal was durable would have
        // left the file in the namespace without them (its DELETE waits while the stager holds the key)
        data.discard(victim);
        mover.kick();
    }

    @Override
    public void rename(Caller caller, FileHandle fromDir, String fromName, FileHandle toDir, String toName)
            throws VfsException {
        rename(caller, fromDir, fromName, toDir, toName, -1);
    }

    @Override
    public void rename(Caller caller, FileHandle fromDir, String fromName, FileHandle toDir, String toName,
                       long renamerShareId) throws VfsException {
        Names.check(fromName);
        Names.check(toName);
        writable();
        Inode from = dirOf(fromDir);
        Inode to = dirOf(toDir);
        requirePerm(caller, from, W | X, "rename from");
        requirePerm(caller, to, W | X, "rename into");
        Inode src = lister.child(from, fromName);
        if (src == null) {
            throw new VfsException(VfsStatus.NOT_FOUND, "no '" + fromName + "'");
        }
        Inode dst = lister.child(to, toName);
        if (dst != null && dst.id == src.id) {
            return;
        }
        requireDeletable(src, renamerShareId);
        if (to != from) {
            pendingDeletes.refuseNewIn(to);
        }
        if (dst != null) {
            requireDeletable(dst, -1);
        }
        if (dst != null && dst.isDir()) {
            if (!src.isDir()) {
                throw new VfsException(VfsStatus.IS_DIRECTORY, "'" + toName + "' is a directory");
            }
            lister.requireEmpty(dst);
        } else if (dst != null && src.isDir()) {
            throw new VfsException(VfsStatus.NOT_DIRECTORY, "'" + toName + "' is not a directory");
        }
        if (src.isDir()) {
            lister.loadAll(src); // every descendant known, so each keeps reading from its old key until moved
        } else {
            mover.awaitTargetKeyFree(to, toName, dst);
        }
        Renamer renamer = new Renamer(ns, log, data, clock, this::keyOp, reports);
        CompletableFuture<Long> durable = renamer.rename(caller, from, fromName, src, to, toName, dst);
        MetaLog.await(durable);
        renamer.retargetStaged();
        mover.kick();
    }

    // ------------------------------------------------------------------------------------------ listing, data

    @Override
    public DirPage readdir(Caller caller, FileHandle dir, long cookie, long verifier, int maxEntries)
            throws VfsException {
        Inode d = dirOf(dir);
        requirePerm(caller, d, R, "list");
        return lister.readdir(d, cookie, verifier, maxEntries);
    }

    @Override
    public ReadResult read(Caller caller, FileHandle file, long offset, ByteBuffer dst) throws VfsException {
        Inode i = revalidated(file);
        if (i.type != FileType.REGULAR) {
            throw new VfsException(i.isDir() ? VfsStatus.IS_DIRECTORY : VfsStatus.SYMLINK, "not a regular file");
        }
        requireDataPerm(caller, i, R, "read");
        return data.read(i, offset, dst);
    }

    @Override
    public WriteResult write(Caller caller, FileHandle file, long offset, ByteBuffer src, Stability stability)
            throws VfsException {
        writable();
        Inode i = resolve(file);
        if (i.type != FileType.REGULAR) {
            throw new VfsException(i.isDir() ? VfsStatus.IS_DIRECTORY : VfsStatus.SYMLINK, "not a regular file");
        }
        requireDataPerm(caller, i, W, "write");
        if (offset < 0 || offset + src.remaining() < 0) {
            throw new VfsException(VfsStatus.TOO_BIG, "write past the largest file size");
        }
        int n = src.remaining();
        data.write(i, offset, src, clock.instant());
        if (reports.watches.active()) {
            reports.modifiedUnlocked(i,
                    io.bucketfs.vfs.watch.ChangeFilter.SIZE | io.bucketfs.vfs.watch.ChangeFilter.LAST_WRITE);
        }
        Stability done = stability;
        if (stability != Stability.UNSTABLE) {
            commit(caller, file);
            done = Stability.FILE_SYNC;
        }
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return new WriteResult(n, done, writeVerifier, attrOf(i));
        } finally {
            l.unlock();
        }
    }

    @Override
    public long commit(Caller caller, FileHandle file) throws VfsException {
        Inode i = resolve(file);
        CompletableFuture<Long> durable;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            durable = log.append(NsRecord.InodeState.of(i));
            if (data.isStaged(i)) {
                data.setMetadata(i, i.objectMetadata());
            }
        } finally {
            l.unlock();
        }
        MetaLog.await(durable);
        data.commit(i, mount.durability());
        return writeVerifier;
    }

    @Override
    public FsStat statfs(Caller caller, FileHandle file) throws VfsException {
        resolve(file);
        long total = 1L << 50; // 1 PiB: object stores have no fixed capacity
        long used;
        int inodes;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            used = 0; // what the files the gateway knows hold (a bucket has no cheaper answer)
            for (Inode i : ns.files()) {
                used += i.size;
            }
            inodes = ns.size();
        } finally {
            l.unlock();
        }
        return new FsStat(total, total - Math.min(total, Math.max(used, data.dirtyBytes())), 1L << 40,
                (1L << 40) - inodes, MAX_NAME_BYTES, 5L * 1024 * 1024 * 1024 * 1024);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void writable() throws VfsException {
        if (mount.readOnly()) {
            throw new VfsException(VfsStatus.READ_ONLY, "mount " + mount.storeId() + " is read-only");
        }
    }

    private Inode resolve(FileHandle h) throws VfsException {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return ns.resolve(h);
        } finally {
            l.unlock();
        }
    }

    private FileHandle handleOf(Inode i) {
        return ns.handle(i);
    }

    private Inode dirOf(FileHandle h) throws VfsException {
        Inode d = resolve(h);
        if (!d.isDir()) {
            throw new VfsException(VfsStatus.NOT_DIRECTORY, "'" + d.name + "' is not a directory");
        }
        return d;
    }

    private void requirePerm(Caller caller, Inode i, int rwx, String what) throws VfsException {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Permissions.require(caller, i, rwx, what + " '" + i.name + "'");
        } finally {
            l.unlock();
        }
    }

    /**
     * Read/write permission on file data. The owner passes regardless of the mode bits: NFS clients check access
     * at open, and a file created read-only (creat with 0444) must still take the creator's writes.
     */
    private void requireDataPerm(Caller caller, Inode i, int rwx, String what) throws VfsException {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (caller.uid() != i.uid) {
                Permissions.require(caller, i, rwx, what + " '" + i.name + "'");
            }
        } finally {
            l.unlock();
        }
    }

    private Inode revalidated(FileHandle h) throws VfsException {
        return revalidate(resolve(h));
    }

    /** Re-reads a file's attributes from the bucket when its TTL ran out; STALE if it is gone from there. */
    private Inode revalidate(Inode i) throws VfsException {
        return lister.revalidate(i, data.isStaged(i));
    }

    private Entry entry(Inode i) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return new Entry(ns.handle(i), attrOf(i));
        } finally {
            l.unlock();
        }
    }

    /** Attributes, with the live size of a file being written. Caller holds a namespace lock. */
    private Attr attrOf(Inode i) {
        return i.attr();
    }

    /** Writes a journal snapshot if the journal asks for one (see {@link MetaLog#snapshotIfDue}). */
    void snapshotIfDue() throws java.io.IOException {
        log.snapshotIfDue(ns);
    }

    /** Stops background work and commits open staged files locally (the stager is still open). */
    void stop() {
        mover.close();
        data.close();
    }

    /** Releases the journal (after the stager closed: its last reports may still be journaled). */
    void closeJournal() throws java.io.IOException {
        log.close();
    }
}
