package io.bucketfs.vfs.core;

import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import io.bucketfs.cache.write.Base;
import io.bucketfs.cache.write.Durability;
import io.bucketfs.cache.write.StagedFile;
import io.bucketfs.cache.write.WriteCondition;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up half of {@link FileData}: once the stager has recovered its staged files and the journal is replayed,
 * each journaled file is matched with its staged bytes — under its key, or under a key it had before renames that
 * a crash cut short — and a new file whose staged object was lost either adopts the object its upload left in the
 * bucket or is staged again, empty. Runs once, before the mount serves.
 */
final class StagedRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(StagedRecovery.class);
    /** A bound on {@link #keysBeforeRenames}: chains of pending moves are short. */
    private static final int MAX_RENAME_CANDIDATES = 256;

    private final FileData data;
    private final String storeId;
    private final ObjectStore store;
    private final Namespace ns;

    StagedRecovery(FileData data, String storeId, ObjectStore store, Namespace ns) {
        this.data = data;
        this.storeId = storeId;
        this.store = store;
        this.ns = ns;
    }

    /**
     * At start, after the stager recovered: a file whose key the stager still holds has the size of its committed
     * staged bytes (the journal may have a size from writes a crash lost, or lack one from a commit it cut short);
     * a journaled new file that the stager lost (never committed) is staged again, empty.
     */
    void adoptStagedSizes() {
        java.util.List<Inode> unconfirmed = new java.util.ArrayList<>();
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            for (Inode i : ns.files()) {
                StagedFile at = data.wb().attach(storeId, ns.key(i));
                StagedFile f = at != null ? at : attachRenamed(i);
                if (f == null && i.etag == null) {
                    unconfirmed.add(i); // created, then a crash: before its staged object was committed, or
                    continue;           // after its upload, before the journal learned of it
                }
                if (f == null) {
                    continue;
                }
                try (f) {
                    if (f.size() != i.size) {
                        LOG.info("'{}': size {} journaled, {} staged; taking the staged size", ns.key(i), i.size,
                                f.size());
                        i.size = f.size();
                    }
                } catch (IOException e) {
                    LOG.warn("releasing a staged handle of {}: {}", ns.key(i), e.toString());
                }
            }
        } finally {
            l.unlock();
        }
        for (Inode i : unconfirmed) {
            adoptOrRestage(i);
        }
    }

    /**
     * A staged file that a crash caught between a durable rename and its retarget ({@link FileData#retarget} waits for the
     * journal): the stager still holds it under a key the file had before pending renames (the old key of its own
     * rename, whose delete is queued, or its path before pending directory moves). It is retargeted now, so its
     * bytes reach the file's key. Caller holds the namespace write lock (at start).
     */
    private StagedFile attachRenamed(Inode i) {
        for (String old : keysBeforeRenames(ns.key(i), i.id, new java.util.ArrayList<>(ns.pending().values()))) {
            Inode there = ns.byPath(old);
            if (there != null && there != i) {
                continue; // another file's own key: its staged bytes are its own
            }
            StagedFile f = data.wb().attach(storeId, old);
            if (f == null) {
                continue;
            }
            LOG.info("'{}': staged under its old key {} (a crash before the retarget); retargeting", ns.key(i), old);
            try {
                Inode oldDir = data.directoryOf(old);
                data.journalOldKeyDelete(i, old).join(); // as in FileData.retarget; the journal needs no lock
                f.retarget(ns.key(i), WriteCondition.NONE).thenAccept(wroteOld -> {
                    if (wroteOld) {
                        data.deleteOldKey(old, oldDir, i.id);
                    }
                });
                return f;
            } catch (IOException | RuntimeException e) {
                LOG.error("retargeting the staged {} to {} failed", old, ns.key(i), e);
                try {
                    f.close();
                } catch (IOException ce) {
                    LOG.debug("closing a staged handle of {}: {}", old, ce.toString());
                }
            }
        }
        return null;
    }

    /**
     * The keys a file at {@code key} may be staged under after a crash that cut renames short (each rename's
     * retarget waits for its journal record). The stager follows the file rename by rename, while a rename's op
     * names where the bytes are in the bucket; so the candidates are the sources and targets of the inode's pending
     * {@code MOVE}/{@code DELETE} ops and its current key, each carried back and forth through the pending directory
     * moves ({@code MOVE_PREFIX}) — a file renamed after its directory moved is staged at the moved path, while its
     * op names the pre-move key. An over-approximation: the caller skips keys that are other files' own.
     */
    static java.util.List<String> keysBeforeRenames(String key, long inodeId, java.util.List<NsRecord.KeyOp> ops) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        java.util.List<NsRecord.KeyOp> dirMoves = new java.util.ArrayList<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        todo.add(key);
        for (int n = ops.size() - 1; n >= 0; n--) {
            NsRecord.KeyOp op = ops.get(n);
            if (op.kind() == NsRecord.KeyOp.Kind.MOVE_PREFIX) {
                dirMoves.add(op);
            } else if ((op.kind() == NsRecord.KeyOp.Kind.DELETE || op.kind() == NsRecord.KeyOp.Kind.MOVE)
                    && op.inodeId() == inodeId) {
                for (String k : new String[] {op.target(), op.source()}) {
                    if (k != null) {
                        todo.add(k);
                    }
                }
            }
        }
        while (!todo.isEmpty() && out.size() < MAX_RENAME_CANDIDATES) {
            String k = todo.poll();
            if (!out.add(k)) {
                continue;
            }
            for (NsRecord.KeyOp m : dirMoves) { // newest first
                if (k.startsWith(m.target())) {
                    todo.add(m.source() + k.substring(m.target().length()));
                }
                if (k.startsWith(m.source())) {
                    todo.add(m.target() + k.substring(m.source().length()));
                }
            }
        }
        out.remove(key);
        return new java.util.ArrayList<>(out);
    }

    /**
     * A journaled new file the stager no longer holds: its upload may have landed (the stager retired it) with the
     * journal not yet told, and then the object is its version; staged again empty it would overwrite that
     * upload (or, create-only, fail it and become a conflict copy). At start, before the mount serves.
     */
    private void adoptOrRestage(Inode i) {
        String key;
        String dataKey;
        Lock l = ns.lock.readLock();
        l.lock();
        try {
            key = ns.key(i);
            dataKey = ns.dataKey(i); // a rename not yet applied to the bucket: the upload went to the old key
        } finally {
            l.unlock();
        }
        ObjectInfo info = null;
        for (String k : dataKey.equals(key) ? List.of(key) : List.of(key, dataKey)) {
            try {
                info = store.head(k);
                break;
            } catch (ObjectStoreException e) {
                if (e.kind() != ObjectStoreException.Kind.NOT_FOUND) {
                    LOG.warn("cannot check whether the new file {} reached the bucket: {}", k, e.toString());
                    return; // left as it is: revalidation asks the bucket again
                }
            }
        }
        l = ns.lock.writeLock();
        l.lock();
        try {
            if (info != null) {
                LOG.info("'{}': its upload landed before a crash but was not journaled; taking version {}", key,
                        info.etag());
                i.etag = info.etag();
                i.size = info.size();
            } else {
                restage(i);
            }
        } finally {
            l.unlock();
        }
    }

    /** Stages the (empty) object of a journaled new file whose staged object a crash lost, and commits it. */
    private void restage(Inode i) {
        String key = ns.key(i);
        LOG.info("'{}': created before a crash but never staged durably; staging it empty", key);
        try (StagedFile f = data.wb().stage(storeId, key, Base.NONE, WriteCondition.CREATE_ONLY)) {
            f.setMetadata(i.objectMetadata(), null);
            f.commit(Durability.LOCAL).get(); // a generation even without bytes (closing alone commits none)
            i.size = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ExecutionException e) {
            LOG.error("staging the lost new file {} failed", key, e);
        }
    }
}
