package io.bucketfs.vfs.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease half of {@link LockManager}: granting, breaking, acknowledging, returning and revoking leases.
 * Lease records live in the {@link LockStore}; what cannot be stored remotely stays here: the holders'
 * {@link BreakListener}s and the pending breaks (a future per breaking lease and its timeout).
 *
 * <p>A break in progress is visible in the store as {@link Lease#isBreaking()} and here as a pending break.
 * Whoever finds a breaking lease makes sure a pending break exists, then re-reads the store; whoever settles a
 * lease (acknowledge, return, revoke, timeout, release) changes the store first and then completes the pending
 * break. Either order of the two leaves no waiter behind. Listeners are called with no lock held.
 */
final class Leases {

    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    private final LockStore store;
    private final LockTimer timer;
    private final Duration breakTimeout;
    private final ConcurrentHashMap<Long, BreakListener> listeners = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, PendingBreak> pending = new ConcurrentHashMap<>();

    private static final class PendingBreak {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile LockTimer.Cancellable timeout;
    }

    private record Plan(List<Lease> newlyBreaking, List<Long> blocking) {
    }

    Leases(LockStore store, LockTimer timer, Duration breakTimeout) {
        this.store = store;
        this.timer = timer;
        this.breakTimeout = breakTimeout;
    }

    /** Whether a lease must be broken (or finish breaking) before {@code by} does {@code intent}. */
    static boolean blocks(Lease lease, LockOwner by, BreakIntent intent) {
        return lease.isForeign(by) && (lease.isBreaking() || intent.breakTarget(lease.type()) != null);
    }

    static boolean anyBlocks(List<Lease> leases, LockOwner by, BreakIntent intent) {
        return leases.stream().anyMatch(l -> blocks(l, by, intent));
    }

    /**
     * Whether a lease of {@code type} may be granted to {@code holder}: no lease of the file is breaking; other
     * namespaces hold no byte-range locks; for WRITE, other namespaces hold no lease and no open; for READ, they
     * hold no WRITE lease and (unless {@code writersBreak}) no open with WRITE access. Opens without access bits
     * ({@link LockManager#openHandle}) do not count.
     */
    static boolean grantable(FileLockState s, LockOwner holder, LeaseType type, boolean writersBreak) {
        for (Lease l : s.leases()) {
            if (l.isBreaking() || (l.isForeign(holder) && (type == LeaseType.WRITE || l.type() == LeaseType.WRITE))) {
                return false;
            }
        }
        String ns = holder.namespace();
        for (ShareReservation r : s.shares()) {
            if (!r.owner().namespace().equals(ns) && !r.access().isEmpty()
                    && (type == LeaseType.WRITE || (!writersBreak && r.access().contains(ShareAccess.WRITE)))) {
                return false;
            }
        }
        return s.locks().stream().allMatch(l -> l.owner().namespace().equals(ns));
    }

    LeaseResult grant(long fileId, LockOwner holder, LeaseType type, boolean writersBreak, BreakListener listener) {
        if (type == LeaseType.NONE) {
            return new LeaseResult(LockStatus.INVALID_ARGUMENT, Optional.empty());
        }
        long id = store.nextId();
        listeners.put(id, listener);
        Optional<Lease> granted = store.update(fileId, s -> {
            if (!grantable(s, holder, type, writersBreak)) {
                return new LockStore.Update<>(s, Optional.<Lease>empty());
            }
            List<Lease> out = new ArrayList<>();
            Lease mine = new Lease(id, fileId, holder, type, null);
            for (Lease l : s.leases()) {
                if (l.holder().equals(holder)) {
                    mine = l.settled(type);
                } else {
                    out.add(l);
                }
            }
            out.add(mine);
            return new LockStore.Update<>(s.withLeases(out), Optional.of(mine));
        });
        if (granted.isEmpty() || granted.get().id() != id) {
            listeners.remove(id);
        }
        if (granted.isEmpty()) {
            return new LeaseResult(LockStatus.LEASE_CONFLICT, Optional.empty());
        }
        listeners.put(granted.get().id(), listener);
        return new LeaseResult(LockStatus.GRANTED, granted);
    }

    /** See {@link LockManager#breakLeases}. */
    CompletableFuture<Void> breakFor(long fileId, LockOwner by, BreakIntent intent) {
        Plan plan = store.update(fileId, s -> {
            List<Lease> out = new ArrayList<>();
            List<Lease> newly = new ArrayList<>();
            List<Long> blocking = new ArrayList<>();
            for (Lease l : s.leases()) {
                if (blocks(l, by, intent)) {
                    blocking.add(l.id());
                    if (!l.isBreaking()) {
                        l = l.breaking(intent.breakTarget(l.type()));
                        newly.add(l);
                    }
                }
                out.add(l);
            }
            return new LockStore.Update<>(newly.isEmpty() ? s : s.withLeases(out), new Plan(newly, blocking));
        });
        if (plan.blocking().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (long id : plan.blocking()) {
            waits.add(pendingFor(fileId, id).done);
        }
        FileLockState now = store.read(fileId);
        for (long id : plan.blocking()) {
            if (find(now, id).filter(Lease::isBreaking).isEmpty()) {
                settled(id);
            }
        }
        for (Lease l : plan.newlyBreaking()) {
            if (find(now, l.id()).filter(Lease::isBreaking).isPresent()) {
                notifyBreak(l);
            }
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    /** See {@link LockManager#acknowledgeBreak}. */
    LockStatus acknowledge(Lease lease, LeaseType level) {
        LockStatus status = store.update(lease.fileId(), s -> {
            Optional<Lease> cur = find(s, lease.id());
            if (cur.isEmpty()) {
                return new LockStore.Update<>(s, LockStatus.NOT_FOUND);
            }
            if (!cur.get().isBreaking() || !cur.get().breakingTo().covers(level)) {
                return new LockStore.Update<>(s, LockStatus.INVALID_ARGUMENT);
            }
            Lease kept = level == LeaseType.NONE ? null : cur.get().settled(level);
            return new LockStore.Update<>(s.withLeases(replace(s.leases(), lease.id(), kept)), LockStatus.OK);
        });
        if (status == LockStatus.OK) {
            if (level == LeaseType.NONE) {
                listeners.remove(lease.id());
            }
            settled(lease.id());
        }
        return status;
    }

    /** Removes a lease; with {@code revoked}, tells its holder. OK or NOT_FOUND. */
    LockStatus remove(Lease lease, boolean revoked) {
        Optional<Lease> gone = store.update(lease.fileId(), s -> {
            Optional<Lease> cur = find(s, lease.id());
            FileLockState next = cur.isEmpty() ? s : s.withLeases(replace(s.leases(), lease.id(), null));
            return new LockStore.Update<>(next, cur);
        });
        BreakListener listener = listeners.remove(lease.id());
        settled(lease.id());
        if (gone.isEmpty()) {
            return LockStatus.NOT_FOUND;
        }
        if (revoked) {
            LOG.info("lease {} of {} on file {} revoked", lease.id(), lease.holder(), lease.fileId());
            notifyRevoked(listener, gone.get());
        }
        return LockStatus.OK;
    }

    /** Forgets leases the manager removed from the store itself (release of an owner, namespace or file). */
    void forgotten(Collection<Lease> removed) {
        for (Lease l : removed) {
            listeners.remove(l.id());
            settled(l.id());
        }
    }

    private PendingBreak pendingFor(long fileId, long leaseId) {
        PendingBreak[] created = new PendingBreak[1];
        PendingBreak p = pending.computeIfAbsent(leaseId, k -> created[0] = new PendingBreak());
        if (created[0] == p) {
            p.timeout = timer.schedule(breakTimeout, () -> timedOut(fileId, leaseId, p));
        }
        return p;
    }

    private void timedOut(long fileId, long leaseId, PendingBreak p) {
        if (pending.get(leaseId) != p) {
            return;
        }
        Optional<Lease> revoked = store.update(fileId, s -> {
            Optional<Lease> cur = find(s, leaseId).filter(Lease::isBreaking);
            FileLockState next = cur.isEmpty() ? s : s.withLeases(replace(s.leases(), leaseId, null));
            return new LockStore.Update<>(next, cur);
        });
        if (pending.remove(leaseId, p)) {
            p.done.complete(null);
        }
        if (revoked.isPresent()) {
            LOG.info("lease {} of {} on file {} revoked: break not acknowledged within {}", leaseId,
                    revoked.get().holder(), fileId, breakTimeout);
            notifyRevoked(listeners.remove(leaseId), revoked.get());
        }
    }

    private void settled(long leaseId) {
        PendingBreak p = pending.remove(leaseId);
        if (p != null) {
            LockTimer.Cancellable t = p.timeout;
            if (t != null) {
                t.cancel();
            }
            p.done.complete(null);
        }
    }

    private void notifyBreak(Lease lease) {
        BreakListener listener = listeners.get(lease.id());
        if (listener == null) {
            LOG.debug("lease {} breaking with no listener; it will time out", lease.id());
            return;
        }
        try {
            listener.onBreak(lease, lease.breakingTo());
        } catch (RuntimeException e) {
            LOG.error("break listener of lease {} failed; the lease will time out", lease.id(), e);
        }
    }

    private static void notifyRevoked(BreakListener listener, Lease lease) {
        if (listener == null) {
            return;
        }
        try {
            listener.onRevoked(lease);
        } catch (RuntimeException e) {
            LOG.error("revocation listener of lease {} failed", lease.id(), e);
        }
    }

    private static Optional<Lease> find(FileLockState s, long leaseId) {
        return s.leases().stream().filter(l -> l.id() == leaseId).findFirst();
    }

    /** The leases with the one of {@code leaseId} replaced by {@code with}, or removed if it is null. */
    private static List<Lease> replace(List<Lease> leases, long leaseId, Lease with) {
        List<Lease> out = new ArrayList<>();
        for (Lease l : leases) {
            if (l.id() != leaseId) {
                out.add(l);
            } else if (with != null) {
                out.add(with);
            }
        }
        return out;
    }
}
