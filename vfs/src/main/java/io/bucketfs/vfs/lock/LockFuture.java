package io.bucketfs.vfs.lock;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The future of one lock request. Its {@link #state} is guarded by its own monitor; the manager changes it
 * (and, for a grant, updates the store) while holding that monitor, so a cancel either wins before the grant
 * (the request is withdrawn) or fails after it (the future completes GRANTED). Any completion from outside
 * ({@link #cancel}, {@link #complete}, {@link #completeExceptionally}, and so {@code orTimeout}) counts as a
 * cancel.
 */
final class LockFuture extends CompletableFuture<LockResult> {

    enum State {
        /** Not yet queued: waiting for lease breaks, or a non-blocking attempt not yet made. */
        PENDING,
        /** In its file's wait queue. */
        QUEUED,
        /** Granted, denied, cancelled or abandoned: nothing more will happen. */
        DONE
    }

    final ByteRangeLock request;
    final boolean waits;
    private final Consumer<LockFuture> onAbandon;
    /** Guarded by this. */
    State state = State.PENDING;

    LockFuture(ByteRangeLock request, boolean waits, Consumer<LockFuture> onAbandon) {
        this.request = request;
        this.waits = waits;
        this.onAbandon = onAbandon;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return abandon() && super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(LockResult value) {
        return abandon() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return abandon() && super.completeExceptionally(ex);
    }

    /** Completes with the manager's result; only after the manager set {@link State#DONE}. */
    void deliver(LockResult result) {
        super.complete(result);
    }

    synchronized boolean isPending() {
        return state == State.PENDING;
    }

    private boolean abandon() {
        synchronized (this) {
            if (state == State.DONE) {
                return false;
            }
            state = State.DONE;
        }
        onAbandon.accept(this);
        return true;
    }
}
