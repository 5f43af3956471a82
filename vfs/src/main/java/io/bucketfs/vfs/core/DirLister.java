package io.bucketfs.vfs.core;

import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.MountSettings;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that learns the namespace from the bucket: single-name lookups, TTL revalidation and streamed
 * directory listings merged with what only the gateway knows yet (files not uploaded, renames and deletes not yet
 * applied to the bucket).
 *
 * <p>A listing is a session: the first call (cookie 0) starts one with a random verifier; the bucket is listed a
 * page at a time as the client asks, so a directory of any size streams. Cookie {@code n >= 3} continues after the
 * {@code (n-3)}-th entry (0, 1 and 2 are left to "." and ".." for NFS). An expired session is rebuilt and skipped
 * forward to the cookie's position.
 */
final class DirLister {

    private static final Logger LOG = LoggerFactory.getLogger(DirLister.class);

    /** Listing sessions kept for continuation. */
    static final int MAX_SESSIONS = 256;
    static final long FIRST_COOKIE = 3;

    private final ObjectStore store;
    private final MountSettings mount;
    private final Namespace ns;
    private final MetaLog log;
    private final BucketProbe probe;
    private final Clock clock;
    private final FileData data;
    private final StaleServing unreachable = new StaleServing(LOG);
    private final Map<Long, Listing> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Listing> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /** The newest listing session of each directory (by verifier), for clients that send verifier 0. */
    private final Map<Long, Long> newestByDir = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    DirLister(ObjectStore store, MountSettings mount, Namespace ns, MetaLog log, BucketProbe probe, Clock clock,
              FileData data) {
        this.data = data;
        this.store = store;
        this.mount = mount;
        this.ns = ns;
        this.log = log;
        this.probe = probe;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------ single names

    /**
     * The child {@code name} of {@code d}: known, or learned from the bucket now; null if there is none. When the
     * bucket cannot be reached and {@code d} was listed before, that listing answers: the name is not there.
     */
    Inode child(Inode d, String name) throws VfsException {
        String key;
        List<NsRecord.KeyOp> pendingBefore;
        boolean listed;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            Long id = d.children.get(name);
            if (id != null) {
                return ns.get(id);
            }
            if (fresh(d.listedAt, mount.dirTtl().toNanos())) {
                return null;
            }
            listed = d.listedAt != 0;
            if (listed && unreachable.recentlyUnreachable()) {
                unreachable.served(ns.key(d) + name);
                return null;
            }
            key = ns.key(d) + name;
            if (ns.isPendingRemoval(key)) {
                return null;
            }
            pendingBefore = ns.pendingSnapshot();
        } finally {
            l.unlock();
        }
        BucketProbe.Found found;
        try {
            found = probe.probe(key);
            unreachable.reachable();
        } catch (VfsException e) {
            ObjectStoreException cause = StaleServing.unreachable(e);
            if (cause == null || !listed) {
                throw e;
            }
            unreachable.note(key, cause);
            return null; // the bucket does not answer: the directory's last listing (without the name) serves
        }
        if (found == null) {
            return null;
        }
        String foundKey = found.type() == FileType.DIRECTORY ? key + "/" : key;
        CompletableFuture<Long> durable;
        Inode made;
        l = ns.lock.writeLock();
        l.lock();
        try {
            Long id = d.children.get(name);
            if (id != null) {
                return ns.get(id);
            }
            boolean leaving = found.type() == FileType.DIRECTORY && (Namespace.removesUnder(ns.pending().values(),
                    foundKey) || Namespace.removesUnder(pendingBefore, foundKey));
            if (ns.get(d.id) == null || ns.isPendingRemoval(foundKey)
                    || Namespace.removes(pendingBefore, foundKey) || leaving) {
                return null; // on its way out of the bucket (removed or renamed here)
            }
            made = learn(d, name, found.type(), found.info(), found.marker());
            durable = log.append(NsRecord.InodeState.of(made));
        } finally {
            l.unlock();
        }
        MetaLog.await(durable);
        return made;
    }

    /** A new inode for something found in the bucket. Caller holds the write lock. */
    private Inode learn(Inode d, String name, FileType type, ObjectInfo info, boolean marker) {
        Inode i = new Inode(ns.allocateId(), type, d.id, name);
        probe.fill(i, info, clock.instant());
        i.marker = marker;
        i.validatedAt = System.nanoTime();
        ns.add(i);
        return i;
    }

