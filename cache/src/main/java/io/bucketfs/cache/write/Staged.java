package io.bucketfs.cache.write;

import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectInfo;
import io.bucketfs.backends.UserMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging state of one file: its data file, extents, base, generations and upload bookkeeping. Every mutable
 * field is guarded by {@link #lock}, a per-file lock held for bookkeeping and for local reads and writes of the
 * data file (never for store or {@link BaseSource} calls). The lock order is: the write-back's file table, then a
 * file lock, then the space budget; {@link #manifestLock} is taken without the file lock.
 *
 * <p>Content model: byte {@code o < size} is the data file's byte if {@code o} is in {@link #extents}, else the
 * base's byte if {@code o < baseLimit}, else zero.
 */
final class Staged {

    static final Logger LOG = LoggerFactory.getLogger(Staged.class);
    static final String DATA_SUFFIX = ".data";
    /** User metadata key naming the staged file an object was uploaded from (recognises our own earlier upload). */
    static final String TAG = "bucketfs-staged";

    final WriteBack wb;
    final String id;
    final String storeId;
    final Path dataPath;
    /** The data file; reopened if a thread interrupted during I/O closed it (see {@link #data()}). */
    private volatile FileChannel channel;
    private final Object channelLock = new Object();
    private boolean channelClosed;
    final ReentrantLock lock = new ReentrantLock();
    final Condition partsIdle = lock.newCondition();

    String key;
    WriteCondition condition;
    String baseKey;
    Base base;
    long baseLimit;
    long size;
    final RangeSet extents;
    /** Data-file ranges ever written: the staging space this file holds. */
    final RangeSet allocated;
    Map<String, String> metadata = Map.of();
    String contentType;
    long modCount;
    long committedMod;
    long committedGen;
    long uploadedGen;
    long durableGen;
    boolean uploadedToKey;
    View committed = View.EMPTY;
    Snapshot snapshot;
    PartTracker parts;
    boolean partsDisabled;
    /** A multipart upload to abort before the next upload: named by a recovered manifest, or given up. */
    MultipartUpload orphan;
    MultipartUpload abandoned;
    int handles;
    boolean retired;
    /** The file was removed ({@link #discard}): nothing more is uploaded and it retires when idle. */
    boolean discarded;
    /** Set once retired (read without the lock by a successor). */
    volatile boolean gone;
    /**
     * A discarded staged file that held this file's key when it was retargeted onto it: its upload in flight must
     * end before this file uploads to the key. Guarded by the write-back's table lock (set once).
     */
    volatile Staged predecessor;
    /** The file retargeted onto this discarded file's key; scheduled when this one retires. */
    volatile Staged successor;
    boolean jobActive;
    boolean forceUpload;
    int failures;
    final List<Retarget> retargets = new ArrayList<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private long manifestSeq;

    private final Object manifestLock = new Object();
    private long writtenSeq;
    /** Reads of the base version this file patches. */
    final StagedBase baseBytes = new StagedBase(this);

    private Staged(WriteBack wb, String id, String storeId, FileChannel data, RangeSet extents) {
        this.wb = wb;
        this.id = id;
        this.storeId = storeId;
        this.dataPath = wb.dir().resolve(id + DATA_SUFFIX);
        this.channel = data;
        this.extents = extents;
        this.allocated = extents.copy();
    }

    /** A new staged file with one handle; nothing on disk but an empty data file until the first commit. */
    static Staged create(WriteBack wb, String storeId, String key, Base base, WriteCondition condition)
            throws IOException {
        String id = UUID.randomUUID().toString();
        FileChannel ch = FileChannel.open(wb.dir().resolve(id + DATA_SUFFIX), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        Staged s = new Staged(wb, id, storeId, ch, new RangeSet());
        s.key = key;
        s.condition = condition;
        s.base = base;
        s.baseKey = base.exists() ? key : null;
        s.baseLimit = base.size();
        s.size = base.size();
        // without a base the content differs from the bucket from the start (an empty file is content too)
        s.modCount = base.exists() ? 0 : 1;
        s.handles = 1;
        return s;
    }

    /** A staged file from its manifest after a restart: no handle, clean, committed generation not uploaded. */
    static Staged recover(WriteBack wb, Manifest m) throws IOException {
        FileChannel ch = FileChannel.open(wb.dir().resolve(m.id() + DATA_SUFFIX), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        RangeSet ext = RangeSet.of(m.extents());
        Staged s = new Staged(wb, m.id(), m.storeId(), ch, ext);
        s.key = m.key();
        s.condition = m.condition();
        s.baseKey = m.baseKey();
        s.base = m.base();
        s.baseLimit = m.baseLimit();
        s.size = m.size();
        s.metadata = m.metadata();
        s.contentType = m.contentType();
        s.committedGen = m.committedGen();
        s.uploadedGen = m.uploadedGen();
        s.durableGen = m.committedGen();
        s.uploadedToKey = m.uploadedToKey();
        s.committed = new View(ext.copy(), m.size(), m.baseLimit(), m.metadata(), m.contentType());
        s.partsDisabled = true;
        if (m.multipartUploadId() != null) {
            s.orphan = new MultipartUpload(m.multipartKey(), m.multipartUploadId());
        }
        List<long[]> list = ext.toList();
        if (!list.isEmpty() && ch.size() < list.get(list.size() - 1)[1]) {
            LOG.warn("staged file {} ({}) has a data file shorter than its extents", s.id, s.key);
        }
        return s;
    }

    // ------------------------------------------------------------------ the file operations

    void write(long offset, ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (len == 0) {
            return;
        }
        try {
            wb.budget().reserve(len, wb.settings().stagingWaitTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for staging space");
        }
        long kept = 0;
        lock.lock();
        try {
            checkLive();
            long end = offset + len;
            if (snapshot != null) {
                wb.budget().force(snapshot.preserve(offset, end));
            }
            long fresh = allocated.gapLength(offset, end);
            writeFully(src, offset);
            extents.add(offset, end);
            allocated.add(offset, end);
            kept = fresh;
            size = Math.max(size, end);
            modCount++;
            if (parts != null) {
                parts.onWrite(offset, end);
            }
        } finally {
            lock.unlock();
            wb.budget().release(len - kept);
        }
        wb.uploader().partsAfterChange(this);
    }

    /** Reads the current content (read-your-writes). Returns the bytes read, or -1 at or past the end. */
    int read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        int total = 0;
        while (dst.hasRemaining()) {
            String bk;
            Base b;
            ByteBuffer w;
            lock.lock();
            try {
                checkLive();
                if (offset >= size) {
                    break;
                }
                long end = Math.min(size, offset + dst.remaining());
                long extentEnd = extents.rangeEndAt(offset);
                long next = extents.nextStartAfter(offset);
                if (extentEnd >= 0 || offset >= baseLimit) {
                    long segEnd = extentEnd >= 0 ? Math.min(end, extentEnd) : Math.min(end, next);
                    w = Bytes.window(dst, segEnd - offset);
                    if (extentEnd >= 0) {
                        Bytes.readFully(data(), w, offset, id);
                    } else {
                        Bytes.zero(w);
                    }
                    dst.position(dst.position() + (int) (segEnd - offset));
                    total += (int) (segEnd - offset);
                    offset = segEnd;
                    continue;
                }
                bk = baseKey;
                b = base;
                w = Bytes.window(dst, Math.min(end, Math.min(next, baseLimit)) - offset);
            } finally {
                lock.unlock();
            }
            if (!baseBytes.readOrRetry(bk, b, offset, w)) {
                continue;
            }
            int n = w.capacity();
            dst.position(dst.position() + n);
            total += n;
            offset += n;
        }
        return total == 0 && dst.hasRemaining() ? -1 : total;
    }

    void truncate(long newSize) {
        if (newSize < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + newSize);
        }
        lock.lock();
        try {
            checkLive();
            if (newSize < size) {
                extents.truncate(newSize);
                baseLimit = Math.min(baseLimit, newSize);
                if (parts != null) {
                    parts.onTruncate(newSize);
                }
            }
            size = newSize;
            modCount++;
        } finally {
            lock.unlock();
        }
        wb.uploader().partsAfterChange(this);
    }

    long size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    void setMetadata(Map<String, String> userMetadata, String type) {
        Map<String, String> m = Map.copyOf(userMetadata);
        if (m.containsKey(TAG)) {
            throw new IllegalArgumentException("metadata key " + TAG + " is reserved");
        }
        Map<String, String> withTag = new HashMap<>(m);
        withTag.put(TAG, id);
        UserMetadata.validate(withTag);
        lock.lock();
        try {
            checkLive();
            metadata = m;
            contentType = type;
            modCount++;
        } finally {
            lock.unlock();
        }
    }

    /** Records a commit point; LOCAL work (fsync of data and manifest) is done here, in the calling thread. */
    CompletableFuture<Void> commit(Durability durability) {
        long gen;
        try {
            gen = commitLocal();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        wb.scheduleUpload(this, durability == Durability.OBJECT_STORE);
        return durability == Durability.LOCAL ? CompletableFuture.completedFuture(null) : awaitUploaded(gen);
    }

    /** Makes the current content a durable generation if it changed; returns the committed generation. */
    long commitLocal() throws IOException {
        long gen;
        Manifest rec = null;
        long seq = 0;
        lock.lock();
        try {
            checkLive();
            if (modCount != committedMod) {
                committedGen++;
                committedMod = modCount;
                committed = new View(extents.copy(), size, baseLimit, metadata, contentType);
            }
            gen = committedGen;
            if (durableGen < gen) {
                rec = manifestLocked();
                seq = ++manifestSeq;
            }
        } finally {
            lock.unlock();
        }
        if (rec != null) {
            data().force(true);
            writeManifest(rec, seq);
        }
        return gen;
    }

    /** Completes when generation {@code gen} (or a later one) is in the bucket. */
    CompletableFuture<Void> awaitUploaded(long gen) {
        lock.lock();
        try {
            if (uploadedGen >= gen) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.computeIfAbsent(gen, g -> new ArrayList<>()).add(f);
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** Barrier support: waits for the generation committed now, asking for its upload even if deferred. */
    CompletableFuture<Void> awaitCommitted() {
        long gen;
        lock.lock();
        try {
            gen = committedGen;
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> f = awaitUploaded(gen);
        if (!f.isDone()) {
            wb.scheduleUpload(this, true);
        }
        return f;
    }

    // ------------------------------------------------------------------ upload bookkeeping (job thread)

    /** Whether an upload job has work now. Under the lock. */
    boolean uploadDueLocked() {
        if (retired || discarded) {
            return false;
        }
        if (predecessor != null && !predecessor.gone) {
            return false; // the removed file's last upload to this key is still on its way
        }
        if (!retargets.isEmpty()) {
            return true;
        }
        boolean deferred = parts != null && !parts.broken && !parts.sealed && handles > 0;
        return committedGen > uploadedGen && (forceUpload || !deferred);
    }

    /** Freezes the content for an upload, or returns null (and ends the job) if nothing is due. */
    Snapshot beginUpload() {
        lock.lock();
        try {
            if (!uploadDueLocked()) {
                jobActive = false;
                return null;
            }
            forceUpload = false;
            PartTracker sealed = null;
            if (parts != null) {
                if (parts.canSeal(size)) {
                    parts.sealed = true;
                    sealed = parts;
                } else {
                    parts.broken = true;
                    if (parts.claimAbort()) {
                        abandoned = parts.upload;
                    }
                    parts = null;
                }
            }
            partsDisabled = true;
            snapshot = new Snapshot(this, committedGen, size, baseLimit, extents.copy(), key, condition, baseKey,
                    base, metadata, contentType, sealed);
            return snapshot;
        } finally {
            lock.unlock();
        }
    }


    /**
     * Applies a finished upload: rebase onto the uploaded object, next condition IF_MATCH its ETag, generations,
     * waiters, manifest. Returns the futures to complete (outside the lock).
     */
    List<CompletableFuture<Void>> uploadEnded(Snapshot snap, Outcome o) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        Manifest rec;
        long seq;
        lock.lock();
        try {
            releaseSnapshotLocked(snap);
            failures = 0;
            if (o.adopted() != null) {
                // our own earlier upload (before a crash) holds the key: overwrite it, from its version
                ObjectInfo a = o.adopted();
                if (key.equals(snap.key)) {
                    condition = WriteCondition.ifMatch(a.etag());
                }
                if (snap.key.equals(baseKey) && a.size() >= baseLimit) {
                    base = Base.of(a.etag(), a.size());
                }
                forceUpload = true;
                return done;
            }
            String written = o.conflictKey() != null ? o.conflictKey() : snap.key;
            uploadedGen = Math.max(uploadedGen, snap.gen);
            base = Base.of(o.info().etag(), snap.size);
            baseKey = written;
            for (Retarget r : retargets) {
                r.wroteOld |= r.oldKey.equals(snap.key) && o.conflictKey() == null;
            }
            if (key.equals(snap.key)) {
                key = written;
                condition = WriteCondition.ifMatch(o.info().etag());
                uploadedToKey = true;
            }
            while (!waiters.isEmpty() && waiters.firstKey() <= uploadedGen) {
                done.addAll(waiters.pollFirstEntry().getValue());
            }
            rec = manifestLocked();
            seq = ++manifestSeq;
        } finally {
            lock.unlock();
        }
        try {
            writeManifest(rec, seq);
        } catch (IOException e) {
            // the object is in the bucket; a recovery from the older manifest re-uploads over it (own tag)
            if (wb.isClosed()) {
                LOG.debug("staged file {} ({}): shutdown interrupted recording the upload; the next start redoes it",
                        id, rec.key());
            } else {
                LOG.error("staged file {} ({}): cannot record upload in manifest", id, rec.key(), e);
            }
        }
        return done;
    }

    /** An upload failed: the snapshot goes, the data stays; the job ends and is resubmitted after a backoff. */
    int uploadFailed(Snapshot snap) {
        lock.lock();
        try {
            if (snap != null) {
                releaseSnapshotLocked(snap);
            }
            return ++failures;
        } finally {
            lock.unlock();
        }
    }

    private void releaseSnapshotLocked(Snapshot snap) {
        wb.budget().release(snap.releaseLocked());
        if (snapshot == snap) {
            snapshot = null;
        }
        if (snap.parts != null && parts == snap.parts) {
            parts = null;
        }
    }

    /**
     * Applies pending retargets once no upload to an old key is in flight: if the base lives at an old key, its
     * bytes still needed are copied into the data file (so the VFS may delete the old key), then the content
     * becomes a new durable generation for the new key. Completes the retarget futures.
     */
    void finishRetargets() throws IOException {
        List<Retarget> rs;
        boolean fill;
        lock.lock();
        try {
            if (retargets.isEmpty()) {
                return;
            }
            rs = List.copyOf(retargets);
            fill = base.exists() && rs.stream().anyMatch(r -> r.oldKey.equals(baseKey));
        } finally {
            lock.unlock();
        }
        if (fill) {
            baseBytes.fill();
        }
        lock.lock();
        try {
            if (fill) {
                base = Base.NONE;
                baseKey = null;
                baseLimit = 0;
            }
            modCount++;
        } finally {
            lock.unlock();
        }
        commitLocal();
        lock.lock();
        try {
            retargets.removeAll(rs);
        } finally {
            lock.unlock();
        }
        for (Retarget r : rs) {
            r.result.complete(r.wroteOld);
        }
    }

    /** Under the lock: whether the file may leave the table (no handle, nothing pending). Marks it retired. */
    boolean tryRetireLocked() {
        if (discarded) {
            if (handles > 0 || jobActive || snapshot != null) {
                return false;
            }
            retired = true;
            return true;
        }
        if (handles > 0 || jobActive || committedGen != uploadedGen || modCount != committedMod || snapshot != null
                || !retargets.isEmpty() || (parts != null && !parts.idle())) {
            return false;
        }
        retired = true;
        return true;
    }

    /** After retiring: removes manifest first (a data file without one is garbage), then data. */
    void deleteFiles() {
        closeData();
        for (Path p : List.of(Manifest.path(wb.dir(), id), dataPath)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("cannot delete staging file {}: {}", p, e.toString());
            }
        }
    }

    /** Fails every waiter (the write-back is closing; the data stays staged for the next open). */
    void failWaiters(IOException why) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<Retarget> rs;
        lock.lock();
        try {
            waiters.values().forEach(all::addAll);
            waiters.clear();
            rs = List.copyOf(retargets);
        } finally {
            lock.unlock();
        }
        all.forEach(f -> f.completeExceptionally(why));
        rs.forEach(r -> r.result.completeExceptionally(why));
    }

    // ------------------------------------------------------------------ manifest

    /** Under the lock: the manifest of the committed state. */
    Manifest manifestLocked() {
        return Manifest.of(this);
    }

    /**
     * The file was removed: generations not yet uploaded are dropped, the manifest goes at once (a crash cannot
     * bring the file back), waiters complete, retargets complete with whether their old key was written (the VFS
     * then deletes that object); returns a multipart upload to abort, or null.
     */
    MultipartUpload discard() {
        List<CompletableFuture<Void>> wake = new ArrayList<>();
        List<Retarget> rs;
        MultipartUpload abort;
        lock.lock();
        try {
            discarded = true;
            forceUpload = false;
            committedMod = modCount;
            waiters.values().forEach(wake::addAll);
            waiters.clear();
            rs = List.copyOf(retargets);
            retargets.clear();
            for (Retarget r : rs) {
                // an old key written (or being written) still holds this file's bytes: the caller deletes it
                r.wroteOld |= snapshot != null && r.oldKey.equals(snapshot.key);
            }
            if (parts != null && !parts.sealed) {
                parts.broken = true;
                if (parts.claimAbort()) {
                    abandoned = parts.upload;
                }
                parts = null;
            }
            abort = abandoned;
            abandoned = null;
        } finally {
            lock.unlock();
        }
        synchronized (manifestLock) {
            writtenSeq = Long.MAX_VALUE; // no manifest is ever written for it again
            try {
                Files.deleteIfExists(Manifest.path(wb.dir(), id));
            } catch (IOException e) {
                LOG.warn("cannot delete the manifest of discarded staged file {}: {}", id, e.toString());
            }
        }
        rs.forEach(r -> r.result.complete(r.wroteOld));
        wake.forEach(f -> f.complete(null));
        return abort;
    }

    /** Builds and writes the manifest now (after a multipart upload was created, or a retarget). */
    void persist() throws IOException {
        Manifest rec;
        long seq;
        lock.lock();
        try {
            rec = manifestLocked();
            seq = ++manifestSeq;
        } finally {
            lock.unlock();
        }
        writeManifest(rec, seq);
    }

    /** Writes {@code rec} unless a manifest built later was written already; records the durable generation. */
    private void writeManifest(Manifest rec, long seq) throws IOException {
        synchronized (manifestLock) {
            if (seq <= writtenSeq) {
                return;
            }
            rec.write(wb.dir());
            writtenSeq = seq;
        }
        lock.lock();
        try {
            durableGen = Math.max(durableGen, rec.committedGen());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ I/O helpers

    /**
     * The data file's channel. An interrupt during FileChannel I/O closes the channel for every thread (the
     * interrupted caller gets ClosedByInterruptException); the next user reopens it, so one interrupted VFS
     * thread never breaks the staged file or its uploads.
     */
    FileChannel data() throws IOException {
        FileChannel ch = channel;
        if (ch.isOpen()) {
            return ch;
        }
        synchronized (channelLock) {
            if (channelClosed) {
                throw new java.nio.channels.ClosedChannelException();
            }
            if (!channel.isOpen()) {
                channel = FileChannel.open(dataPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
                LOG.info("reopened the data file of staged file {} (closed by an interrupted thread)", id);
            }
            return channel;
        }
    }

    /** Closes the data file for good (retired, or the write-back is closing). */
    void closeData() {
        synchronized (channelLock) {
            channelClosed = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", dataPath, e.toString());
            }
        }
    }

    void readForSnapshot(Snapshot snap, long pos, ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            snap.readStagedLocked(pos, dst);
        } finally {
            lock.unlock();
        }
    }

    void writeFully(ByteBuffer src, long offset) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += data().write(src, pos);
        }
    }

    private void checkLive() {
        if (retired) {
            throw new IllegalStateException("staged file " + id + " is retired");
        }
    }
}
