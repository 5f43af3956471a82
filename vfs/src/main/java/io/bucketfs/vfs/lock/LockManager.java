package io.bucketfs.vfs.lock;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lock manager of the gateway: byte-range locks, share reservations and leases for NFS and SMB alike,
 * so an NFS lock blocks a conflicting SMB lock and the other way round. Files are named by their {@code long}
 * file id; holders by a {@link LockOwner}. Protocol-neutral: frontends map {@link LockStatus} to their own
 * status codes.
 *
 * <h2>Byte-range locks</h2>
 * Each lock records its {@link LockFlavor}. Locks of different owners conflict when their ranges overlap
 * ({@link ByteRange#overlaps}) and either is {@link LockType#WRITE}, whatever the flavours. Towards its own
 * locks, a POSIX owner never conflicts (its new lock replaces the range: upgrade and downgrade of a sub-range
 * split the old lock, adjacent locks of one type merge, unlocking a sub-range splits); an SMB owner follows
 * [MS-FSA] 2.1.4.10 (an exclusive request conflicts with all its overlapping locks, a shared one with none) and
 * unlocks exactly one lock of exactly the given offset and length ([MS-FSA] 2.1.5.9, else
 * {@link LockStatus#RANGE_NOT_LOCKED}). Range validation per flavour is in {@link ByteRange}; an invalid range
 * gives {@link LockStatus#INVALID_RANGE}. {@link #checkIo} is the SMB mandatory-locking check for READ/WRITE;
 * NFS I/O does not call it.
 *
 * <h2>Waiting</h2>
 * {@link #lock} never blocks its caller. Without {@code wait} the future completes at once (after lease
 * breaks, if any) with GRANTED or DENIED naming the conflicting lock with the lowest offset. With {@code wait}
 * the request joins its file's FIFO queue; whenever locks of the file are released the queue is scanned in
 * order and each waiter is granted if it conflicts neither with held locks nor with a waiter ahead of it (so a
 * stream of readers cannot starve a writer). Cancelling the future withdraws the request unless it was already
 * granted, in which case {@code cancel} returns false and the future completes GRANTED; completing it from
 * outside in any other way ({@code orTimeout}) counts as a cancel. Releasing the owner, its namespace or the
 * file completes waiters with {@link LockStatus#CANCELLED}. No deadlock detection.
 *
 * <h2>Share reservations</h2>
 * {@link #openShare} grants a {@link ShareReservation} unless its access bits meet another open's deny bits
 * or its deny bits meet another open's access bits, the same owner's opens included; then
 * {@link LockStatus#SHARE_VIOLATION} names the first such open. {@link #downgrade} may only drop bits.
 * {@link #canDelete} answers whether any open denies DELETE. {@link #openHandle} records an open that takes
 * part in no sharing (an SMB open for attributes only), so that it still counts as an open of the file.
 *
 * <h2>Delete-pending</h2>
 * An open may mark its file delete-pending ({@link #setDeletePending}, [MS-FSA] 2.1.5.14.3 and 2.1.5.4: SMB
 * FileDispositionInformation, or the close of a DELETE_ON_CLOSE open) and clear the mark again before the file's
 * last open closes. While the mark is set, every new open of the file ({@link #openShare}, {@link #openHandle},
 * {@link #upgrade}) is refused with {@link LockStatus#DELETE_PENDING}, whatever the protocol. When the last
 * reservation of a delete-pending file goes (close, or release of its owner or namespace), the listener given to
 * {@link #onDeletePendingClosed} is called with the file id (the VFS removes the file there) and the mark is
 * cleared after it returns. The mark is volatile, as on Windows: it lives with the opens, and after a restart
 * there are neither.
 *
 * <h2>Leases</h2>
 * A {@link Lease} is held by a namespace. A byte-range lock, an open, or an operation announced with
 * {@link #breakLeases} by an owner of another namespace first breaks conflicting leases ({@link BreakIntent}):
 * the holder's {@link BreakListener} is called and the operation proceeds once every conflicting lease is
 * acknowledged, returned, or revoked after the break timeout. The operation re-checks the leases atomically
 * with its own change, so a lease granted meanwhile is broken too.
 *
 * <h2>Storage and threads</h2>
 * All state is in a {@link LockStore}; every rule runs as a pure mutation inside {@link LockStore#update}, so
 * the store may be replaced by a distributed one. Only what cannot leave the process stays here: wait queues,
 * futures, break listeners. Thread-safe. Lock order (outer to inner): a file's wait-queue monitor, a
 * {@link LockFuture}'s monitor, the store's per-file lock. Futures are completed and listeners called with no
 * lock held, so callbacks may call back into the manager.
 */
public final class LockManager {

    /** Default time a lease holder has to acknowledge a break (the SMB oplock break timeout). */
    public static final long DEFAULT_BREAK_TIMEOUT_MILLIS = 35_000;

    private static final Logger LOG = LoggerFactory.getLogger(LockManager.class);

    private final LockStore store;
    private final Leases leases;
    private final ConcurrentHashMap<Long, WaitQueue> queues = new ConcurrentHashMap<>();
    /** Every lock future not yet DONE, for cancelling by owner or file. */
    private final Set<LockFuture> inFlight = ConcurrentHashMap.newKeySet();
    /** Told of the last close of a delete-pending file (see {@link #onDeletePendingClosed}). */
    private volatile LongConsumer deletePendingClosed = fileId -> { };

    /** A file's waiting lock requests in arrival order; dead once empty and unmapped. Guarded by itself. */
    private static final class WaitQueue {
        final ArrayDeque<LockFuture> waiters = new ArrayDeque<>();
        boolean dead;
    }

    /** The outcome of one grant attempt: a result, or blocked (by a lease, a held lock, a waiter ahead). */
    private record Attempt(LockResult result, boolean leaseBlocked) {
        static final Attempt LEASE_BLOCKED = new Attempt(null, true);

        boolean granted() {
            return result != null && result.status() == LockStatus.GRANTED;
        }
    }

    /**
     * @param store where lock state lives
     * @param timer runs lease-break timeouts
     * @param breakTimeout how long a lease holder has to acknowledge a break before the lease is revoked
     */
    public LockManager(LockStore store, LockTimer timer, Duration breakTimeout) {
        this.store = Objects.requireNonNull(store, "store");
        this.leases = new Leases(store, Objects.requireNonNull(timer, "timer"),
                Objects.requireNonNull(breakTimeout, "breakTimeout"));
    }

    // ---------------------------------------------------------------- byte-range locks

    /**
     * Requests a byte-range lock (NFS LOCK, SMB2 LOCK element). Breaks other namespaces' leases first.
     *
     * @param length for POSIX, {@link ByteRange#TO_EOF} means to end of file
     * @param wait queue until grantable instead of answering DENIED
     * @return completes with GRANTED, DENIED (with the conflict), INVALID_RANGE or CANCELLED; the calling
     *     thread is never blocked. SMB LockKey is not modelled: the SMB frontend's owner is the open.
     */
    public CompletableFuture<LockResult> lock(long fileId, LockOwner owner, LockFlavor flavor, LockType type,
            long offset, long length, boolean wait) {
        Optional<ByteRange> range = ByteRange.of(flavor, offset, length);
        if (range.isEmpty()) {
            return CompletableFuture.completedFuture(LockResult.INVALID_RANGE);
        }
        LockFuture f = new LockFuture(new ByteRangeLock(fileId, owner, flavor, type, range.get()), wait,
                this::abandoned);
        inFlight.add(f);
        attempt(f);
        return f;
    }

    /**
     * Releases a range (NFS LOCKU, SMB2 LOCK with UNLOCK). POSIX: the owner's locks lose the range, OK even if
     * nothing was locked. SMB: removes the owner's lock of exactly this offset and length, else
     * RANGE_NOT_LOCKED. Waiters that can now be granted are granted before this returns.
     */
    public LockResult unlock(long fileId, LockOwner owner, LockFlavor flavor, long offset, long length) {
        Optional<ByteRange> parsed = ByteRange.of(flavor, offset, length);
        if (parsed.isEmpty()) {
            return LockResult.INVALID_RANGE;
        }
        ByteRange range = parsed.get();
        LockResult result = store.update(fileId, s -> {
            if (flavor == LockFlavor.POSIX) {
                return new LockStore.Update<>(s.withLocks(RangeRules.posixUnlock(s.locks(), owner, range)),
                        LockResult.OK);
            }
            return RangeRules.smbUnlock(s.locks(), owner, range)
                    .map(locks -> new LockStore.Update<>(s.withLocks(locks), LockResult.OK))
                    .orElseGet(() -> new LockStore.Update<>(s, LockResult.RANGE_NOT_LOCKED));
        });
        if (result.isSuccess()) {
            drain(fileId);
        }
        return result;
    }

    /**
     * Whether a lock would be granted now (NFS LOCKT), without taking it or breaking leases: GRANTED, DENIED
     * with the conflicting lock of lowest offset, or INVALID_RANGE.
     */
    public LockResult test(long fileId, LockOwner owner, LockFlavor flavor, LockType type, long offset,
            long length) {
        Optional<ByteRange> range = ByteRange.of(flavor, offset, length);
        if (range.isEmpty()) {
            return LockResult.INVALID_RANGE;
        }
        return RangeRules.firstConflict(store.read(fileId).locks(), owner, flavor, type, range.get())
                .map(LockResult::denied).orElse(LockResult.GRANTED);
    }

    /**
     * The mandatory-locking check of an SMB READ or WRITE ([MS-FSA] 2.1.4.10): OK, IO_CONFLICT with the
     * conflicting lock, or INVALID_RANGE (SMB range rules). Exclusive locks of other owners forbid reads and
     * writes; shared locks forbid writes by other owners and SMB shared locks also by their own owner. Does not
     * break leases: call {@link #breakLeases} for that. A zero-length read or write touches no byte and never
     * conflicts ([MS-FSA] 2.1.5.2/2.1.5.3 complete it before the lock check).
     */
    public LockResult checkIo(long fileId, LockOwner owner, long offset, long length, boolean write) {
        Optional<ByteRange> range = ByteRange.smb(offset, length);
        if (range.isEmpty()) {
            return LockResult.INVALID_RANGE;
        }
        if (length == 0) {
            return LockResult.OK;
        }
        return RangeRules.firstIoConflict(store.read(fileId).locks(), owner, range.get(), write)
                .map(LockResult::ioConflict).orElse(LockResult.OK);
    }

    /** The byte-range locks held on a file, of every owner and flavour. */
    public List<ByteRangeLock> locks(long fileId) {
        return store.read(fileId).locks();
    }

    private void attempt(LockFuture f) {
        if (!f.isPending()) {
            return;
        }
        long fileId = f.request.fileId();
        CompletableFuture<Void> breaks = leases.breakFor(fileId, f.request.owner(), BreakIntent.WRITE);
        if (!breaks.isDone()) {
            breaks.whenComplete((v, e) -> attempt(f));
        } else if (!f.waits) {
            tryNow(f);
        } else if (enqueue(f)) {
            drain(fileId);
        }
    }

    private void tryNow(LockFuture f) {
        Attempt a;
        synchronized (f) {
            if (f.state != LockFuture.State.PENDING) {
                return;
            }
            a = store.update(f.request.fileId(), s -> tryGrant(s, f.request, List.of()));
            if (!a.leaseBlocked()) {
                f.state = LockFuture.State.DONE;
            }
        }
        if (a.leaseBlocked()) {
            attempt(f);
        } else {
            finish(f, a.result());
        }
    }

    /** The pure grant rule: lease check, conflicts with held locks, then with waiters ahead. */
    private static LockStore.Update<Attempt> tryGrant(FileLockState s, ByteRangeLock req,
            List<ByteRangeLock> ahead) {
        if (Leases.anyBlocks(s.leases(), req.owner(), BreakIntent.WRITE)) {
            return new LockStore.Update<>(s, Attempt.LEASE_BLOCKED);
        }
        Optional<ByteRangeLock> conflict =
                RangeRules.firstConflict(s.locks(), req.owner(), req.flavor(), req.type(), req.range());
        if (conflict.isPresent()) {
            return new LockStore.Update<>(s, new Attempt(LockResult.denied(conflict.get()), false));
        }
        for (ByteRangeLock earlier : ahead) {
            if (RangeRules.lockConflicts(earlier, req.owner(), req.flavor(), req.type(), req.range())) {
                return new LockStore.Update<>(s, new Attempt(null, false));
            }
        }
        List<ByteRangeLock> locks;
        if (req.flavor() == LockFlavor.POSIX) {
            locks = RangeRules.posixLock(s.locks(), req);
        } else {
            locks = new ArrayList<>(s.locks());
            locks.add(req);
        }
        return new LockStore.Update<>(s.withLocks(locks), new Attempt(LockResult.GRANTED, false));
    }

    private boolean enqueue(LockFuture f) {
        long fileId = f.request.fileId();
        while (true) {
            WaitQueue q = queues.computeIfAbsent(fileId, k -> new WaitQueue());
            synchronized (q) {
                if (q.dead) {
                    continue;
                }
                synchronized (f) {
                    if (f.state != LockFuture.State.PENDING) {
                        return false;
                    }
                    f.state = LockFuture.State.QUEUED;
                }
                q.waiters.add(f);
                return true;
            }
        }
    }

    /** Grants, in FIFO order, every waiter of the file that fits now; drops withdrawn ones. */
    private void drain(long fileId) {
        WaitQueue q = queues.get(fileId);
        if (q == null) {
            return;
        }
        List<LockFuture> granted = new ArrayList<>();
        Set<LockOwner> leaseBlocked = new LinkedHashSet<>();
        synchronized (q) {
            if (q.dead) {
                return;
            }
            List<ByteRangeLock> ahead = new ArrayList<>();
            for (Iterator<LockFuture> it = q.waiters.iterator(); it.hasNext(); ) {
                LockFuture f = it.next();
                synchronized (f) {
                    if (f.state != LockFuture.State.QUEUED) {
                        it.remove();
                        continue;
                    }
                    Attempt a = store.update(fileId, s -> tryGrant(s, f.request, ahead));
                    if (a.granted()) {
                        f.state = LockFuture.State.DONE;
                        it.remove();
                        granted.add(f);
                    } else {
                        ahead.add(f.request);
                        if (a.leaseBlocked()) {
                            leaseBlocked.add(f.request.owner());
                        }
                    }
                }
            }
            if (q.waiters.isEmpty()) {
                q.dead = true;
                queues.remove(fileId, q);
            }
        }
        granted.forEach(f -> finish(f, LockResult.GRANTED));
        for (LockOwner owner : leaseBlocked) {
            leases.breakFor(fileId, owner, BreakIntent.WRITE).whenComplete((v, e) -> drain(fileId));
        }
    }

    private void finish(LockFuture f, LockResult result) {
        inFlight.remove(f);
        LOG.debug("{} {} {} {} on file {}: {}", f.request.owner(), f.request.flavor(), f.request.type(),
                f.request.range(), f.request.fileId(), result.status());
        f.deliver(result);
    }

    /** A future cancelled from outside: forget it and let those queued behind it move up. */
    private void abandoned(LockFuture f) {
        inFlight.remove(f);
        drain(f.request.fileId());
    }

    private void cancelWaiters(Predicate<LockFuture> which) {
        List<LockFuture> cancelled = new ArrayList<>();
        for (LockFuture f : inFlight) {
            if (!which.test(f)) {
                continue;
            }
            synchronized (f) {
                if (f.state == LockFuture.State.DONE) {
                    continue;
                }
                f.state = LockFuture.State.DONE;
            }
            cancelled.add(f);
        }
        for (LockFuture f : cancelled) {
            finish(f, LockResult.CANCELLED);
            drain(f.request.fileId());
        }
    }

    // ---------------------------------------------------------------- share reservations

    /**
     * Opens a share reservation (NFS OPEN share_access/share_deny, SMB CREATE DesiredAccess/ShareAccess), after
     * breaking conflicting leases of other namespaces (READ intent for a read-only open without deny bits,
     * else WRITE). Never waits for other opens.
     *
     * @return completes with GRANTED and the reservation, or SHARE_VIOLATION naming the first conflicting open
     */
    public CompletableFuture<ShareResult> openShare(long fileId, LockOwner owner, Set<ShareAccess> access,
            Set<ShareAccess> deny) {
        Objects.requireNonNull(owner, "owner");
        Set<ShareAccess> a = copy(access);
        Set<ShareAccess> d = copy(deny);
        BreakIntent intent = a.contains(ShareAccess.WRITE) || a.contains(ShareAccess.DELETE) || !d.isEmpty()
                ? BreakIntent.WRITE : BreakIntent.READ;
        return openShare(fileId, owner, a, d, intent);
    }

    /**
     * {@link #openShare(long, LockOwner, Set, Set)} breaking leases for {@code intent} whatever the access:
     * an SMB open breaks EXCLUSIVE and BATCH oplocks to LEVEL_II unless it overwrites ([MS-FSA] 2.1.5.1.2),
     * its writes break what is left.
     */
    public CompletableFuture<ShareResult> openShare(long fileId, LockOwner owner, Set<ShareAccess> access,
            Set<ShareAccess> deny, BreakIntent intent) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(intent, "intent");
        Set<ShareAccess> a = copy(access);
        Set<ShareAccess> d = copy(deny);
        CompletableFuture<ShareResult> out = new CompletableFuture<>();
        openAttempt(out, fileId, owner, a, d, intent, -1);
        return out;
    }

    /**
     * A new open by the holder of reservation {@code replacedShareId} that takes its place (NFS OPEN upgrade,
     * RFC 8881 9.11): granted with a new reservation of {@code access}/{@code deny} as if the old one were gone,
     * which goes in the same step; refused (SHARE_VIOLATION, DELETE_PENDING, or NOT_FOUND when the old one is not
     * held), the old one stays. Breaks leases as {@link #openShare(long, LockOwner, Set, Set)}.
     */
    public CompletableFuture<ShareResult> upgrade(long fileId, long replacedShareId, LockOwner owner,
            Set<ShareAccess> access, Set<ShareAccess> deny) {
        Objects.requireNonNull(owner, "owner");
        Set<ShareAccess> a = copy(access);
        Set<ShareAccess> d = copy(deny);
        BreakIntent intent = a.contains(ShareAccess.WRITE) || a.contains(ShareAccess.DELETE) || !d.isEmpty()
                ? BreakIntent.WRITE : BreakIntent.READ;
        CompletableFuture<ShareResult> out = new CompletableFuture<>();
        openAttempt(out, fileId, owner, a, d, intent, replacedShareId);
        return out;
    }

    /**
     * Records an open that takes part in no sharing (an SMB open without data or delete access): it conflicts
     * with no open, breaks and blocks no lease, and counts only as an open of the file for delete-pending's last
     * close. GRANTED with its reservation (no bits; close it with {@link #close}), or DELETE_PENDING.
     */
    public ShareResult openHandle(long fileId, LockOwner owner) {
        Objects.requireNonNull(owner, "owner");
        long id = store.nextId();
        return store.update(fileId, s -> {
            if (s.deletePending()) {
                return new LockStore.Update<>(s, ShareResult.of(LockStatus.DELETE_PENDING));
            }
            ShareReservation mine = new ShareReservation(id, fileId, owner, Set.of(), Set.of());
            List<ShareReservation> shares = new ArrayList<>(s.shares());
            shares.add(mine);
            return new LockStore.Update<>(s.withShares(shares), ShareResult.granted(mine));
        });
    }

    private void openAttempt(CompletableFuture<ShareResult> out, long fileId, LockOwner owner,
            Set<ShareAccess> access, Set<ShareAccess> deny, BreakIntent intent, long replaces) {
        if (out.isDone()) {
            return;
        }
        if (store.read(fileId).deletePending()) { // refused before any lease is broken for it
            out.complete(ShareResult.of(LockStatus.DELETE_PENDING));
            return;
        }
        CompletableFuture<Void> breaks = leases.breakFor(fileId, owner, intent);
        if (!breaks.isDone()) {
            breaks.whenComplete((v, e) -> openAttempt(out, fileId, owner, access, deny, intent, replaces));
            return;
        }
        long id = store.nextId();
        Optional<ShareResult> result = store.update(fileId, s -> grantShare(s,
                new ShareReservation(id, fileId, owner, access, deny), intent, replaces));
        if (result.isEmpty()) {
            openAttempt(out, fileId, owner, access, deny, intent, replaces);
        } else if (!out.complete(result.get()) && result.get().status() == LockStatus.GRANTED) {
            close(fileId, id);
        }
    }

    /** The pure grant rule of an open: empty while a lease blocks it. */
    private static LockStore.Update<Optional<ShareResult>> grantShare(FileLockState s, ShareReservation mine,
            BreakIntent intent, long replaces) {
        if (s.deletePending()) {
            return new LockStore.Update<>(s, Optional.of(ShareResult.of(LockStatus.DELETE_PENDING)));
        }
        if (Leases.anyBlocks(s.leases(), mine.owner(), intent)) {
            return new LockStore.Update<>(s, Optional.empty());
        }
        List<ShareReservation> shares = new ArrayList<>(s.shares());
        if (replaces >= 0 && !shares.removeIf(r -> r.id() == replaces)) {
            return new LockStore.Update<>(s, Optional.of(ShareResult.of(LockStatus.NOT_FOUND)));
        }
        for (ShareReservation r : shares) {
            if (!r.compatibleWith(mine.access(), mine.deny())) {
                return new LockStore.Update<>(s, Optional.of(ShareResult.violation(r)));
            }
        }
        shares.add(mine);
        return new LockStore.Update<>(s.withShares(shares), Optional.of(ShareResult.granted(mine)));
    }

    /**
     * Drops bits from an open (NFS OPEN_DOWNGRADE): GRANTED with the new reservation (same id), NOT_FOUND, or
     * INVALID_ARGUMENT if the new bits are not subsets of the held ones.
     */
    public ShareResult downgrade(long fileId, long shareId, Set<ShareAccess> access, Set<ShareAccess> deny) {
        Set<ShareAccess> a = copy(access);
        Set<ShareAccess> d = copy(deny);
        return store.update(fileId, s -> {
            List<ShareReservation> shares = new ArrayList<>(s.shares());
            for (int i = 0; i < shares.size(); i++) {
                ShareReservation r = shares.get(i);
                if (r.id() != shareId) {
                    continue;
                }
                if (!r.access().containsAll(a) || !r.deny().containsAll(d)) {
                    return new LockStore.Update<>(s, ShareResult.of(LockStatus.INVALID_ARGUMENT));
                }
                ShareReservation down = new ShareReservation(shareId, fileId, r.owner(), a, d);
                shares.set(i, down);
                return new LockStore.Update<>(s.withShares(shares), ShareResult.granted(down));
            }
            return new LockStore.Update<>(s, ShareResult.of(LockStatus.NOT_FOUND));
        });
    }

    /**
     * Closes an open's reservation: OK or NOT_FOUND. Its owner's byte-range locks stay. The last close of a
     * delete-pending file calls the {@link #onDeletePendingClosed} listener before it returns.
     */
    public ShareResult close(long fileId, long shareId) {
        Closed<ShareResult> closed = store.update(fileId, s -> {
            List<ShareReservation> shares = new ArrayList<>(s.shares());
            boolean removed = shares.removeIf(r -> r.id() == shareId);
            return removed ? new LockStore.Update<>(s.withShares(shares),
                    new Closed<>(ShareResult.of(LockStatus.OK), shares.isEmpty() && s.deletePending()))
                    : new LockStore.Update<>(s, new Closed<>(ShareResult.of(LockStatus.NOT_FOUND), false));
        });
        if (closed.lastOfDeletePending()) {
            lastClosed(fileId);
        }
        return closed.result();
    }

    /** What a close or release did: its result, and whether it closed the last open of a delete-pending file. */
    private record Closed<R>(R result, boolean lastOfDeletePending) {
    }

    // ---------------------------------------------------------------- delete-pending

    /**
     * Sets or clears the delete-pending mark of a file on behalf of the open holding reservation {@code shareId}
     * (see the class comment): OK, or NOT_FOUND when that reservation is not held. Access checks are the
     * caller's (the VFS's {@code setDeletePending}).
     */
    public LockStatus setDeletePending(long fileId, long shareId, boolean pending) {
        return store.update(fileId, s -> s.shares().stream().anyMatch(r -> r.id() == shareId)
                ? new LockStore.Update<>(s.withDeletePending(pending), LockStatus.OK)
                : new LockStore.Update<>(s, LockStatus.NOT_FOUND));
    }

    /** Whether the file is delete-pending: new opens of it are refused. */
    public boolean isDeletePending(long fileId) {
        return store.read(fileId).deletePending();
    }

    /**
     * Who removes a delete-pending file at its last close: called with the file id, in the thread that closed,
     * with no lock held; new opens of the file stay refused until it returns. One listener; the last one given
     * wins.
     */
    public void onDeletePendingClosed(LongConsumer listener) {
        deletePendingClosed = Objects.requireNonNull(listener, "listener");
    }

    private void lastClosed(long fileId) {
        try {
            deletePendingClosed.accept(fileId);
        } catch (RuntimeException e) {
            LOG.error("removing delete-pending file {} at its last close failed", fileId, e);
        } finally {
            store.update(fileId, s -> new LockStore.Update<>(s.shares().isEmpty() ? s.withDeletePending(false) : s,
                    null));
        }
    }

    /** Whether no open of the file denies DELETE, so it may be removed or renamed. */
    public boolean canDelete(long fileId) {
        return canDelete(fileId, -1);
    }

    /** {@link #canDelete(long)} ignoring the reservation {@code exceptShareId} (the open that deletes or renames). */
    public boolean canDelete(long fileId, long exceptShareId) {
        return store.read(fileId).shares().stream()
                .noneMatch(r -> r.id() != exceptShareId && r.deny().contains(ShareAccess.DELETE));
    }

    /** The open share reservations of a file. */
    public List<ShareReservation> shares(long fileId) {
        return store.read(fileId).shares();
    }

    private static Set<ShareAccess> copy(Set<ShareAccess> bits) {
        return bits.isEmpty() ? Collections.emptySet() : EnumSet.copyOf(bits);
    }

    // ---------------------------------------------------------------- leases

    /**
     * Grants a READ or WRITE lease to {@code holder}'s namespace, replacing (same id) a lease the same holder
     * already has on the file. LEASE_CONFLICT while any lease of the file is breaking, or other namespaces hold
     * byte-range locks, or (WRITE) any lease or open, or (READ) a WRITE lease or an open with WRITE access.
     * INVALID_ARGUMENT for NONE.
     */
    public LeaseResult grantLease(long fileId, LockOwner holder, LeaseType type, BreakListener listener) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(listener, "listener");
        return leases.grant(fileId, holder, type, false, listener);
    }

    /**
     * {@link #grantLease(long, LockOwner, LeaseType, BreakListener)}, where with {@code writersBreak} a READ
     * lease is granted despite other namespaces' opens with WRITE access: their writers break it before each
     * write ({@link #breakLeases}), as SMB level II oplocks and R leases are ([MS-FSA] 2.1.5.17).
     */
    public LeaseResult grantLease(long fileId, LockOwner holder, LeaseType type, boolean writersBreak,
            BreakListener listener) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(listener, "listener");
        return leases.grant(fileId, holder, type, writersBreak, listener);
    }

    /**
     * Breaks the leases of other namespaces that conflict with what {@code by} is about to do, and waits for
     * them: the future completes once every such lease is acknowledged, returned or revoked (at most the break
     * timeout). Call before operations the manager does not see itself (WRITE, SETATTR size, REMOVE, RENAME).
     */
    public CompletableFuture<Void> breakLeases(long fileId, LockOwner by, BreakIntent intent) {
        return leases.breakFor(fileId, by, intent);
    }

    /**
     * The holder acknowledges a break (SMB lease break acknowledgment), keeping {@code level} (at most the
     * break's target; NONE drops the lease): OK, NOT_FOUND, or INVALID_ARGUMENT if no break is in progress or
     * the level is too high.
     */
    public LockStatus acknowledgeBreak(Lease lease, LeaseType level) {
        return leases.acknowledge(lease, level);
    }

    /** The holder gives a lease back (NFS DELEGRETURN, SMB close of the last handle): OK or NOT_FOUND. */
    public LockStatus returnLease(Lease lease) {
        return leases.remove(lease, false);
    }

    /** Takes a lease away (administrative revoke, expiry); the holder's listener hears onRevoked. */
    public LockStatus revokeLease(Lease lease) {
        return leases.remove(lease, true);
    }

    /** The leases on a file, breaking ones included. */
    public List<Lease> leases(long fileId) {
        return store.read(fileId).leases();
    }

    // ---------------------------------------------------------------- release

    /** Everything {@code owner} holds or waits for goes: locks, reservations, leases (SMB close, NFS release). */
    public void releaseOwner(LockOwner owner) {
        release(owner.namespace(), o -> o.equals(owner));
    }

    /** Everything held or awaited by owners of a namespace goes (NFS client expiry, SMB logoff). */
    public void releaseNamespace(String namespace) {
        release(namespace, o -> o.namespace().equals(namespace));
    }

    /** Everything on a file goes (the file was removed); its waiters complete CANCELLED. */
    public void releaseFile(long fileId) {
        cancelWaiters(f -> f.request.fileId() == fileId);
        List<Lease> dropped = store.update(fileId, s -> new LockStore.Update<>(FileLockState.EMPTY, s.leases()));
        leases.forgotten(dropped);
    }

    private void release(String namespace, Predicate<LockOwner> gone) {
        cancelWaiters(f -> gone.test(f.request.owner()));
        for (long fileId : store.filesOf(namespace)) {
            Closed<List<Lease>> released = store.update(fileId, s -> {
                List<Lease> removed = s.leases().stream().filter(l -> gone.test(l.holder())).toList();
                FileLockState next = new FileLockState(
                        s.locks().stream().filter(l -> !gone.test(l.owner())).toList(),
                        s.shares().stream().filter(r -> !gone.test(r.owner())).toList(),
                        s.leases().stream().filter(l -> !gone.test(l.holder())).toList(), s.deletePending());
                return new LockStore.Update<>(next, new Closed<>(removed,
                        s.deletePending() && !s.shares().isEmpty() && next.shares().isEmpty()));
            });
            leases.forgotten(released.result());
            drain(fileId);
            if (released.lastOfDeletePending()) {
                lastClosed(fileId);
            }
        }
    }
}