    /**
     * Re-reads a clean file's attributes when its TTL ran out; STALE if it is gone from the bucket. When the bucket
     * cannot be reached (a retryable failure after the retries) and the file was validated since the start, its
     * attributes stay in use — the cache keeps serving through an outage — and the next access asks again.
     */
    Inode revalidate(Inode i, boolean staged) throws VfsException {
        String key;
        String etag;
        boolean known;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (ns.get(i.id) == null) {
                throw new VfsException(VfsStatus.STALE, "'" + i.name + "' is gone");
            }
            known = i.validatedAt != 0;
            // a file without an ETag was created here and its upload not yet confirmed to the namespace (the
            // stager may have finished it just before a crash): the bucket says whether it is there
            if (i.isDir() || staged || fresh(i.validatedAt, mount.attrTtl().toNanos())) {
                return i;
            }
            key = ns.dataKey(i);
            etag = i.etag;
            if (known && unreachable.recentlyUnreachable()) {
                unreachable.served(key);
                return i;
            }
        } finally {
            l.unlock();
        }
        ObjectInfo info;
        try {
            info = store.head(key);
            unreachable.reachable();
        } catch (ObjectStoreException e) {
            if (e.kind().retryable() && known) {
                unreachable.note(key, e);
                return i; // the bucket does not answer: what it said at the last validation serves until it does
            }
            if (e.kind() != ObjectStoreException.Kind.NOT_FOUND) {
                throw BucketProbe.io("HEAD " + key, e);
            }
            info = null;
        }
        CompletableFuture<Long> durable = null;
        l = ns.lock.writeLock();
        l.lock();
        try {
            if (ns.get(i.id) == null) {
                throw new VfsException(VfsStatus.STALE, "'" + i.name + "' is gone");
            }
            if (!java.util.Objects.equals(etag, i.etag) || !key.equals(ns.dataKey(i))) {
                return i; // changed here meanwhile: our state is newer
            }
            if (info == null && etag == null) {
                i.validatedAt = System.nanoTime(); // created here, never uploaded: an empty file until written
                return i;
            }
            if (info == null) {
                ns.forget(i);
                log.append(new NsRecord.Forget(i.id));
                throw new VfsException(VfsStatus.STALE, "'" + i.name + "' was deleted from the bucket");
            }
            if (!info.etag().equals(i.etag)) {
                probe.fill(i, info, clock.instant());
                i.touchChange(clock.instant());
                durable = log.append(NsRecord.InodeState.of(i));
            } else if (i.type == FileType.REGULAR && info.size() != i.size) {
                // the journal got a size ahead of the bytes a crash then lost: the object is what is there
                LOG.warn("'{}': size {} journaled but its object {} has {} bytes; taking the object's", key, i.size,
                        etag, info.size());
                i.size = info.size();
                durable = log.append(NsRecord.InodeState.of(i));
            }
            i.validatedAt = System.nanoTime();
        } finally {
            l.unlock();
        }
        if (durable != null) {
            MetaLog.await(durable);
        }
        return i;
    }

    /**
     * Before a file is listed with the size the gateway knows: if it was not validated since the start, the size
     * may be one a crash left journaled ahead of the bytes (writes lost before their commit), so the bucket (or the
     * stager) is asked first, as a getattr would. A file found gone is dropped (the listing skips it).
     */
    void validateSize(long id) {
        Inode i;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            i = ns.get(id);
            if (i == null || i.type != FileType.REGULAR || i.validatedAt != 0) {
                return;
            }
        } finally {
            l.unlock();
        }
        try {
            revalidate(i, data.isStaged(i));
        } catch (VfsException e) {
            LOG.debug("'{}' not listed: {}", i.name, e.getMessage());
        }
    }

    /**
     * A directory this gateway has just made holds nothing in the bucket: as of {@code lookedAt}, when the lookup of
     * its name began and found nothing (no object, nothing under the prefix), or as of the parent's fresh listing
     * that lookup answered from, whichever is older. Its listing counts as fresh from then (for the directory TTL),
     * so that the files created in it next skip the probe that a new name in an unlisted directory costs (a HEAD and
     * a LIST each).
     */
    void listedEmpty(Inode parent, Inode dir, long lookedAt) {
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            long since = fresh(parent.listedAt, mount.dirTtl().toNanos()) ? Math.min(parent.listedAt, lookedAt)
                    : lookedAt;
            if (dir.listedAt == 0) {
                dir.listedAt = since;
            }
        } finally {
            l.unlock();
        }
    }

    /** NOT_EMPTY unless {@code dir} has no entries, here or in the bucket. */
    void requireEmpty(Inode dir) throws VfsException {
        String key;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            if (!dir.children.isEmpty()) {
                throw new VfsException(VfsStatus.NOT_EMPTY, "'" + dir.name + "' is not empty");
            }
            if (fresh(dir.listedAt, mount.dirTtl().toNanos())) {
                return;
            }
            key = ns.key(dir);
        } finally {
            l.unlock();
        }
        try {
            if (!allRemoved(key, "/", true)) {
                throw new VfsException(VfsStatus.NOT_EMPTY, "'" + dir.name + "' is not empty");
            }
        } catch (ObjectStoreException e) {
            throw BucketProbe.io("LIST " + key, e);
        }
    }

    /** The most keys {@link #requireEmpty} reads to learn that what a directory's prefix still holds is leaving. */
    private static final int MAX_LEAVING_KEYS = 10_000;

    /**
     * Whether every key under {@code prefix} (but its marker) is on its way out of the bucket (pending work removes
     * it: a file removed or renamed away a moment ago whose bucket work waits its turn). With {@code delimiter}, a
     * subdirectory counts as leaving if its prefix is, or else every key under it is. False once more than
     * {@link #MAX_LEAVING_KEYS} were read: such a directory is treated as not empty.
     */
    private boolean allRemoved(String prefix, String delimiter, boolean top) throws ObjectStoreException {
        int[] seen = {0};
        return allRemoved(prefix, delimiter, top, seen);
    }

    private boolean allRemoved(String prefix, String delimiter, boolean top, int[] seen) throws ObjectStoreException {
        String token = null;
        do {
            ListPage p = store.list(new ListRequest(prefix, delimiter, token, ListRequest.MAX_KEYS));
            for (ObjectSummary o : p.objects()) {
                if (++seen[0] > MAX_LEAVING_KEYS) {
                    return false;
                }
                if (!(top && o.key().equals(prefix)) && !isRemoved(o.key()) && !goneSinceListed(o.key())) {
                    return false;
                }
            }
            for (String cp : p.commonPrefixes()) {
                if (!isRemoved(cp) && !allRemoved(cp, null, false, seen)) {
                    return false;
                }
            }
            token = p.nextContinuationToken();
        } while (token != null);
        return true;
    }

    /**
     * Whether a key the listing showed is no longer in the bucket: its pending removal may have completed between
     * the LIST and {@link #isRemoved} (the work is then no longer pending), which must not make an empty directory
     * look full.
     */
    private boolean goneSinceListed(String key) throws ObjectStoreException {
        try {
            store.head(key);
            return false;
        } catch (ObjectStoreException e) {
            if (e.kind() == ObjectStoreException.Kind.NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    private boolean isRemoved(String key) {
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            return ns.isPendingRemoval(key);
        } finally {
            l.unlock();
        }
    }

    /** Makes every descendant of {@code dir} known (before a directory rename), listing the bucket as needed. */
    void loadAll(Inode dir) throws VfsException {
        List<Inode> todo = new ArrayList<>(List.of(dir));
        while (!todo.isEmpty()) {
            Inode d = todo.remove(todo.size() - 1);
            long verifier = 0;
            long cookie = 0;
            while (true) {
                DirPage p = readdir(d, cookie, verifier, 1000);
                for (DirEntry e : p.entries()) {
                    Inode c = ns.get(e.handle().fileId());
                    if (c != null && c.isDir()) {
                        todo.add(c);
                    }
                    cookie = e.cookie();
                }
                verifier = p.verifier();
                if (p.eof()) {
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------ listings

    DirPage readdir(Inode d, long cookie, long verifier, int maxEntries) throws VfsException {
        if (maxEntries < 1) {
            throw new VfsException(VfsStatus.INVALID, "maxEntries must be >= 1");
        }
        if (cookie != 0 && cookie < FIRST_COOKIE) {
            throw new VfsException(VfsStatus.BAD_COOKIE, "cookie " + cookie + " was never issued");
        }
        Listing s = session(d, cookie, verifier);
        int from = cookie == 0 ? 0 : (int) (cookie - FIRST_COOKIE + 1);
        return s.page(from, maxEntries);
    }

    private Listing session(Inode d, long cookie, long verifier) {
        synchronized (sessions) {
            Listing s = cookie == 0 ? null : sessions.get(verifier);
            if (s == null && cookie != 0 && verifier == 0) {
                // a client that does not echo the verifier (libnfs sends 0): the directory's newest listing, rather
                // than listing the bucket again up to the cookie for every page
                Long v = newestByDir.get(d.id);
                s = v == null ? null : sessions.get(v);
            }
            if (s == null || s.dirId != d.id) {
                long v = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
                s = new Listing(this, d, v);
                sessions.put(v, s);
                newestByDir.put(d.id, v);
            }
            return s;
        }
    }

    Namespace ns() {
        return ns;
    }

    MetaLog log() {
        return log;
    }

    ObjectStore store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    MountSettings mount() {
        return mount;
    }

    /**
     * Whether the bucket's word on {@code i} is final: nothing is being written to it and no bucket work for it
     * is pending (so a listing without it means it was deleted elsewhere). Caller holds a namespace lock.
     */
    boolean isClean(Inode i) {
        if (data.isStaged(i) || i.dataKey != null || ns.hasPendingWork(i.id) || ns.isPendingArrival(ns.key(i))) {
            return false;
        }
        if (i.isDir()) {
            for (long c : i.children.values()) {
                Inode ci = ns.get(c);
                if (ci != null && !isClean(ci)) {
                    return false;
                }
            }
            return true;
        }
        return i.etag != null;
    }

    Inode learnFromListing(Inode d, String name, FileType type, ObjectSummary s) {
        Inode i = new Inode(ns.allocateId(), type, d.id, name);
        if (s != null) {
            probe.fill(i, s);
        } else {
            probe.fill(i, null, clock.instant());
        }
        i.validatedAt = System.nanoTime();
        ns.add(i);
        return i;
    }

    static boolean fresh(long at, long ttlNanos) {
        return at != 0 && System.nanoTime() - at < ttlNanos;
    }
}
