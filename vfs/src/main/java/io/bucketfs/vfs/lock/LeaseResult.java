package io.bucketfs.vfs.lock;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of asking for a lease: GRANTED with the lease, or LEASE_CONFLICT.
 *
 * @param status the outcome
 * @param lease the granted lease, present exactly for GRANTED
 */
public record LeaseResult(LockStatus status, Optional<Lease> lease) {

    public LeaseResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lease, "lease");
        if ((status == LockStatus.GRANTED) != lease.isPresent()) {
            throw new IllegalArgumentException(status + " " + lease);
        }
    }
}
