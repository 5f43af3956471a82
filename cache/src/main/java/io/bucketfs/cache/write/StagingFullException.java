package io.bucketfs.cache.write;

import java.io.IOException;

/**
 * A write found the staging area full ({@link WriteBackSettings#maxStagingBytes()}) and uploads did not free
 * enough space within {@link WriteBackSettings#stagingWaitTimeout()}. Nothing was written. The VFS maps it to
 * ENOSPC (NFS4ERR_NOSPC, STATUS_DISK_FULL).
 */
public final class StagingFullException extends IOException {

    private final long requested;
    private final long limit;

    public StagingFullException(long requested, long used, long limit) {
        super("staging area full: " + used + " of " + limit + " bytes used, " + requested + " more requested");
        this.requested = requested;
        this.limit = limit;
    }

    /** The bytes the write needed. */
    public long requested() {
        return requested;
    }

    /** The configured limit. */
    public long limit() {
        return limit;
    }
}
