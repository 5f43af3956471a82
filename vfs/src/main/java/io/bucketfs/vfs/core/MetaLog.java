package io.bucketfs.vfs.core;

import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import io.bucketfs.vfs.journal.Journal;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The namespace's side of the journal: records are appended in the order the namespace changed (the caller holds
 * the namespace write lock), and the call that made the change waits for durability after releasing the lock, so
 * that one fsync covers many concurrent operations.
 */
final class MetaLog {

    private final Journal journal;
    private CompletableFuture<Long> last = CompletableFuture.completedFuture(0L);

    MetaLog(Journal journal) {
        this.journal = journal;
    }

    /** Queues the records (caller holds the namespace write lock); returns the future of the last one. */
    CompletableFuture<Long> append(List<? extends NsRecord> records) {
        CompletableFuture<Long> f = last;
        for (NsRecord r : records) {
            f = journal.append(NsRecord.encode(r));
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
}
