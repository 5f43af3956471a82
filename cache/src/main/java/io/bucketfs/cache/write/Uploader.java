package io.bucketfs.cache.write;

import io.bucketfs.backends.CompletedPart;
import io.bucketfs.backends.CopyOptions;
import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.backends.ObjectStoreException.Kind;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that talks to stores: the multipart upload started while a new file is written (create, parts,
 * abort; on the part pool), and the upload of a {@link Snapshot} (one PUT, or parts in parallel, with the conflict
 * and own-upload rules; on an upload thread). No file lock is held during a store call.
 */
final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
    /** Conflict copies: {@code <key>.bucketfs-conflict-<UTC yyyyMMdd'T'HHmmssSSS'Z'>[-n]}. */
    static final String CONFLICT_INFIX = ".bucketfs-conflict-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_CONFLICT_NAMES = 100;

    private final WriteBack wb;

    Uploader(WriteBack wb) {
        this.wb = wb;
    }

    // ------------------------------------------------------------------ multipart while writing

    /** After a write or truncation: starts the multipart upload, parts that are now whole, or an abort. */
    void partsAfterChange(Staged s) {
        PartTracker p;
        boolean create = false;
        boolean abort = false;
        List<Integer> start = List.of();
        long partSize = wb.settings().partSize();
        s.lock.lock();
        try {
            p = s.parts;
            if (p == null) {
                if (s.partsDisabled || s.retired || s.base.exists() || s.uploadedGen > 0 || s.snapshot != null
                        || !s.extents.covers(0, partSize)) {
                    return;
                }
                p = new PartTracker(partSize, s.key, putOptions(s, s.metadata, s.contentType, s.condition));
                p.creating = true;
                s.parts = p;
                create = true;
            } else if (p.broken && !p.sealed) {
                s.parts = null;
                s.partsDisabled = true;
                abort = p.claimAbort();
            } else {
                start = p.startable(s.extents, wb.settings().partsInFlightPerFile());
            }
        } finally {
            s.lock.unlock();
        }
        PartTracker tracker = p;
        if (create) {
            wb.partPool().execute(() -> createMultipart(s, tracker));
        }
        if (abort) {
            wb.partPool().execute(() -> abortQuietly(s.storeId, tracker.upload));
        }
        for (int k : start) {
            wb.partPool().execute(() -> uploadPart(s, tracker, k));
        }
    }

    private void createMultipart(Staged s, PartTracker p) {
        MultipartUpload u = null;
        try {
            u = wb.store(s.storeId).createMultipart(p.key, p.options);
        } catch (ObjectStoreException | RuntimeException e) {
            LOG.info("multipart upload of {} not started while writing ({}); it is uploaded at commit", p.key,
                    e.toString());
        }
        boolean abort;
        s.lock.lock();
        try {
            p.creating = false;
            p.upload = u;
            p.broken |= u == null;
            s.partsIdle.signalAll();
            abort = p.claimAbort();
        } finally {
            s.lock.unlock();
        }
        if (abort) {
            abortQuietly(s.storeId, u);
            return;
        }
        if (u != null) {
            try {
                s.persist(); // the upload id, so that a recovery can abort it
            } catch (java.io.IOException e) {
                LOG.warn("staged file {}: cannot record multipart upload id: {}", s.id, e.toString());
            }
        }
        partsAfterChange(s);
    }

    private void uploadPart(Staged s, PartTracker p, int k) {
        CompletedPart c = null;
        try {
            c = wb.store(s.storeId).uploadPart(p.upload, k, Payload.ofFile(s.dataPath, p.start(k), p.partSize));
            wb.countUploaded(p.partSize);
        } catch (ObjectStoreException | RuntimeException e) {
            LOG.debug("part {} of {} failed while writing; it is uploaded at commit: {}", k, p.key, e.toString());
        }
        boolean abort;
        s.lock.lock();
        try {
            p.inFlight.remove(k);
            boolean torn = p.torn.remove(k);
            if (c != null && !torn && !p.broken) {
                p.done.put(k, c);
            }
            s.partsIdle.signalAll();
            abort = p.claimAbort();
        } finally {
            s.lock.unlock();
        }
        if (abort) {
            abortQuietly(s.storeId, p.upload);
        } else if (!p.sealed) {
            partsAfterChange(s);
        }
    }

    // ------------------------------------------------------------------ upload of a snapshot

    /**
     * Uploads {@code snap} to its key under its condition. If the condition fails: when the key holds an object
     * this staged file uploaded before (its {@link Staged#TAG}, after a crash), returns it as adopted (the caller
     * uploads again over it); when the version it was based on is gone and the key is free, writes it there
     * (create-only); else writes the snapshot to a new conflict key (create-only) and returns that.
     */
    Outcome upload(Staged s, Snapshot snap) throws ObjectStoreException {
        ObjectStore store = wb.store(s.storeId);
        abortOrphan(s);
        PutOptions opts = putOptions(s, snap.metadata, snap.contentType, snap.condition);
        try {
            return new Outcome(send(store, s, snap, snap.key, opts, snap.parts), null, null);
        } catch (ObjectStoreException e) {
            boolean failedCondition = e.kind() == Kind.PRECONDITION_FAILED
                    || (e.kind() == Kind.NOT_FOUND && snap.condition.kind() == WriteCondition.Kind.IF_MATCH);
            if (!failedCondition) {
                throw e;
            }
            LOG.info("upload of {} (staged {}) failed its condition {}: {}", snap.key, s.id, snap.condition,
                    e.getMessage());
        }
        ObjectInfo head = headOrNull(store, snap.key);
        if (head == null && snap.condition.kind() == WriteCondition.Kind.IF_MATCH) {
            // the version this write started from is gone (removed by another tool, or by a retried DELETE of an
            // earlier file of this name that landed after it): there is nothing to conflict with, so the write takes
            // its key back, create-only; a key someone made meanwhile is a conflict, as below
            try {
                PutOptions recreate = putOptions(s, snap.metadata, snap.contentType, WriteCondition.CREATE_ONLY);
                ObjectInfo info = send(store, s, snap, snap.key, recreate, null);
                LOG.info("upload of {} (staged {}): its base version was gone from the bucket; written anew",
                        snap.key, s.id);
                return new Outcome(info, null, null);
            } catch (ObjectStoreException e) {
                if (e.kind() != Kind.PRECONDITION_FAILED) {
                    throw e;
                }
                head = headOrNull(store, snap.key);
            }
        }
        boolean triedThatVersion = snap.condition.kind() == WriteCondition.Kind.IF_MATCH && head != null
                && head.etag().equals(snap.condition.etag());
        if (head != null && s.id.equals(head.userMetadata().get(Staged.TAG)) && !triedThatVersion) {
            return new Outcome(null, null, head);
        }
        String stamp = STAMP.format(Instant.now());
        PutOptions createOnly = putOptions(s, snap.metadata, snap.contentType, WriteCondition.CREATE_ONLY);
        for (int i = 0; ; i++) {
            String conflictKey = snap.key + CONFLICT_INFIX + stamp + (i == 0 ? "" : "-" + i);
            try {
                return new Outcome(send(store, s, snap, conflictKey, createOnly, null), conflictKey, null);
            } catch (ObjectStoreException e) {
                if (e.kind() != Kind.PRECONDITION_FAILED || i >= MAX_CONFLICT_NAMES) {
                    throw e;
                }
            }
        }
    }

    private ObjectInfo send(ObjectStore store, Staged s, Snapshot snap, String key, PutOptions opts,
                            PartTracker sealed) throws ObjectStoreException {
        if (sealed != null) {
            ObjectInfo info = completeSealed(store, s, snap, key, opts, sealed);
            if (info != null) {
                return info;
            }
        }
        if (snap.size <= wb.settings().partSize()) {
            ObjectInfo info = store.put(key, snap.payload(0, snap.size), opts);
            wb.countUploaded(snap.size);
            return info;
        }
        MultipartUpload u = store.createMultipart(key, opts);
        return uploadParts(store, snap, u, partSizeFor(snap.size), null);
    }

    /**
     * Completes the multipart upload begun while writing: waits for its parts in flight, uploads the missing and
     * torn parts and the tail from the snapshot, completes it, then sets metadata changed since it began (a copy
     * onto itself). Returns null (after aborting it) when it cannot be used for this upload.
     */
    private ObjectInfo completeSealed(ObjectStore store, Staged s, Snapshot snap, String key, PutOptions opts,
                                      PartTracker p) throws ObjectStoreException {
        s.lock.lock();
        try {
            while (!p.idle()) {
                s.partsIdle.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException(Kind.TRANSIENT, "interrupted waiting for parts of " + key, e);
        } finally {
            s.lock.unlock();
        }
        if (p.upload == null) {
            return null;
        }
        boolean sameTarget = p.key.equals(key) && snap.size > 0
                && Objects.equals(p.options.ifMatch(), opts.ifMatch()) && p.options.createOnly() == opts.createOnly();
        if (!sameTarget) {
            abortQuietly(s.storeId, p.upload);
            return null;
        }
        ObjectInfo info = uploadParts(store, snap, p.upload, p.partSize, p);
        if (!p.options.userMetadata().equals(opts.userMetadata())
                || !Objects.equals(p.options.contentType(), opts.contentType())) {
            info = store.copy(key, key, new CopyOptions(info.etag(), opts.userMetadata(), opts.contentType()));
        }
        return info;
    }

    /** Uploads every part not already in {@code reuse} from the snapshot, in parallel, and completes. */
    private ObjectInfo uploadParts(ObjectStore store, Snapshot snap, MultipartUpload u, long partSize,
                                   PartTracker reuse) throws ObjectStoreException {
        int n = (int) ((snap.size + partSize - 1) / partSize);
        Semaphore window = new Semaphore(wb.settings().partsInFlightPerFile());
        List<CompletableFuture<CompletedPart>> futures = new ArrayList<>(n);
        try {
            for (int k = 1; k <= n; k++) {
                CompletedPart have = reuse == null ? null : reuse.done.get(k);
                if (have != null) {
                    futures.add(CompletableFuture.completedFuture(have));
                    continue;
                }
                long off = (k - 1) * partSize;
                long len = Math.min(partSize, snap.size - off);
                int part = k;
                window.acquire();
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        CompletedPart c = store.uploadPart(u, part, snap.payload(off, len));
                        wb.countUploaded(len);
                        return c;
                    } catch (ObjectStoreException e) {
                        throw new CompletionException(e);
                    } finally {
                        window.release();
                    }
                }, wb.partPool()));
            }
            List<CompletedPart> parts = new ArrayList<>(n);
            for (CompletableFuture<CompletedPart> f : futures) {
                parts.add(f.join());
            }
            try {
                return store.completeMultipart(u, parts);
            } catch (ObjectStoreException e) {
                if (e.kind() == Kind.NOT_FOUND) {
                    throw new ObjectStoreException(Kind.TRANSIENT, "multipart upload of " + u.key() + " vanished", e);
                }
                throw e;
            }
        } catch (ObjectStoreException e) {
            abortQuietly(store, u);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortQuietly(store, u);
            throw new ObjectStoreException(Kind.TRANSIENT, "interrupted uploading " + u.key(), e);
        } catch (CompletionException e) {
            abortQuietly(store, u);
            if (e.getCause() instanceof ObjectStoreException ose) {
                throw ose;
            }
            throw new ObjectStoreException(Kind.TRANSIENT, "part upload of " + u.key() + " failed", e.getCause());
        }
    }

    /** The configured part size, or larger if the object would need more than {@link ObjectStore#MAX_PARTS}. */
    long partSizeFor(long size) {
        long min = (size + ObjectStore.MAX_PARTS - 1) / ObjectStore.MAX_PARTS;
        long mib = 1L << 20;
        return Math.max(wb.settings().partSize(), (min + mib - 1) / mib * mib);
    }

    private void abortOrphan(Staged s) {
        MultipartUpload orphan;
        MultipartUpload abandoned;
        s.lock.lock();
        try {
            orphan = s.orphan;
            abandoned = s.abandoned;
            s.orphan = null;
            s.abandoned = null;
        } finally {
            s.lock.unlock();
        }
        if (orphan != null) {
            abortQuietly(s.storeId, orphan);
        }
        if (abandoned != null) {
            abortQuietly(s.storeId, abandoned);
        }
    }

    void abortQuietly(String storeId, MultipartUpload u) {
        try {
            abortQuietly(wb.store(storeId), u);
        } catch (RuntimeException e) {
            LOG.warn("cannot abort multipart upload of {}: {}", u.key(), e.toString());
        }
    }

    private static void abortQuietly(ObjectStore store, MultipartUpload u) {
        if (u == null) {
            return;
        }
        try {
            store.abortMultipart(u);
        } catch (ObjectStoreException | RuntimeException e) {
            LOG.warn("cannot abort multipart upload of {}: {}", u.key(), e.toString());
        }
    }

    private static ObjectInfo headOrNull(ObjectStore store, String key) throws ObjectStoreException {
        try {
            return store.head(key);
        } catch (ObjectStoreException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** The put options of an upload of {@code s}: its metadata plus the own-upload tag, and the condition. */
    static PutOptions putOptions(Staged s, java.util.Map<String, String> meta, String type, WriteCondition cond) {
        java.util.Map<String, String> m = new java.util.HashMap<>(meta);
        m.put(Staged.TAG, s.id);
        return new PutOptions(m, type, cond.kind() == WriteCondition.Kind.IF_MATCH ? cond.etag() : null,
                cond.kind() == WriteCondition.Kind.CREATE_ONLY);
    }
}
