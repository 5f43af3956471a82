package io.bucketfs.vfs.lock;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of an open, downgrade or close: GRANTED with the reservation (for open and downgrade), OK
 * (close), SHARE_VIOLATION naming the first conflicting open, NOT_FOUND, INVALID_ARGUMENT or CANCELLED.
 *
 * @param status the outcome
 * @param reservation the granted or downgraded reservation, present exactly for GRANTED
 * @param conflict the conflicting open, present exactly for SHARE_VIOLATION
 */
public record ShareResult(LockStatus status, Optional<ShareReservation> reservation,
        Optional<ShareReservation> conflict) {

    public ShareResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(conflict, "conflict");
        if ((status == LockStatus.GRANTED) != reservation.isPresent()
                || (status == LockStatus.SHARE_VIOLATION) != conflict.isPresent()) {
            throw new IllegalArgumentException(status + " " + reservation + " " + conflict);
        }
    }

    static ShareResult granted(ShareReservation r) {
        return new ShareResult(LockStatus.GRANTED, Optional.of(r), Optional.empty());
    }

    static ShareResult violation(ShareReservation conflict) {
        return new ShareResult(LockStatus.SHARE_VIOLATION, Optional.empty(), Optional.of(conflict));
    }

    static ShareResult of(LockStatus status) {
        return new ShareResult(status, Optional.empty(), Optional.empty());
    }
}
