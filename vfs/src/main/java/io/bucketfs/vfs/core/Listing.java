package io.bucketfs.vfs.core;

import io.bucketfs.backends.ListPage;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectKeys;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectSummary;
import io.bucketfs.vfs.DirEntry;
import io.bucketfs.vfs.DirPage;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory listing in progress (see {@link DirLister}). Entries are numbered in the order they were first
 * returned; the bucket is read a page at a time and merged, by name, with the children the gateway knew when the
 * listing started. A known child that the bucket no longer has and that holds nothing the bucket still owes (not
 * being written, no rename or marker pending) was deleted by someone else: it is forgotten.
 *
 * <p>When a file {@code a} and a directory {@code a/} both exist in the bucket, the file is shown (as a lookup
 * finds it) and the directory is hidden.
 */
final class Listing {

    private static final Logger LOG = LoggerFactory.getLogger(Listing.class);

    /** One name the bucket listed: a file object or a common prefix. */
    private record Item(String name, FileType type, ObjectSummary summary) {
    }

    final long dirId;
    final long verifier;
    private final DirLister owner;
    private final Inode dir;
    private final String prefix;
    private final long startedAt = System.nanoTime();
    private final List<Long> ids = new ArrayList<>();
    private final List<String> known;
    private int knownIdx;
    private String token;
    private boolean bucketDone;
    private String lastName;
    /** The namespace's work counter when the bucket page being merged was requested. */
    private long pageStartedAt;
    /** Bucket work pending when that page was requested: what it removes may still be in the page. */
    private List<NsRecord.KeyOp> pendingAtStart = List.of();

    Listing(DirLister owner, Inode dir, long verifier) {
        this.owner = owner;
        this.dir = dir;
        this.dirId = dir.id;
        this.verifier = verifier;
        Lock l = owner.ns().lock.readLock();
        l.lock();
        try {
            this.prefix = owner.ns().key(dir);
            this.known = new ArrayList<>(dir.children.keySet());
            if (DirLister.fresh(dir.listedAt, owner.mount().dirTtl().toNanos())) {
                ids.addAll(dir.children.values());
                knownIdx = known.size();
                bucketDone = true;
            }
        } finally {
            l.unlock();
        }
    }

    synchronized DirPage page(int from, int max) throws VfsException {
        while (ids.size() < from + max && !(bucketDone && knownIdx >= known.size())) {
            fill();
        }
        List<DirEntry> out = new ArrayList<>();
        int end = Math.min(ids.size(), from + max);
        for (int k = from; k < end; k++) {
            owner.validateSize(ids.get(k));
        }
        Lock l = owner.ns().lock.readLock();
        l.lock();
        try {
            for (int k = from; k < end; k++) {
                Inode i = owner.ns().get(ids.get(k));
                if (i != null && i.parentId == dirId) {
                    out.add(new DirEntry(i.name, DirLister.FIRST_COOKIE + k, owner.ns().handle(i), i.attr()));
                }
            }
        } finally {
            l.unlock();
        }
        boolean eof = bucketDone && knownIdx >= known.size() && end >= ids.size();
        return new DirPage(out, verifier, eof);
    }

    /** Reads one more bucket page (or finishes) and merges it in. */
    private void fill() throws VfsException {
        if (!bucketDone) {
            pageStartedAt = owner.ns().workDone();
            Lock r = owner.ns().lock.readLock();
            r.lock();
            try {
                pendingAtStart = owner.ns().pendingSnapshot();
            } finally {
                r.unlock();
            }
        }
        List<Item> items = bucketDone ? List.of() : nextBucketPage();
        CompletableFuture<Long> durable = null;
        List<NsRecord> recs = new ArrayList<>();
        Lock l = owner.ns().lock.writeLock();
        l.lock();
        try {
            if (owner.ns().get(dirId) == null) {
                throw new VfsException(VfsStatus.STALE, "directory '" + dir.name + "' is gone");
            }
            for (Item it : items) {
                emitKnownBefore(it.name, recs);
                if (it.name.equals(lastName)) {
                    continue; // the directory "a/" after the file "a"
                }
                emitBucketItem(it, recs);
                lastName = it.name;
            }
            if (bucketDone) {
                emitKnownBefore(null, recs);
                dir.listedAt = startedAt;
            }
            if (!recs.isEmpty()) {
                durable = owner.log().append(recs);
            }
        } finally {
            l.unlock();
        }
        if (durable != null) {
            MetaLog.await(durable);
        }
    }

