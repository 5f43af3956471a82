package io.bucketfs.vfs.lock;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the lock manager records about one file: byte-range locks, share reservations (the file's opens),
 * leases, and whether it is delete-pending.
 * Immutable; every change makes a new state, so a {@link LockStore} can publish a state without copying and a
 * distributed store can serialize and compare it. Lists keep insertion order (for SMB, the order locks were
 * taken in).
 *
 * @param locks held byte-range locks of every flavour
 * @param shares open share reservations
 * @param leases granted leases, breaking ones included
 * @param deletePending the file goes when its last open closes, and no new open of it is granted
 *     ({@link LockManager#setDeletePending})
 */
public record FileLockState(List<ByteRangeLock> locks, List<ShareReservation> shares, List<Lease> leases,
        boolean deletePending) {

    /** The state of a file nobody holds anything on. */
    public static final FileLockState EMPTY = new FileLockState(List.of(), List.of(), List.of(), false);

    public FileLockState {
        locks = List.copyOf(Objects.requireNonNull(locks, "locks"));
        shares = List.copyOf(Objects.requireNonNull(shares, "shares"));
        leases = List.copyOf(Objects.requireNonNull(leases, "leases"));
    }

    /** A state that is not delete-pending. */
    public FileLockState(List<ByteRangeLock> locks, List<ShareReservation> shares, List<Lease> leases) {
        this(locks, shares, leases, false);
    }

    public boolean isEmpty() {
        return locks.isEmpty() && shares.isEmpty() && leases.isEmpty() && !deletePending;
    }

    public FileLockState withLocks(List<ByteRangeLock> newLocks) {
        return new FileLockState(newLocks, shares, leases, deletePending);
    }

    public FileLockState withShares(List<ShareReservation> newShares) {
        return new FileLockState(locks, newShares, leases, deletePending);
    }

    public FileLockState withLeases(List<Lease> newLeases) {
        return new FileLockState(locks, shares, newLeases, deletePending);
    }

    public FileLockState withDeletePending(boolean pending) {
        return new FileLockState(locks, shares, leases, pending);
    }

    /** The namespaces of every holder of anything in this state. */
    public Set<String> namespaces() {
        Set<String> out = new HashSet<>();
        locks.forEach(l -> out.add(l.owner().namespace()));
        shares.forEach(s -> out.add(s.owner().namespace()));
        leases.forEach(l -> out.add(l.holder().namespace()));
        return out;
    }
}
