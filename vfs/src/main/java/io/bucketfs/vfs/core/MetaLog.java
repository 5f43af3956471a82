package io.bucketfs.vfs.core;

import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.Journal;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Lock;

/**
 * The namespace's side of the journal: records are appended in the order the namespace changed (the caller holds
 * the namespace write lock), and the call that made the change waits for durability after releasing the lock, so
 * that one fsync covers many concurrent operations.
 */
final class MetaLog {

    private final Journal journal;
    private CompletableFuture<Long> last = CompletableFuture.completedFuture(0L);

    /** The payload budget of one group part: well under the journal's record limit (room for the part header). */
    private final long partBytes;

    MetaLog(Journal journal) {
        this.journal = journal;
        this.partBytes = Math.max(1024, journal.settings().maxRecordBytes() / 2);
    }

    /**
     * Queues the records of one operation (caller holds the namespace write lock); returns the future of the last
     * one. Several records go as one group ({@link NsRecord.Part}s of at most {@link #partBytes} each), which replay
     * applies whole or not at all.
     */
    CompletableFuture<Long> append(List<? extends NsRecord> records) {
        if (records.isEmpty()) {
            return last;
        }
        if (records.size() == 1) {
            last = journal.append(NsRecord.encode(records.get(0)));
            return last;
        }
        long group = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        int index = 0;
        List<NsRecord> part = new java.util.ArrayList<>();
        long bytes = 0;
        CompletableFuture<Long> f = last;
        for (int k = 0; k < records.size(); k++) {
            NsRecord r = records.get(k);
            long size = NsRecord.encode(r).length + 4;
            if (!part.isEmpty() && bytes + size > partBytes) {
                f = journal.append(NsRecord.encode(new NsRecord.Part(group, index++, false, part)));
                part = new java.util.ArrayList<>();
                bytes = 0;
            }
            part.add(r);
            bytes += size;
        }
        if (!part.isEmpty() || index == 0) {
            f = journal.append(NsRecord.encode(new NsRecord.Part(group, index, true, part)));
        }
        last = f;
        return f;
    }

    CompletableFuture<Long> append(NsRecord record) {
        return append(List.of(record));
    }

    /** The future of the newest record queued (caller holds the namespace lock). */
    CompletableFuture<Long> last() {
        return last;
    }

    /** Waits until the records behind {@code f} are durable. A failed journal is a server fault. */
    static void await(CompletableFuture<Long> f) throws VfsException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VfsException(VfsStatus.SERVER_FAULT, "interrupted waiting for the journal", e);
        } catch (ExecutionException e) {
            throw new VfsException(VfsStatus.SERVER_FAULT, "metadata journal failed: " + e.getCause(), e.getCause());
        }
    }

    Journal journal() {
        return journal;
    }

    void close() throws IOException {
        journal.close();
    }

    /**
     * Writes a journal snapshot if the journal asks for one: the namespace is captured under the write lock, as of
     * the newest record queued, and written after that record is durable.
     */
    void snapshotIfDue(Namespace ns) throws IOException {
        if (!journal.needsSnapshot()) {
            return;
        }
        List<NsRecord> state;
        CompletableFuture<Long> newest;
        Lock l = ns.lock.writeLock();
        l.lock();
        try {
            state = ns.snapshot();
            newest = last();
        } finally {
            l.unlock();
        }
        long lsn = newest.join();
        if (lsn <= journal.snapshotLsn()) {
            return;
        }
        journal.snapshot(lsn, out -> {
            java.io.DataOutputStream d = new java.io.DataOutputStream(out);
            d.writeInt(state.size());
            for (NsRecord r : state) {
                byte[] b = NsRecord.encode(r);
                d.writeInt(b.length);
                d.write(b);
            }
            d.flush();
        });
    }
}
