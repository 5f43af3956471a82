package io.bucketfs.vfs.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's single writer: the only code that touches segment files after recovery. Runs on the thread
 * {@value Journal#WRITER_THREAD_NAME}; every field except the {@code volatile} counters is confined to it.
 * Loop: take the queued entries (up to {@link JournalSettings#maxBatchRecords()}), assign LSNs, write them,
 * fsync once, complete the futures. On the first error it records a {@link JournalFailedException}, fails
 * every pending and later entry with it, and never writes again (fail-stop).
 */
final class JournalWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    private static final int BUFFER_BYTES = 1 << 20;

    /** What the queue holds. */
    sealed interface Entry permits Append, Task, Stop {
    }

    /** A record to append; its future completes with its LSN once durable. */
    record Append(byte[] payload, CompletableFuture<Long> future) implements Entry {
    }

    /** Work that must run on the writer thread between batches (compaction). */
    record Task(IoAction action, CompletableFuture<Void> future) implements Entry {
    }

    /** Write what is pending, close the segment, end the thread. Always the last entry queued. */
    enum Stop implements Entry {
        INSTANCE
    }

    /** An I/O action run by the writer. */
    @FunctionalInterface
    interface IoAction {
        void run(JournalWriter writer) throws IOException;
    }

    private final Path dir;
    private final JournalSettings settings;
    private final ChannelFactory io;
    private final BlockingQueue<Entry> queue;
    private final ArrayDeque<SegmentInfo> sealed = new ArrayDeque<>();
    private final ByteBuffer buffer;
    private final List<Append> pending = new ArrayList<>();
    private long pendingFirstLsn;

    private Path activePath;
    private long activeFirstLsn;
    private FileChannel active;
    private long activeSize;
    private long nextLsn;

    private volatile JournalFailedException failure;
    private volatile long durableLsn;
    private volatile long appended;
    private volatile long batches;
    private volatile long fsyncs;
    private volatile long fsyncNanos;
    /** Told the duration of each fsync of a segment, on this thread; see {@link Journal#fsyncObserver}. */
    volatile java.util.function.LongConsumer fsyncObserver;
    private volatile long logBytes;

    JournalWriter(Path dir, JournalSettings settings, ChannelFactory io, BlockingQueue<Entry> queue) {
        this.dir = dir;
        this.settings = settings;
        this.io = io;
        this.queue = queue;
        this.buffer = ByteBuffer.allocateDirect((int) Math.min(BUFFER_BYTES, settings.segmentBytes()));
    }

    /** Takes over the recovered log: appends continue in its last segment, or in a new one. */
    void resume(JournalRecovery.Result recovered) throws IOException {
        nextLsn = recovered.lastLsn() + 1;
        durableLsn = recovered.lastLsn();
        List<SegmentInfo> log = recovered.segments();
        for (SegmentInfo s : log) {
            logBytes += s.bytes();
        }
        if (log.isEmpty()) {
            createSegment(nextLsn);
            return;
        }
        sealed.addAll(log.subList(0, log.size() - 1));
        SegmentInfo last = log.get(log.size() - 1);
        activePath = last.path();
        activeFirstLsn = last.firstLsn();
        activeSize = last.bytes();
        active = io.open(activePath, StandardOpenOption.WRITE);
        active.position(activeSize);
    }

    JournalFailedException failure() {
        return failure;
    }

    long durableLsn() {
        return durableLsn;
    }

    JournalStats stats(long snapshotLsn) {
        long last = durableLsn;
        return new JournalStats(last, appended, batches, fsyncs, fsyncNanos, logBytes, snapshotLsn,
                Math.max(0, last - snapshotLsn));
    }

    long logBytes() {
        return logBytes;
    }

    @Override
    public void run() {
        List<Entry> batch = new ArrayList<>(settings.maxBatchRecords());
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // only close() ends this thread; an interrupt from elsewhere is not a reason to lose records
                continue;
            }
            queue.drainTo(batch, settings.maxBatchRecords() - 1);
            stop = process(batch);
        }
        LOG.debug("journal {}: writer stopped at LSN {}", dir, durableLsn);
    }

    private boolean process(List<Entry> batch) {
        for (Entry e : batch) {
            if (e instanceof Append a) {
                if (failure != null) {
                    a.future().completeExceptionally(failure);
                } else {
                    pending.add(a);
                    guarded(() -> add(a));
                }
            } else if (e instanceof Task t) {
                guarded(this::commit);
                runTask(t);
            } else {
                guarded(this::commit);
                closeActive();
                return true;
            }
        }
        guarded(this::commit);
        return false;
    }

    private void runTask(Task t) {
        if (failure == null) {
            guarded(() -> t.action().run(this));
        }
        if (failure != null) {
            t.future().completeExceptionally(failure);
        } else {
            t.future().complete(null);
        }
    }

    private void guarded(IoStep step) {
        if (failure != null) {
            return;
        }
        try {
            step.run();
        } catch (Throwable t) {
            fail(t);
        }
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException;
    }

    /** Assigns the next LSN to {@code a} (already in {@link #pending}) and buffers its bytes. */
    private void add(Append a) throws IOException {
        if (pending.size() == 1) {
            pendingFirstLsn = nextLsn;
        }
        long lsn = nextLsn;
        int size = SegmentFormat.recordBytes(a.payload().length);
        long used = activeSize + buffer.position();
        if (used + size > settings.segmentBytes() && used > SegmentFormat.SEGMENT_HEADER_BYTES) {
            roll();
        }
        if (size > buffer.remaining()) {
            writeBuffer();
        }
        if (size > buffer.capacity()) {
            ByteBuffer big = ByteBuffer.allocate(size);
            SegmentFormat.putRecord(big, lsn, a.payload());
            big.flip();
            SegmentFormat.writeFully(active, big);
            activeSize += size;
            logBytes += size;
        } else {
            SegmentFormat.putRecord(buffer, lsn, a.payload());
        }
        nextLsn++;
    }

    private void writeBuffer() throws IOException {
        buffer.flip();
        int n = buffer.remaining();
        SegmentFormat.writeFully(active, buffer);
        buffer.clear();
        activeSize += n;
        logBytes += n;
    }

    /** Writes what is buffered, fsyncs once, then acknowledges every pending append in LSN order. */
    private void commit() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        writeBuffer();
        force(active);
        durableLsn = nextLsn - 1;
        batches++;
        appended += pending.size();
        long lsn = pendingFirstLsn;
        for (Append a : pending) {
            a.future().complete(lsn++);
        }
        pending.clear();
    }

    private void force(FileChannel ch) throws IOException {
        long t0 = System.nanoTime();
        ch.force(false);
        long took = System.nanoTime() - t0;
        fsyncNanos += took; // the writer thread is the only one writing these
        fsyncs++;
        java.util.function.LongConsumer o = fsyncObserver;
        if (o != null) {
            try {
                o.accept(took);
            } catch (RuntimeException e) {
                LOG.warn("journal fsync observer failed: {}", e.toString());
            }
        }
    }

    /** Seals the active segment (durably) and starts {@code log-<nextLsn>.seg}. */
    private void roll() throws IOException {
        writeBuffer();
        force(active);
        active.close();
        sealed.add(new SegmentInfo(activePath, activeFirstLsn, nextLsn - 1, activeSize));
        active = null;
        createSegment(nextLsn);
    }

    private void createSegment(long firstLsn) throws IOException {
        Path path = dir.resolve(SegmentFormat.segmentName(firstLsn));
        FileChannel ch = io.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            SegmentFormat.writeFully(ch, SegmentFormat.segmentHeader(firstLsn));
            force(ch);
            SegmentFormat.syncDirectory(io, dir);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        active = ch;
        activePath = path;
        activeFirstLsn = firstLsn;
        activeSize = SegmentFormat.SEGMENT_HEADER_BYTES;
        logBytes += SegmentFormat.SEGMENT_HEADER_BYTES;
    }

    /**
     * Compaction after a snapshot at {@code snapshotLsn}: rolls the active segment if all its records are
     * covered, then deletes every sealed segment whose records are all covered. Runs between batches.
     */
    void compact(long snapshotLsn) throws IOException {
        long activeLast = nextLsn - 1;
        if (activeLast >= activeFirstLsn && activeLast <= snapshotLsn) {
            roll();
        }
        boolean deleted = false;
        for (Iterator<SegmentInfo> it = sealed.iterator(); it.hasNext(); ) {
            SegmentInfo s = it.next();
            if (s.lastLsn() > snapshotLsn) {
                break;
            }
            Files.deleteIfExists(s.path());
            it.remove();
            logBytes -= s.bytes();
            deleted = true;
            LOG.debug("journal {}: deleted {} (LSN {}..{}), covered by snapshot {}", dir, s.path().getFileName(),
                    s.firstLsn(), s.lastLsn(), snapshotLsn);
        }
        if (deleted) {
            SegmentFormat.syncDirectory(io, dir);
        }
    }

    private void fail(Throwable cause) {
        JournalFailedException f = new JournalFailedException("journal " + dir + " failed (fail-stop) after LSN "
                + durableLsn + "; nothing more will be written", cause);
        failure = f;
        LOG.error("journal {}: I/O failure after LSN {}; failing {} pending and all later appends", dir,
                durableLsn, pending.size(), cause);
        for (Append a : pending) {
            a.future().completeExceptionally(f);
        }
        pending.clear();
        buffer.clear();
        closeActive();
    }

    private void closeActive() {
        if (active == null) {
            return;
        }
        try {
            active.close();
        } catch (IOException e) {
            LOG.warn("journal {}: closing {} failed", dir, activePath, e);
        }
        active = null;
    }
}
