package io.bucketfs.nfs;

import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.lock.BreakIntent;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockOwner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Breaks the leases other protocols hold (SMB oplocks and leases) before an NFS operation changes a file's
 * data or size, and waits for them on the NFS worker: at most the lock manager's break timeout, after which it
 * revokes them.
 */
public final class LeaseBreaks {

    /** The owner NFS writes break leases as: NFS holds no leases, so every lease is foreign to it. */
    private static final LockOwner WRITER = new LockOwner("nfs", "writer");

    private LeaseBreaks() {
    }

    /** Breaks every lease of the file to NONE and waits until they are acknowledged, returned or revoked. */
    public static void beforeWrite(Vfs vfs, long fileId) {
        try {
            vfs.locks().breakLeases(fileId, WRITER, BreakIntent.WRITE)
                    .get(LockManager.DEFAULT_BREAK_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the lock manager revokes what was not acknowledged; the write goes on either way
        }
    }
}
