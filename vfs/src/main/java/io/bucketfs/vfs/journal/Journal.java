package io.bucketfs.vfs.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata journal: a write-ahead log of opaque records with group commit, fail-stop error handling,
 * crash recovery and snapshot-based compaction. The VFS appends every namespace change here and acknowledges
 * the change only once the returned future has completed.
 *
 * <h2>Promises</h2>
 * <ul>
 *   <li><b>Durable acknowledgement.</b> When the future of {@link #append} completes with an LSN, the record
 *       and every record with a lower LSN are on stable storage ({@code FileChannel.force} returned) and will
 *       be replayed by every later {@link #open}, unless a snapshot at or above that LSN replaced them.</li>
 *   <li><b>Order.</b> LSNs start at 1 and increase by exactly 1 in the order appends entered the queue; the
 *       futures complete in LSN order. Replay delivers records in LSN order without gaps.</li>
 *   <li><b>Group commit.</b> One writer thread, named {@value #WRITER_THREAD_NAME}, takes everything queued
 *       (up to {@link JournalSettings#maxBatchRecords()}), writes it and fsyncs once, so N concurrent
 *       appenders cost far fewer than N fsyncs.</li>
 *   <li><b>Back-pressure.</b> At most {@link JournalSettings#queueCapacity()} appends wait for the writer;
 *       beyond that {@link #append} <em>blocks</em> the calling thread until there is room (the VFS worker
 *       pool then fills and the protocol frontends stop reading their sockets). Failing the future instead
 *       was rejected: every caller would need a retry loop for an overload that blocking resolves by itself.
 *       Do not append from a thread that must never block (an event loop).</li>
 *   <li><b>Fail-stop.</b> The first I/O error (a write, an fsync, a segment roll, a compaction delete) stops
 *       the journal for good: the futures of the batch in flight and of every later append fail with one and
 *       the same {@link JournalFailedException} whose cause is the original error; nothing is written again
 *       (an fsync is never retried, since after a failed fsync the page cache may no longer hold the data).
 *       {@link #isFailed()} turns true. Recovery is a restart: {@link #open} decides what reached the disk.</li>
 * </ul>
 *
 * <h2>On-disk format and invariants</h2>
 * A journal directory holds only files this class writes:
 * <pre>
 * log-&lt;firstLsn, 20 digits&gt;.seg   segment:  header | record*
 *     header = magic "BFJL" (int) | format version 1 (int) | firstLsn (long)                 16 bytes
 *     record = payload length n (int) | lsn (long) | CRC32C over lsn(8 bytes) + payload (int) | payload (n)
 * snapshot-&lt;lsn, 20 digits&gt;.snap  snapshot: magic "BFJS" | version 1 | lsn (long) | body
 *                                   | body length (long) | CRC32C over header + body (int) | magic "BFJE"
 * snapshot-&lt;lsn&gt;.snap.tmp         a snapshot being written; deleted by open
 * snapshot-&lt;lsn&gt;.snap.corrupt     a snapshot open found damaged and moved aside (kept for inspection)
 * journal.lock                      empty; locked ({@code FileLock}) while a Journal has the directory open
 * </pre>
 * All integers are big-endian. Invariants, which the writer maintains and {@link #open} checks:
 * <ol>
 *   <li>Within a segment, record LSNs are {@code firstLsn, firstLsn+1, ...}; the segment after it starts at
 *       its last LSN + 1. The segments form one contiguous run of LSNs.</li>
 *   <li>A segment never exceeds {@link JournalSettings#segmentBytes()}. Only the newest segment is ever
 *       written; a segment is fsynced before the next one is created, and a new segment's header is
 *       fsynced, and the directory entry too, before any record is written to it.</li>
 *   <li>Every record up to the last acknowledged LSN is intact on disk. Bytes after it in the newest segment
 *       are at most one unacknowledged batch, possibly torn.</li>
 *   <li>A snapshot file exists under its final name only complete and fsynced (written as {@code .tmp},
 *       fsynced, renamed atomically, directory fsynced). Segments and older snapshots are deleted only after
 *       a newer snapshot covering them is durable.</li>
 *   <li>The log reaches back to the newest snapshot: the first segment's {@code firstLsn} is at most
 *       snapshot LSN + 1 (or 1 when there is no snapshot).</li>
 * </ol>
 *
 * <h2>Recovery rules ({@link #open})</h2>
 * <ul>
 *   <li>Leftover {@code .tmp} snapshots are deleted: a crash before the rename leaves the previous snapshot
 *       and its log in force.</li>
 *   <li>The newest snapshot that verifies (framing, LSN, checksum) and from which the log is contiguous is
 *       restored. A newer damaged one is moved aside as {@code .corrupt} with a WARN. If snapshots exist but
 *       none is usable, open fails with {@link JournalCorruptException}: the segments it covered are gone,
 *       so falling back to an empty state would silently lose acknowledged changes.</li>
 *   <li><b>Torn tail</b>: a bad record (partial header, length past end of file, wrong LSN, checksum
 *       mismatch, zeros) in the newest segment with no valid record after it is the unacknowledged end of the
 *       last batch before a crash: it is truncated away with a WARN and appends continue from the record
 *       before it. A newest segment shorter than its header, or with a bad header and nothing after it, was
 *       torn while being created and is deleted.</li>
 *   <li><b>Mid-log corruption</b>: a bad record followed by any record that checks out (same segment, with a
 *       higher LSN, found by scanning every offset), a bad record in any segment but the newest, or a gap in
 *       the LSNs fails open with {@link JournalCorruptException} naming file and offset. The journal never
 *       drops a record that may have been acknowledged. Known limitation: a power failure that persisted the
 *       end of the final, unacknowledged batch but not its beginning looks the same and is reported too.</li>
 *   <li>Segments wholly covered by the snapshot (left by a crash during compaction) and older snapshots are
 *       deleted after replay.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Every public method is thread-safe. {@link Replay} callbacks run on the thread calling {@link #open},
 * before it returns. Futures are completed on the writer thread: dependent actions attached with the
 * non-async {@code CompletableFuture} methods run there and delay every other appender, so keep them short or
 * use the {@code *Async} variants. {@link #snapshot} runs the caller's {@link SnapshotWriter} on the calling
 * thread, concurrently with appends; snapshots are serialized among themselves.
 */
public final class Journal implements Closeable {
    /** Name of the lock file that keeps a second process (or Journal) out of an open directory. */
    public static final String LOCK_FILE = "journal.lock";
    /** Name of the writer thread. */
    public static final String WRITER_THREAD_NAME = "bucketfs-journal";

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path dir;
    private final JournalSettings settings;
    private final ChannelFactory io;
    private final BlockingQueue<JournalWriter.Entry> queue;
    private final JournalWriter writer;
    private final Thread thread;
    private final ReplayStats replayStats;
    private final FileChannel lockChannel;
    /** Appenders hold the read lock while checking {@link #closed} and queueing; close() the write lock. */
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    private final Object snapshotLock = new Object();
    private boolean closed; // guarded by admission
    private volatile long snapshotLsn;

    private Journal(Path dir, JournalSettings settings, ChannelFactory io, JournalRecovery.Result recovered,
            FileChannel lockChannel) throws IOException {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.settings = settings;
        this.io = io;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.replayStats = recovered.stats();
        this.snapshotLsn = recovered.snapshotLsn();
        this.writer = new JournalWriter(dir, settings, io, queue);
        writer.resume(recovered);
        this.thread = new Thread(writer, WRITER_THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens (creating it if needed) the journal in {@code dir}: restores the newest valid snapshot into
     * {@code replay}, replays every later record in order, applies the recovery rules in the class javadoc,
     * and starts the writer. The next append gets {@code replayStats().lastLsn() + 1}. One journal per
     * directory at a time: {@value #LOCK_FILE} is locked until {@link #close()} (or process death).
     *
     * @throws JournalCorruptException if recovery would have to drop records that may have been acknowledged
     * @throws JournalException if another process or Journal has the directory open
     * @throws IOException on I/O errors, or as thrown by {@code replay}
     */
    public static Journal open(Path dir, JournalSettings settings, Replay replay) throws IOException {
        return open(dir, settings, replay, ChannelFactory.DEFAULT);
    }

    /** As {@link #open(Path, JournalSettings, Replay)}, opening every file it writes through {@code io}. */
    static Journal open(Path dir, JournalSettings settings, Replay replay, ChannelFactory io) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(replay, "replay");
        Files.createDirectories(dir);
        FileChannel lock = lockDirectory(dir);
        try {
            JournalRecovery.Result recovered = JournalRecovery.run(dir, replay, io);
            ReplayStats s = recovered.stats();
            LOG.info("journal {}: recovered to LSN {} in {} ms (snapshot {} of {} bytes, {} records of {} bytes"
                            + " from {} segments, {} torn bytes cut)", dir, s.lastLsn(), s.millis(),
                    s.snapshotLsn(), s.snapshotBytes(), s.records(), s.bytes(), s.segments(), s.truncatedBytes());
            return new Journal(dir, settings, io, recovered, lock);
        } catch (IOException | RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    private static FileChannel lockDirectory(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new JournalException("journal " + dir + " is already open (" + LOCK_FILE + " is locked)");
        }
        return ch;
    }

    /**
     * Queues {@code payload} as the next record. Returns once queued (blocking first while the queue is
     * full, see the class javadoc); the future completes with the record's LSN once it is durable, or fails
     * with {@link JournalFailedException} (fail-stop), {@link JournalClosedException} (append after close
     * began) or {@link InterruptedIOException} (interrupted while waiting for room: not queued). The journal
     * keeps a reference to {@code payload}: do not modify the array afterwards.
     *
     * @throws IllegalArgumentException if {@code payload} is longer than
     *     {@link JournalSettings#maxRecordBytes()}
     */
    public CompletableFuture<Long> append(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > settings.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + payload.length + " bytes exceeds maxRecordBytes "
                    + settings.maxRecordBytes());
        }
        JournalFailedException failed = writer.failure();
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        admission.readLock().lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new JournalClosedException("journal " + dir + " is closed"));
            }
            queue.put(new JournalWriter.Append(payload, future));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(
                    new InterruptedIOException("interrupted while waiting for room in the journal queue"));
        } finally {
            admission.readLock().unlock();
        }
        return future;
    }

    /**
     * Appends and waits until the record is durable.
     *
     * @return the record's LSN
     * @throws JournalFailedException if the journal has failed (the shared instance)
     * @throws JournalClosedException if the journal is closing
     * @throws InterruptedIOException if interrupted; the record may still become durable
     */
    public long appendAndWait(byte[] payload) throws IOException {
        try {
            return append(payload).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the journal; the record may still be"
                    + " written");
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static IOException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    /**
     * Makes a snapshot of the caller's state as of {@code lsn} and compacts the log behind it: writes
     * {@code snapshot-<lsn>.snap} durably and atomically with {@code state} (on this thread), then, on the
     * writer thread between batches, rolls the active segment if all its records are covered and deletes
     * every segment whose records are all at or below {@code lsn}; finally deletes older snapshots. The
     * caller is responsible for the state being exactly that after applying LSN {@code lsn}.
     *
     * @param lsn an acknowledged LSN ({@code <= lastLsn()}), above the current snapshot's
     * @throws IllegalArgumentException if {@code lsn} is not in that range
     * @throws JournalFailedException if the journal failed (before, or during compaction)
     * @throws JournalClosedException if the journal is closing
     * @throws IOException if writing the snapshot failed; the previous snapshot then stays in force and the
     *     journal keeps running
     */
    public void snapshot(long lsn, SnapshotWriter state) throws IOException {
        Objects.requireNonNull(state, "state");
        synchronized (snapshotLock) {
            checkUsable();
            long durable = writer.durableLsn();
            if (lsn <= snapshotLsn || lsn > durable) {
                throw new IllegalArgumentException("snapshot LSN " + lsn + " must be in (" + snapshotLsn + ", "
                        + durable + "]");
            }
            long start = System.nanoTime();
            long body = SnapshotFile.write(io, dir, lsn, state);
            long previous = snapshotLsn;
            snapshotLsn = lsn;
            awaitTask(w -> w.compact(lsn));
            deleteSnapshotsBelow(lsn);
            LOG.info("journal {}: snapshot at LSN {} ({} bytes) in {} ms, replacing {}; log now {} bytes", dir,
                    lsn, body, (System.nanoTime() - start) / 1_000_000, previous, writer.logBytes());
        }
    }

    private void checkUsable() throws JournalException {
        JournalFailedException failed = writer.failure();
        if (failed != null) {
            throw failed;
        }
        admission.readLock().lock();
        try {
            if (closed) {
                throw new JournalClosedException("journal " + dir + " is closed");
            }
        } finally {
            admission.readLock().unlock();
        }
    }

    private void awaitTask(JournalWriter.IoAction action) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        admission.readLock().lock();
        try {
            if (closed) {
                throw new JournalClosedException("journal " + dir + " closed before compaction");
            }
            queue.put(new JournalWriter.Task(action, done));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted queueing compaction");
        } finally {
            admission.readLock().unlock();
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for compaction");
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private void deleteSnapshotsBelow(long lsn) throws IOException {
        boolean deleted = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "snapshot-*.snap")) {
            for (Path p : files) {
                long old = SnapshotFile.parseName(p.getFileName().toString());
                if (old >= 0 && old < lsn) {
                    deleted |= Files.deleteIfExists(p);
                }
            }
        }
        if (deleted) {
            SegmentFormat.syncDirectory(io, dir);
        }
    }

    /**
     * True once enough has been appended since the last snapshot that the VFS should take one: at least
     * {@link JournalSettings#snapshotEveryRecords()} records above it, or segment files of at least
     * {@link JournalSettings#snapshotEveryLogBytes()} bytes holding at least one such record. The journal
     * cannot produce state itself; the VFS polls this and calls {@link #snapshot}.
     */
    public boolean needsSnapshot() {
        long since = writer.durableLsn() - snapshotLsn;
        return since >= settings.snapshotEveryRecords()
                || (since > 0 && writer.logBytes() >= settings.snapshotEveryLogBytes());
    }

    /** Whether the journal has stopped after an I/O error. */
    public boolean isFailed() {
        return writer.failure() != null;
    }

    /** The fail-stop exception, or null while the journal is healthy. */
    public JournalFailedException failure() {
        return writer.failure();
    }

    /** The highest durable LSN; 0 for an empty journal. */
    public long lastLsn() {
        return writer.durableLsn();
    }

    /** LSN of the newest snapshot; 0 if none. */
    public long snapshotLsn() {
        return snapshotLsn;
    }

    /** What {@link #open} recovered, and how long it took. */
    public ReplayStats replayStats() {
        return replayStats;
    }

    /** Current counters. */
    /**
     * Sets the hook told the duration (nanoseconds) of each group-commit fsync, for metrics; it runs on the writer
     * thread, so it must be cheap and must not block. {@code null} removes it.
     */
    public void fsyncObserver(java.util.function.LongConsumer observer) {
        writer.fsyncObserver = observer;
    }

    public JournalStats stats() {
        return writer.stats(snapshotLsn);
    }

    /** The settings this journal was opened with. */
    public JournalSettings settings() {
        return settings;
    }

    /**
     * Stops accepting appends, writes and fsyncs everything queued before, and stops the writer thread.
     * Appends that lose the race with close fail with {@link JournalClosedException}. Idempotent. Succeeds
     * on a failed journal too (check {@link #isFailed()}).
     *
     * @throws InterruptedIOException if interrupted while waiting for the writer; the writer still finishes
     * @throws IllegalStateException if called on the writer thread
     */
    @Override
    public void close() throws IOException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("close() called on the journal writer thread (from a future's"
                    + " dependent action); it would wait for itself");
        }
        admission.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                queue.put(JournalWriter.Stop.INSTANCE);
            }
        } catch (InterruptedException e) {
            closed = false;
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing the journal");
        } finally {
            admission.writeLock().unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the journal writer to stop");
        }
        lockChannel.close();
    }
}
