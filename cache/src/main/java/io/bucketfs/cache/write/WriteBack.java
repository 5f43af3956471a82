package io.bucketfs.cache.write;

import io.bucketfs.backends.MultipartUpload;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe write staging and upload: files written by clients are staged on the cache disk and uploaded as one
 * object per file. Nothing acknowledged by a commit is ever lost or silently replaces another writer's object.
 *
 * <h2>Promises</h2>
 * <ul>
 *   <li><b>Commit.</b> {@link StagedFile#commit} with LOCAL returns after the data and the manifest are fsynced;
 *       OBJECT_STORE after the content is in the bucket. {@link #barrier()} completes when everything committed
 *       before the call is in the bucket.</li>
 *   <li><b>Generations.</b> Each commit that changed something is a new generation. One upload per file runs at a
 *       time; commits during it are coalesced into the next upload. An upload sends a {@link Snapshot} of the
 *       file taken when it began, never a mix with later writes, whatever its size (copy-on-write of overwritten
 *       bytes into a pre-image, see {@link Snapshot}).</li>
 *   <li><b>Conditions and conflicts.</b> Every upload carries the file's {@link WriteCondition}; after a
 *       successful upload the condition becomes IF_MATCH of the ETag just written, so out-of-band changes between
 *       our uploads are caught too. When a condition fails, the snapshot is written (create-only) to
 *       {@code <key>.bucketfs-conflict-<UTC yyyyMMdd'T'HHmmssSSS'Z'>} (with {@code -1}, {@code -2}, … if taken),
 *       {@link UploadListener#onConflict} is called, and the staged file targets the conflict key from then on.
 *       Exception: if the key holds an object this staged file itself uploaded (user metadata
 *       {@value Staged#TAG} = its id; a crash came between the upload and its record), the upload is redone over
 *       it instead.</li>
 *   <li><b>Multipart.</b> Objects larger than {@link WriteBackSettings#partSize()} are uploaded in parts in
 *       parallel. A new file written from offset 0 starts a multipart upload as soon as a whole part is written
 *       and uploads parts from the data file while the writer continues (see {@link PartTracker}); at commit only
 *       what is missing is uploaded and the upload is completed. While such an upload runs and a handle is open,
 *       a LOCAL commit does not start the upload (that would re-send the prefix at every commit); closing the
 *       last handle, an OBJECT_STORE commit and {@link #barrier()} do. A write into an uploaded part aborts the
 *       multipart upload; the file is then uploaded whole.</li>
 *   <li><b>Failures.</b> An upload that fails after the store's own retries is reported to
 *       {@link UploadListener#onFailed} and retried after an exponential backoff
 *       ({@link WriteBackSettings#retryInitialBackoff()} doubling up to {@link WriteBackSettings#retryMaxBackoff()});
 *       the staged data is never dropped.</li>
 *   <li><b>Back-pressure.</b> Staged bytes are bounded by {@link WriteBackSettings#maxStagingBytes()}; a write
 *       that does not fit waits for uploads to free space, up to {@link WriteBackSettings#stagingWaitTimeout()},
 *       then fails with {@link StagingFullException}. A staged file's space is freed when its last handle is
 *       closed and its last generation is uploaded.</li>
 *   <li><b>Threads.</b> Uploads run on a bounded pool ({@link WriteBackSettings#uploadThreads()}), parts on
 *       another ({@link WriteBackSettings#partThreads()}); no lock is held across a store or base read, and there
 *       is no global lock around any I/O (the file table lock guards a map only).</li>
 * </ul>
 *
 * <h2>On disk: {@code stagingDir}</h2>
 * <pre>
 *   .lock              held (OS file lock) by the one process using the directory
 *   &lt;id&gt;.data          the file's written bytes at their own offsets (sparse); never shortened while staged
 *   &lt;id&gt;.manifest      the file's durable record ({@link Manifest}): key, condition, base, size, extents,
 *                      metadata, committed and uploaded generation, multipart upload id
 *   &lt;id&gt;.manifest.tmp  a manifest being written
 *   &lt;id&gt;.pre           bytes saved for an upload in flight (pre-image); never needed after a restart
 *   &lt;id&gt;.corrupt.*    a manifest that failed its CRC and its data file, kept aside for an operator
 * </pre>
 * Invariants:
 * <ol>
 *   <li>A manifest is replaced only atomically (temp file, fsync, rename, directory fsync), so it is always a
 *       whole, CRC-checked record.</li>
 *   <li>Before a manifest with committed generation g is renamed into place, the data file is fsynced: every
 *       extent it names holds the bytes written up to the commit of g (or later writes to those offsets).</li>
 *   <li>Data-file bytes inside committed extents change only by later writes of the client; truncation never
 *       shortens the data file, so a manifest's extents stay readable.</li>
 *   <li>The manifest's base (key, ETag) is readable until the manifest names another: after an upload the base
 *       becomes the object just written (same bytes where the file was not written), and the VFS deletes an old
 *       key only after {@link StagedFile#retarget} completed, which first copies needed base bytes locally.</li>
 *   <li>{@code uploadedGen} is raised only after the store confirmed the upload; the manifest is deleted (before
 *       the data file) only when the committed generation is uploaded and no handle is open.</li>
 * </ol>
 *
 * <h2>Recovery (in {@link #open})</h2>
 * <ol>
 *   <li>Temp manifests and pre-images are deleted; data files without a manifest (never committed) too.</li>
 *   <li>A manifest that cannot be read is renamed to {@code .corrupt} with its data file and logged; never
 *       deleted.</li>
 *   <li>Committed generation 0 (a multipart upload was recorded before any commit), or committed generation
 *       already uploaded: its multipart upload is aborted and the files deleted.</li>
 *   <li>Otherwise the file is staged again (no handle) with the manifest's state and uploaded in the background
 *       as a new snapshot: its recorded multipart upload is aborted first, the condition is applied, the
 *       listener is told. The content uploaded is that of the last commit, or newer where the client wrote
 *       committed offsets again before the crash; never older, never bytes not written by the client. {@link
 *       #barrier()} covers these uploads.</li>
 * </ol>
 *
 * <h2>Sharing and naming</h2>
 * A staged file is identified by (storeId, key). {@link #stage} on a key that is staged already (open elsewhere,
 * or still uploading, or recovered) returns another handle on the same staged file, ignoring the given base and
 * condition: the staged content is newer than any base the caller could know.
 */
public final class WriteBack implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBack.class);

    private final Path dir;
    private final SpaceReserve reserve;
    private final WriteBackSettings settings;
    private final StoreResolver stores;
    private final BaseSource baseSource;
    private final UploadListener listener;
    private final SpaceBudget budget;
    private final Uploader uploader;
    private final ExecutorService uploadPool;
    private final ExecutorService partPool;
    private final ScheduledExecutorService retryTimer;
    private final FileChannel lockChannel;
    private final Object tableLock = new Object();
    private final Map<String, Staged> table = new HashMap<>();
    private final Set<Staged> all = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private volatile boolean closed;

    private WriteBack(Path dir, WriteBackSettings settings, StoreResolver stores, BaseSource baseSource,
                      UploadListener listener, FileChannel lockChannel) {
        this.dir = dir;
        this.reserve = new SpaceReserve(dir);
        this.settings = settings;
        this.stores = stores;
        this.baseSource = baseSource;
        this.listener = listener;
        this.lockChannel = lockChannel;
        this.budget = new SpaceBudget(settings.maxStagingBytes());
        this.uploader = new Uploader(this);
        this.uploadPool = Executors.newFixedThreadPool(settings.uploadThreads(), threads("bucketfs-upload"));
        this.partPool = Executors.newFixedThreadPool(settings.partThreads(), threads("bucketfs-upload-part"));
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(threads("bucketfs-upload-retry"));
    }

    /**
     * Opens the staging directory (creating it if needed), recovers it (see the class comment) and starts the
     * uploads of recovered files in the background.
     *
     * @throws IOException if the directory cannot be used, or another process holds it
     */
    public static WriteBack open(Path stagingDir, WriteBackSettings settings, StoreResolver stores,
                                 BaseSource base, UploadListener listener) throws IOException {
        Path d = stagingDir.toAbsolutePath().normalize();
        Files.createDirectories(d);
        FileChannel lockChannel = FileChannel.open(d.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (IOException e) {
            lockChannel.close();
            throw e;
        }
        if (held == null) {
            lockChannel.close();
            throw new IOException("staging directory " + d + " is in use by another process");
        }
        WriteBack wb = new WriteBack(d, Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(stores, "stores"), Objects.requireNonNull(base, "base"),
                listener == null ? UploadListener.NONE : listener, lockChannel);
        try {
            wb.recover();
        } catch (IOException | RuntimeException e) {
            wb.close();
            throw e;
        }
        wb.reserve.make();
        return wb;
    }

    /**
     * Gives back the staging directory's space reserve ({@link SpaceReserve}) when the disk is full, so that staged
     * writes can be committed; false if it was given back already.
     */
    public boolean releaseSpaceReserve() {
        return reserve.release();
    }

    /**
     * Opens a staged file for {@code key} in store {@code storeId}: a new one modifying {@code base} (or
     * {@link Base#NONE}) whose uploads carry {@code condition}, or another handle on the staged file already
     * there (see the class comment). The data file is created now; nothing is durable before the first commit.
     */
    public StagedFile stage(String storeId, String key, Base base, WriteCondition condition) throws IOException {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(condition, "condition");
        checkOpen();
        StagedFile shared = share(storeId, key);
        if (shared != null) {
            return shared;
        }
        Staged created = Staged.create(this, storeId, key, base, condition); // file I/O outside the table lock
        synchronized (tableLock) {
            shared = share(storeId, key);
            if (shared == null) {
                table.put(tableKey(storeId, key), created);
                all.add(created);
                return new StagedFile(this, created);
            }
        }
        created.deleteFiles(); // lost a race with another stage() of the same key
        return shared;
    }

    /** Another handle on the live staged file of the key, or null. */
    private StagedFile share(String storeId, String key) {
        synchronized (tableLock) {
            Staged s = table.get(tableKey(storeId, key));
            if (s == null) {
                return null;
            }
            s.lock.lock();
            try {
                if (s.retired) {
                    return null;
                }
                s.handles++;
                return new StagedFile(this, s);
            } finally {
                s.lock.unlock();
            }
        }
    }

    /**
     * Completes when every generation committed before this call is in the bucket (the {@code bucketfs sync}
     * barrier), starting uploads that were deferred. Fails only if the write-back is closed first.
     */
    public CompletableFuture<Void> barrier() {
        return barrier(null);
    }

    /** {@link #barrier()} over the files of one store ({@code null}: of all). */
    public CompletableFuture<Void> barrier(String storeId) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Staged s : all) {
            if (storeId == null || storeId.equals(s.storeId)) {
                waits.add(s.awaitCommitted());
            }
        }
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
    }

    /** Whether {@link #close} has begun. */
    boolean isClosed() {
        return closed;
    }

    /** Current counters. */
    public WriteBackStats stats() {
        return stats(null);
    }

    /**
     * Current counters of the files of one store ({@code null}: of all). {@code stagingBytes},
     * {@code bytesUploaded} and {@code conflicts} are always those of the whole write-back.
     */
    public WriteBackStats stats(String storeId) {
        long dirty = 0;
        int queue = 0;
        int files = 0;
        for (Staged s : all) {
            if (storeId != null && !storeId.equals(s.storeId)) {
                continue;
            }
            files++;
            s.lock.lock();
            try {
                if (s.committedGen > s.uploadedGen || s.modCount != s.committedMod) {
                    dirty += s.allocated.total();
                }
                if (s.committedGen > s.uploadedGen) {
                    queue++;
                }
            } finally {
                s.lock.unlock();
            }
        }
        return new WriteBackStats(dirty, budget.used(), files, queue, bytesUploaded.get(), conflicts.get());
    }

    /**
     * Stops the pools (interrupting uploads in flight) and releases the directory. Staged data stays on disk and
     * is uploaded by the next {@link #open}; futures still waiting fail. Call {@link #barrier()} first for a
     * clean shutdown.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        retryTimer.shutdownNow();
        uploadPool.shutdownNow();
        partPool.shutdownNow();
        try {
            uploadPool.awaitTermination(10, TimeUnit.SECONDS);
            partPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException why = new IOException("write-back closed; the data stays staged");
        for (Staged s : all) {
            s.failWaiters(why);
            s.closeData();
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing staging lock: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ package-private plumbing

    Path dir() {
        return dir;
    }

    WriteBackSettings settings() {
        return settings;
    }

    SpaceBudget budget() {
        return budget;
    }

    Uploader uploader() {
        return uploader;
    }

    BaseSource baseSource() {
        return baseSource;
    }

    ExecutorService partPool() {
        return partPool;
    }

    ObjectStore store(String storeId) {
        return stores.store(storeId);
    }

    void countUploaded(long bytes) {
        bytesUploaded.addAndGet(bytes);
    }

    /** Starts the upload job of {@code s} if one is due and none runs; {@code force} overrides deferral. */
    void scheduleUpload(Staged s, boolean force) {
        s.lock.lock();
        try {
            if (force) {
                s.forceUpload = true;
            }
            if (s.jobActive || !s.uploadDueLocked()) {
                return;
            }
            s.jobActive = true;
        } finally {
            s.lock.unlock();
        }
        submit(s);
    }

    private void submit(Staged s) {
        try {
            uploadPool.execute(() -> runJob(s));
        } catch (RejectedExecutionException e) {
            LOG.debug("write-back closed; {} stays staged", s.id);
        }
    }

    /** The upload job of one file: uploads snapshots until nothing is due, or a failure defers it. */
    private void runJob(Staged s) {
        while (!closed) {
            Snapshot snap = null;
            try {
                s.finishRetargets();
                snap = s.beginUpload();
                if (snap == null) {
                    maybeRetire(s);
                    return;
                }
                Outcome o = uploader.upload(s, snap);
                List<CompletableFuture<Void>> done = s.uploadEnded(snap, o);
                if (o.adopted() == null) {
                    tell(s, snap, o); // before the commits complete: the VFS learns the ETag or conflict first
                }
                done.forEach(f -> f.complete(null));
            } catch (IOException | RuntimeException e) {
                ObjectStoreException failure = e instanceof ObjectStoreException ose ? ose
                        : new ObjectStoreException(ObjectStoreException.Kind.TRANSIENT, e.toString(), e);
                int failures = s.uploadFailed(snap);
                retryLater(s, snap != null ? snap.key : s.key, failure, failures);
                return;
            }
        }
    }

    private void tell(Staged s, Snapshot snap, Outcome o) {
        try {
            if (o.conflictKey() != null) {
                conflicts.incrementAndGet();
                rekey(s, snap.key, o.conflictKey());
                listener.onConflict(s.storeId, snap.key, o.conflictKey());
            } else {
                listener.onUploaded(s.storeId, snap.key, o.info());
            }
        } catch (RuntimeException e) {
            LOG.warn("upload listener failed for {}: {}", snap.key, e.toString());
        }
    }

    private void retryLater(Staged s, String key, ObjectStoreException failure, int failures) {
        long initial = settings.retryInitialBackoff().toMillis();
        long delay = Math.min(settings.retryMaxBackoff().toMillis(),
                initial << Math.min(failures - 1, 20));
        LOG.warn("upload of {} (staged {}) failed, attempt {}; retrying in {} ms: {}", key, s.id, failures, delay,
                failure.toString());
        try {
            listener.onFailed(s.storeId, key, failure);
        } catch (RuntimeException e) {
            LOG.warn("upload listener failed for {}: {}", key, e.toString());
        }
        try {
            retryTimer.schedule(() -> submit(s), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("write-back closed; {} stays staged", s.id);
        }
    }

    /**
     * Whether {@code key} of {@code storeId} has a staged file (written, uploading, or waiting to be retired): until
     * it has not, the key must not be deleted or overwritten by anyone else.
     */
    public boolean isStaged(String storeId, String key) {
        synchronized (tableLock) {
            Staged s = table.get(tableKey(storeId, key));
            return s != null && !s.retired;
        }
    }

    /**
     * Another handle on the staged file of {@code key}, or null if the key has none now (never creates one): for
     * readers that must see bytes still on their way to the bucket.
     */
    public StagedFile attach(String storeId, String key) {
        return share(storeId, key);
    }

    /** A handle discarded its file (see {@link StagedFile#discard}). */
    void discard(Staged s) {
        MultipartUpload abort = s.discard();
        if (abort != null) {
            uploadPool.execute(() -> uploader.abortQuietly(s.storeId, abort));
        }
        release(s);
    }

    /** A handle was closed. */
    void release(Staged s) {
        s.lock.lock();
        try {
            s.handles--;
        } finally {
            s.lock.unlock();
        }
        scheduleUpload(s, false);
        maybeRetire(s);
    }

    CompletableFuture<Boolean> retarget(Staged s, String newKey, WriteCondition newCondition) throws IOException {
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(newCondition, "newCondition");
        Retarget r;
        String oldKey;
        synchronized (tableLock) {
            Staged other = table.get(tableKey(s.storeId, newKey));
            if (other != null && other != s) {
                boolean replaceable;
                other.lock.lock();
                try {
                    replaceable = other.discarded;
                } finally {
                    other.lock.unlock();
                }
                if (!replaceable) {
                    throw new IllegalStateException("key " + newKey + " has a staged file of its own");
                }
                // a removed file's last upload may still be in flight: this file uploads after it retired
                table.remove(tableKey(s.storeId, newKey), other);
                s.predecessor = other;
                other.successor = s;
                if (other.gone) {
                    s.predecessor = null;
                }
            }
            s.lock.lock();
            try {
                oldKey = s.key;
                r = new Retarget(oldKey, s.uploadedToKey);
                s.retargets.add(r);
                s.key = newKey;
                s.condition = newCondition;
                s.uploadedToKey = false;
            } finally {
                s.lock.unlock();
            }
            table.remove(tableKey(s.storeId, oldKey), s);
            table.put(tableKey(s.storeId, newKey), s);
        }
        // the content must reach the new key even if it was all uploaded to the old one: a new committed
        // generation, durable in the manifest before this returns, so a restart uploads it too
        s.lock.lock();
        try {
            s.modCount++;
        } finally {
            s.lock.unlock();
        }
        s.commitLocal();
        scheduleUpload(s, true);
        return r.result;
    }

    private void rekey(Staged s, String oldKey, String newKey) {
        synchronized (tableLock) {
            if (table.remove(tableKey(s.storeId, oldKey), s)) {
                table.putIfAbsent(tableKey(s.storeId, newKey), s);
            }
        }
    }

    private void maybeRetire(Staged s) {
        boolean retire;
        synchronized (tableLock) {
            s.lock.lock();
            try {
                retire = !s.retired && s.tryRetireLocked();
                if (retire) {
                    table.remove(tableKey(s.storeId, s.key), s);
                }
            } finally {
                s.lock.unlock();
            }
        }
        if (retire) {
            all.remove(s);
            s.deleteFiles();
            budget.release(s.allocated.total());
            s.gone = true;
            Staged next = s.successor;
            if (next != null) {
                scheduleUpload(next, true);
            }
        }
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        Set<String> manifests = new HashSet<>();
        List<Path> dataFiles = new ArrayList<>();
        try (DirectoryStream<Path> ls = Files.newDirectoryStream(dir)) {
            for (Path p : ls) {
                String name = p.getFileName().toString();
                if (name.endsWith(Manifest.TEMP_SUFFIX) || name.endsWith(".pre")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(Manifest.SUFFIX)) {
                    manifests.add(name.substring(0, name.length() - Manifest.SUFFIX.length()));
                } else if (name.endsWith(Staged.DATA_SUFFIX)) {
                    dataFiles.add(p);
                }
            }
        }
        for (Path p : dataFiles) {
            String name = p.getFileName().toString();
            if (!manifests.contains(name.substring(0, name.length() - Staged.DATA_SUFFIX.length()))) {
                Files.deleteIfExists(p);
            }
        }
        int pending = 0;
        for (String id : manifests) {
            pending += recoverOne(id) ? 1 : 0;
        }
        if (!manifests.isEmpty()) {
            LOG.info("staging {}: {} manifests, {} files to upload", dir, manifests.size(), pending);
        }
    }

    /** Recovers one manifest; returns whether it has an upload to do. */
    private boolean recoverOne(String id) throws IOException {
        Path mp = Manifest.path(dir, id);
        Manifest m;
        try {
            m = Manifest.read(mp);
        } catch (IOException | RuntimeException e) {
            LOG.error("staging manifest {} is unreadable ({}); kept aside as .corrupt", mp, e.toString());
            Files.move(mp, dir.resolve(id + ".corrupt.manifest.bad"), StandardCopyOption.REPLACE_EXISTING);
            Path data = dir.resolve(id + Staged.DATA_SUFFIX);
            if (Files.exists(data)) {
                Files.move(data, dir.resolve(id + ".corrupt.data.bad"), StandardCopyOption.REPLACE_EXISTING);
            }
            return false;
        }
        if (m.committedGen() == 0 || m.committedGen() <= m.uploadedGen()) {
            if (m.committedGen() > 0) {
                reannounce(m);
            }
            if (m.multipartUploadId() != null) {
                io.bucketfs.backends.MultipartUpload u =
                        new io.bucketfs.backends.MultipartUpload(m.multipartKey(), m.multipartUploadId());
                submitQuietly(() -> uploader.abortQuietly(m.storeId(), u));
            }
            Files.deleteIfExists(mp);
            Files.deleteIfExists(dir.resolve(id + Staged.DATA_SUFFIX));
            return false;
        }
        Staged s = Staged.recover(this, m);
        budget.force(s.allocated.total());
        synchronized (tableLock) {
            Staged prev = table.putIfAbsent(tableKey(m.storeId(), m.key()), s);
            if (prev != null) {
                LOG.warn("staged files {} and {} both target {}; both are uploaded", prev.id, s.id, m.key());
            }
        }
        all.add(s);
        scheduleUpload(s, true);
        return true;
    }

    /**
     * A staged file whose last generation was uploaded before a crash (the manifest says so; the listener may
     * never have heard, e.g. the VFS journal missed it): the upload is announced again, if the object it wrote is
     * still the one at its key (a later upload over it, or a delete, means the listener knows better already).
     */
    private void reannounce(Manifest m) {
        if (m.baseKey() == null || !m.base().exists()) {
            return;
        }
        try {
            io.bucketfs.backends.ObjectInfo head = store(m.storeId()).head(m.baseKey());
            if (head.etag().equals(m.base().etag())) {
                listener.onUploaded(m.storeId(), m.baseKey(), head);
            }
        } catch (io.bucketfs.backends.ObjectStoreException e) {
            if (e.kind() != io.bucketfs.backends.ObjectStoreException.Kind.NOT_FOUND) {
                LOG.warn("cannot check the upload of {} staged before a restart: {}", m.baseKey(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("announcing the upload of {} staged before a restart failed", m.baseKey(), e);
        }
    }

    private void submitQuietly(Runnable r) {
        try {
            partPool.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.debug("write-back closed");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("write-back is closed");
        }
    }

    private static String tableKey(String storeId, String key) {
        return storeId + '\u0000' + key;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
