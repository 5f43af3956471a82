package io.bucketfs.vfs.lock;

/**
 * Receives the breaks of one lease: the NFS frontend sends CB_RECALL, the SMB frontend a lease or oplock break
 * notification. Called with no lock-manager lock held, on the thread of the operation that caused the break (or
 * of the timer, for {@link #onRevoked}); implementations must return quickly and never block.
 */
public interface BreakListener {

    /**
     * The holder must flush what its caching level no longer allows and then call
     * {@link LockManager#acknowledgeBreak(long, LeaseType)} with a level at most {@code breakTo}, or
     * {@link LockManager#returnLease(long)}. The operation that caused the break waits for that, for at most
     * the manager's break timeout.
     *
     * @param lease the lease as it was when the break started
     * @param breakTo the level the lease must drop to: READ or NONE
     */
    void onBreak(Lease lease, LeaseType breakTo);

    /** The lease is gone without the holder returning it: its break timed out or it was revoked. */
    default void onRevoked(Lease lease) {
    }
}