    private List<Item> nextBucketPage() throws VfsException {
        ListPage p;
        try {
            p = owner.store().list(new ListRequest(prefix, "/", token, ListRequest.MAX_KEYS));
        } catch (ObjectStoreException e) {
            throw BucketProbe.io("LIST " + prefix, e);
        }
        List<Item> items = new ArrayList<>();
        for (ObjectSummary s : p.objects()) {
            String name = s.key().substring(prefix.length());
            if (usable(name)) {
                items.add(new Item(name, FileType.REGULAR, s));
            }
        }
        for (String cp : p.commonPrefixes()) {
            String name = cp.substring(prefix.length(), cp.length() - 1);
            if (usable(name)) {
                items.add(new Item(name, FileType.DIRECTORY, null));
            }
        }
        items.sort((a, b) -> {
            int c = ObjectKeys.compareUtf8(a.name, b.name);
            return c != 0 ? c : a.type.compareTo(b.type); // the file before the directory of one name
        });
        token = p.nextContinuationToken();
        bucketDone = token == null;
        return items;
    }

    private static boolean usable(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0;
    }

    /** Emits the known children sorting before {@code name} (all that are left when null). Holds the write lock. */
    private void emitKnownBefore(String name, List<NsRecord> recs) {
        while (knownIdx < known.size()
                && (name == null || ObjectKeys.compareUtf8(known.get(knownIdx), name) < 0)) {
            String n = known.get(knownIdx++);
            Long id = dir.children.get(n);
            Inode i = id == null ? null : owner.ns().get(id);
            if (i == null) {
                continue;
            }
            if (owner.isClean(i) && i.cleanSince <= pageStartedAt) {
                // the bucket no longer has it and we owe it nothing; said, since a wrong call here loses a file
                LOG.info("'{}{}' (inode {}, etag {}) is no longer in the bucket: forgotten", prefix, n, i.id, i.etag);
                owner.ns().forget(i);
                recs.add(new NsRecord.Forget(i.id));
                continue;
            }
            ids.add(i.id);
        }
        if (name != null && knownIdx < known.size() && known.get(knownIdx).equals(name)) {
            knownIdx++; // the bucket item of the same name stands for it
        }
    }

    private void emitBucketItem(Item it, List<NsRecord> recs) {
        Long id = dir.children.get(it.name);
        Inode i = id == null ? null : owner.ns().get(id);
        if (i == null) {
            String key = prefix + it.name + (it.type == FileType.DIRECTORY ? "/" : "");
            if (owner.ns().isPendingRemoval(key) || Namespace.removes(pendingAtStart, key)) {
                return;
            }
            if (it.type == FileType.DIRECTORY && (Namespace.removesUnder(owner.ns().pending().values(), key)
                    || Namespace.removesUnder(pendingAtStart, key))) {
                return; // keys on their way out of a directory that was removed or renamed here
            }
            i = owner.learnFromListing(dir, it.name, it.type, it.summary);
            recs.add(NsRecord.InodeState.of(i));
        } else if (it.summary != null && i.type == FileType.REGULAR && owner.isClean(i)
                && (!it.summary.etag().equals(i.etag) || it.summary.size() != i.size)) {
            // another version, or the size a crash left journaled ahead of bytes it lost: the object is what is there
            i.size = it.summary.size();
            i.etag = it.summary.etag();
            i.validatedAt = 0; // attributes come with the next HEAD
            i.touchChange(owner.clock().instant());
            recs.add(NsRecord.InodeState.of(i));
        }
        ids.add(i.id);
    }
}
