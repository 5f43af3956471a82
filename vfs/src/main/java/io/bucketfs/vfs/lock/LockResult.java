package io.bucketfs.vfs.lock;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a byte-range lock, unlock, test or I/O check: a {@link LockStatus} and, for
 * {@link LockStatus#DENIED} and {@link LockStatus#IO_CONFLICT}, the conflicting lock (NFS LOCK4denied reports
 * its owner, range and type).
 *
 * @param status the outcome
 * @param conflict the conflicting lock, present exactly for DENIED and IO_CONFLICT
 */
public record LockResult(LockStatus status, Optional<ByteRangeLock> conflict) {

    static final LockResult GRANTED = new LockResult(LockStatus.GRANTED, Optional.empty());
    static final LockResult OK = new LockResult(LockStatus.OK, Optional.empty());
    static final LockResult CANCELLED = new LockResult(LockStatus.CANCELLED, Optional.empty());
    static final LockResult INVALID_RANGE = new LockResult(LockStatus.INVALID_RANGE, Optional.empty());
    static final LockResult RANGE_NOT_LOCKED = new LockResult(LockStatus.RANGE_NOT_LOCKED, Optional.empty());

    public LockResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(conflict, "conflict");
        boolean needsConflict = status == LockStatus.DENIED || status == LockStatus.IO_CONFLICT;
        if (needsConflict != conflict.isPresent()) {
            throw new IllegalArgumentException(status + " with conflict " + conflict);
        }
    }

    static LockResult denied(ByteRangeLock conflict) {
        return new LockResult(LockStatus.DENIED, Optional.of(conflict));
    }

    static LockResult ioConflict(ByteRangeLock conflict) {
        return new LockResult(LockStatus.IO_CONFLICT, Optional.of(conflict));
    }

    /** Whether the status is GRANTED or OK. */
    public boolean isSuccess() {
        return status == LockStatus.GRANTED || status == LockStatus.OK;
    }
}
