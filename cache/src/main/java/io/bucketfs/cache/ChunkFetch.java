package io.bucketfs.cache;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.ObjectStoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One backend GET of one chunk that any number of readers wait for (single-flight). Exactly one thread
 * {@link #claim()}s it and runs it: a demand reader on its own thread, or a fetch-pool thread for read-ahead — a
 * demand reader that finds a queued read-ahead fetch claims it and runs it itself rather than waiting in the
 * queue. Its outcome is delivered to every waiter; a failure fails them all, and the fetch is gone from the
 * in-flight table by then so the next read retries.
 */
final class ChunkFetch {

    /** Completes a read-ahead fetch that was dropped before it ran; waiters look the chunk up again. */
    static final class Abandoned extends Exception {
        Abandoned() {
            super("read-ahead abandoned", null, false, false);
        }
    }

    final ChunkKey key;
    final ObjectVersion version;
    final ObjectStore store;
    /** Whether the chunk is admitted as prefetched; cleared when a demand reader claims the fetch. */
    volatile boolean readAhead;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<ChunkEntry> result = new CompletableFuture<>();

    ChunkFetch(ChunkKey key, ObjectVersion version, ObjectStore store, boolean readAhead) {
        this.key = key;
        this.version = version;
        this.store = store;
        this.readAhead = readAhead;
    }

    /** True for the one caller that gets to run this fetch. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    void complete(ChunkEntry e) {
        result.complete(e);
    }

    void fail(Throwable t) {
        result.completeExceptionally(t);
    }

    void abandon() {
        result.completeExceptionally(new Abandoned());
    }

    CompletableFuture<ChunkEntry> future() {
        return result;
    }

    /**
     * Waits for the outcome. Failures are rethrown as a new exception of the same type (each waiter gets its own
     * stack trace, the original as cause).
     *
     * @throws Abandoned the fetch was dropped before it ran: look the chunk up again
     */
    ChunkEntry await() throws IOException, Abandoned {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + key);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private IOException rethrow(Throwable c) throws Abandoned {
        if (c instanceof Abandoned) {
            throw (Abandoned) c;
        }
        if (c instanceof ObjectChangedException) {
            return new ObjectChangedException(version, c.getMessage(), c);
        }
        if (c instanceof ObjectStoreException) {
            ObjectStoreException o = (ObjectStoreException) c;
            return new ObjectStoreException(o.kind(), o.getMessage(), o);
        }
        if (c instanceof IOException) {
            return new IOException(c.getMessage(), c);
        }
        if (c instanceof Error) {
            throw (Error) c;
        }
        throw new IllegalStateException("fetch of " + key + " failed", c);
    }
}
