package io.bucketfs.vfs.lock;

import static io.bucketfs.vfs.lock.LockManagerContractTest.A;
import static io.bucketfs.vfs.lock.LockManagerContractTest.B;
import static io.bucketfs.vfs.lock.LockManagerContractTest.BREAK_TIMEOUT;
import static io.bucketfs.vfs.lock.LockManagerContractTest.C;
import static io.bucketfs.vfs.lock.LockManagerContractTest.F;
import static io.bucketfs.vfs.lock.ShareAccess.DELETE;
import static io.bucketfs.vfs.lock.ShareAccess.READ;
import static io.bucketfs.vfs.lock.ShareAccess.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The share-reservation and lease contract of {@link LockManager}, run once per {@link LockStore}
 * implementation. Lease timeouts run on a {@link ManualTimer}.
 */
@Timeout(10)
public abstract class ShareLeaseContractTest {

    private ManualTimer timer;
    private LockManager lm;

    /** A fresh, empty store of the implementation under test. */
    protected abstract LockStore newStore();

    @BeforeEach
    void setUpManager() {
        timer = new ManualTimer();
        lm = new LockManager(newStore(), timer, BREAK_TIMEOUT);
    }

    /** Records breaks; acknowledges nothing unless told to. */
    static final class Recorder implements BreakListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onBreak(Lease lease, LeaseType breakTo) {
            events.add("break " + lease.type() + "->" + breakTo);
        }

        @Override
        public void onRevoked(Lease lease) {
            events.add("revoked " + lease.type());
        }
    }

    ShareResult open(LockManager m, LockOwner o, Set<ShareAccess> access, Set<ShareAccess> deny) {
        CompletableFuture<ShareResult> f = m.openShare(F, o, access, deny);
        assertTrue(f.isDone(), "no lease to break, so the open completes at once");
        return f.join();
    }

    ShareResult open(LockOwner o, Set<ShareAccess> access, Set<ShareAccess> deny) {
        return open(lm, o, access, deny);
    }

    Lease lease(LockOwner holder, LeaseType type, BreakListener l) {
        LeaseResult r = lm.grantLease(F, holder, type, l);
        assertEquals(LockStatus.GRANTED, r.status());
        return r.lease().orElseThrow();
    }

    static Set<ShareAccess> bits(int mask) {
        Set<ShareAccess> out = EnumSet.noneOf(ShareAccess.class);
        for (ShareAccess a : ShareAccess.values()) {
            if ((mask & (1 << a.ordinal())) != 0) {
                out.add(a);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- share reservations

    @Test
    void shareMatrixFollowsAccessAgainstDeny() {
        for (int a1 = 0; a1 < 8; a1++) {
            for (int d1 = 0; d1 < 8; d1++) {
                for (int a2 = 0; a2 < 8; a2++) {
                    for (int d2 = 0; d2 < 8; d2++) {
                        boolean clash = (a1 & d2) != 0 || (d1 & a2) != 0;
                        for (LockOwner second : List.of(A, B)) {
                            LockManager m = new LockManager(newStore(), timer, BREAK_TIMEOUT);
                            assertEquals(LockStatus.GRANTED, open(m, A, bits(a1), bits(d1)).status());
                            ShareResult r = open(m, second, bits(a2), bits(d2));
                            String what = bits(a1) + "/" + bits(d1) + " then " + bits(a2) + "/" + bits(d2);
                            assertEquals(clash ? LockStatus.SHARE_VIOLATION : LockStatus.GRANTED, r.status(), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void violationNamesTheConflictingOpen() {
        ShareReservation first = open(A, Set.of(READ), Set.of(WRITE)).reservation().orElseThrow();
        ShareResult r = open(B, Set.of(WRITE), Set.of());
        assertEquals(LockStatus.SHARE_VIOLATION, r.status());
        assertEquals(first, r.conflict().orElseThrow());
        assertEquals(LockStatus.GRANTED, open(B, Set.of(READ), Set.of()).status());
        assertEquals(LockStatus.SHARE_VIOLATION, open(C, Set.of(READ), Set.of(READ)).status());
        assertEquals(LockStatus.SHARE_VIOLATION, open(A, Set.of(WRITE), Set.of()).status(), "same owner too");
        assertEquals(2, lm.shares(F).size());
    }

    @Test
    void downgradeOnlyDropsBits() {
        ShareReservation r = open(A, Set.of(READ, WRITE), Set.of(WRITE)).reservation().orElseThrow();
        assertEquals(LockStatus.SHARE_VIOLATION, open(B, Set.of(WRITE), Set.of()).status());
        assertEquals(LockStatus.INVALID_ARGUMENT, lm.downgrade(F, r.id(), Set.of(READ, DELETE), Set.of()).status());
        assertEquals(LockStatus.INVALID_ARGUMENT, lm.downgrade(F, r.id(), Set.of(READ), Set.of(READ)).status());
        ShareResult down = lm.downgrade(F, r.id(), Set.of(READ), Set.of());
        assertEquals(LockStatus.GRANTED, down.status());
        assertEquals(r.id(), down.reservation().orElseThrow().id());
        assertEquals(Set.of(READ), down.reservation().get().access());
        assertEquals(LockStatus.GRANTED, open(B, Set.of(WRITE), Set.of()).status());
        assertEquals(LockStatus.NOT_FOUND, lm.downgrade(F, 999_999, Set.of(), Set.of()).status());
    }

    @Test
    void closeReleasesTheReservation() {
        ShareReservation r = open(A, Set.of(READ), Set.of(READ, WRITE, DELETE)).reservation().orElseThrow();
        assertEquals(LockStatus.SHARE_VIOLATION, open(B, Set.of(READ), Set.of()).status());
        assertEquals(LockStatus.OK, lm.close(F, r.id()).status());
        assertEquals(LockStatus.NOT_FOUND, lm.close(F, r.id()).status());
        assertEquals(LockStatus.GRANTED, open(B, Set.of(READ), Set.of()).status());
    }

    @Test
    void canDeleteWhileNoOpenDeniesDelete() {
        assertTrue(lm.canDelete(F));
        ShareReservation r = open(A, Set.of(READ), Set.of(DELETE)).reservation().orElseThrow();
        open(B, Set.of(READ), Set.of(WRITE));
        assertFalse(lm.canDelete(F));
        assertTrue(lm.canDelete(F + 1));
        assertFalse(lm.canDelete(F, r.id() + 1000));
        lm.close(F, r.id());
        assertTrue(lm.canDelete(F));
    }

    @Test
    void theDeletingOpenItselfIsNotInTheWay() {
        ShareReservation r = open(A, Set.of(DELETE), Set.of(DELETE)).reservation().orElseThrow();
        assertFalse(lm.canDelete(F));
        assertTrue(lm.canDelete(F, r.id()));
        // no other open can deny DELETE meanwhile: the deleting open holds DELETE access
        assertEquals(LockStatus.SHARE_VIOLATION, open(B, Set.of(READ), Set.of(DELETE)).status());
    }

    @Test
    void releasingAnOwnerClosesItsOpens() {
        open(A, Set.of(READ), Set.of(WRITE, DELETE));
        open(new LockOwner(A.namespace(), "other"), Set.of(READ), Set.of());
        lm.releaseOwner(A);
        assertEquals(1, lm.shares(F).size());
        assertEquals(LockStatus.GRANTED, open(B, Set.of(WRITE), Set.of()).status());
        lm.releaseNamespace(A.namespace());
        assertEquals(List.of(B), lm.shares(F).stream().map(ShareReservation::owner).toList());
    }

    // ---------------------------------------------------------------- leases

    @Test
    void writeOpenBreaksAReadLeaseAndWaitsForTheAck() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.READ, rec);
        CompletableFuture<ShareResult> f = lm.openShare(F, B, Set.of(WRITE), Set.of());
        assertFalse(f.isDone());
        assertEquals(List.of("break READ->NONE"), rec.events);
        assertTrue(lm.leases(F).get(0).isBreaking());
        assertEquals(LockStatus.OK, lm.acknowledgeBreak(l, LeaseType.NONE));
        assertEquals(LockStatus.GRANTED, f.getNow(null).status());
        assertEquals(List.of(), lm.leases(F));
    }

    @Test
    void readOpenBreaksAWriteLeaseToRead() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.WRITE, rec);
        CompletableFuture<ShareResult> f = lm.openShare(F, B, Set.of(READ), Set.of());
        assertEquals(List.of("break WRITE->READ"), rec.events);
        assertEquals(LockStatus.INVALID_ARGUMENT, lm.acknowledgeBreak(l, LeaseType.WRITE));
        assertFalse(f.isDone());
        assertEquals(LockStatus.OK, lm.acknowledgeBreak(l, LeaseType.READ));
        assertEquals(LockStatus.GRANTED, f.getNow(null).status());
        Lease now = lm.leases(F).get(0);
        assertEquals(LeaseType.READ, now.type());
        assertFalse(now.isBreaking());
        assertEquals(LockStatus.INVALID_ARGUMENT, lm.acknowledgeBreak(now, LeaseType.NONE), "no break in progress");
    }

    @Test
    void leasesSurviveCompatibleAndOwnNamespaceOperations() {
        Recorder rec = new Recorder();
        lease(A, LeaseType.READ, rec);
        assertEquals(LockStatus.GRANTED, open(B, Set.of(READ), Set.of()).status());
        LockOwner a2 = new LockOwner(A.namespace(), "another-open");
        assertEquals(LockStatus.GRANTED, open(a2, Set.of(READ, WRITE), Set.of()).status());
        assertTrue(lm.lock(F, a2, LockFlavor.POSIX, LockType.WRITE, 0, 1, false).isDone());
        assertTrue(lm.breakLeases(F, C, BreakIntent.READ).isDone());
        assertEquals(List.of(), rec.events);
    }

    @Test
    void aLockOfAnotherNamespaceBreaksLeases() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.WRITE, rec);
        CompletableFuture<LockResult> f = lm.lock(F, B, LockFlavor.SMB, LockType.READ, 0, 10, false);
        assertFalse(f.isDone(), "waits for the break even though it would not wait for locks");
        assertEquals(List.of("break WRITE->NONE"), rec.events);
        assertEquals(LockStatus.OK, lm.returnLease(l));
        assertEquals(LockStatus.GRANTED, f.getNow(null).status());
        assertEquals(LockStatus.NOT_FOUND, lm.returnLease(l));
    }

    @Test
    void anUnansweredBreakTimesOutAndRevokes() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.WRITE, rec);
        CompletableFuture<Void> w = lm.breakLeases(F, B, BreakIntent.WRITE);
        timer.advance(BREAK_TIMEOUT.minusSeconds(1));
        assertFalse(w.isDone());
        timer.advance(Duration.ofSeconds(1));
        assertTrue(w.isDone());
        assertEquals(List.of("break WRITE->NONE", "revoked WRITE"), rec.events);
        assertEquals(List.of(), lm.leases(F));
        assertEquals(LockStatus.NOT_FOUND, lm.acknowledgeBreak(l, LeaseType.NONE));
        assertEquals(0, timer.scheduled());
    }

    @Test
    void anAcknowledgedBreakCancelsItsTimeout() {
        Lease l = lease(A, LeaseType.READ, new Recorder());
        CompletableFuture<Void> w = lm.breakLeases(F, B, BreakIntent.WRITE);
        assertEquals(1, timer.scheduled());
        lm.acknowledgeBreak(l, LeaseType.NONE);
        assertTrue(w.isDone());
        assertEquals(0, timer.scheduled());
    }

    @Test
    void aHolderMayAcknowledgeFromInsideItsListener() {
        List<Lease> seen = new ArrayList<>();
        BreakListener acking = (lease, to) -> {
            seen.add(lease);
            assertEquals(LockStatus.OK, lm.acknowledgeBreak(lease, to));
        };
        lease(A, LeaseType.WRITE, acking);
        CompletableFuture<LockResult> f = lm.lock(F, B, LockFlavor.POSIX, LockType.WRITE, 0, 1, false);
        assertEquals(LockStatus.GRANTED, f.getNow(null).status());
        assertEquals(1, seen.size());
    }

    @Test
    void severalOperationsWaitOnOneBreak() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.WRITE, rec);
        CompletableFuture<ShareResult> o = lm.openShare(F, B, Set.of(WRITE), Set.of());
        CompletableFuture<LockResult> k = lm.lock(F, C, LockFlavor.POSIX, LockType.READ, 0, 1, true);
        assertEquals(1, rec.events.size());
        lm.acknowledgeBreak(l, LeaseType.NONE);
        assertEquals(LockStatus.GRANTED, o.getNow(null).status());
        assertEquals(LockStatus.GRANTED, k.getNow(null).status());
    }

    @Test
    void aWaiterBreaksALeaseGrantedWhileItWaited() {
        Recorder rec = new Recorder();
        LockOwner a2 = new LockOwner(A.namespace(), "lock-owner");
        lm.lock(F, a2, LockFlavor.POSIX, LockType.WRITE, 0, 10, false).join();
        CompletableFuture<LockResult> b = lm.lock(F, B, LockFlavor.SMB, LockType.WRITE, 0, 10, true);
        Lease l = lease(A, LeaseType.WRITE, rec);
        assertEquals(LockStatus.OK, lm.unlock(F, a2, LockFlavor.POSIX, 0, 10).status());
        assertFalse(b.isDone(), "the lease granted meanwhile must be broken first");
        assertEquals(List.of("break WRITE->NONE"), rec.events);
        lm.acknowledgeBreak(l, LeaseType.NONE);
        assertEquals(LockStatus.GRANTED, b.getNow(null).status());
    }

    @Test
    void leaseGrantsRespectOtherNamespaces() {
        Recorder rec = new Recorder();
        open(B, Set.of(READ), Set.of());
        assertEquals(LockStatus.LEASE_CONFLICT, lm.grantLease(F, A, LeaseType.WRITE, rec).status());
        Lease r = lease(A, LeaseType.READ, rec);
        assertEquals(LockStatus.GRANTED, lm.grantLease(F, C, LeaseType.READ, rec).status());
        LockOwner d = new LockOwner("client-d", "d");
        assertEquals(LockStatus.LEASE_CONFLICT, lm.grantLease(F, d, LeaseType.WRITE, rec).status());
        assertEquals(LockStatus.INVALID_ARGUMENT, lm.grantLease(F, A, LeaseType.NONE, rec).status());
        assertEquals(2, lm.leases(F).size());
        assertTrue(lm.leases(F).contains(r));

        assertEquals(LockStatus.GRANTED, lm.openShare(F + 1, B, Set.of(WRITE), Set.of()).join().status());
        assertEquals(LockStatus.LEASE_CONFLICT, lm.grantLease(F + 1, A, LeaseType.READ, rec).status());
        assertEquals(LockStatus.GRANTED, lm.grantLease(F + 1, B, LeaseType.WRITE, rec).status(), "own open");
        lm.lock(F + 2, B, LockFlavor.SMB, LockType.READ, 0, 1, false).join();
        assertEquals(LockStatus.LEASE_CONFLICT, lm.grantLease(F + 2, A, LeaseType.READ, rec).status());
        assertEquals(List.of(), rec.events);
    }

    @Test
    void theSameHolderUpgradesInPlace() {
        Lease r = lease(A, LeaseType.READ, new Recorder());
        Lease w = lease(A, LeaseType.WRITE, new Recorder());
        assertEquals(r.id(), w.id());
        assertEquals(List.of(w), lm.leases(F));
    }

    @Test
    void noLeaseIsGrantedWhileABreakIsInProgress() {
        lease(A, LeaseType.READ, new Recorder());
        lm.breakLeases(F, B, BreakIntent.WRITE);
        assertEquals(LockStatus.LEASE_CONFLICT, lm.grantLease(F, C, LeaseType.READ, new Recorder()).status());
    }

    @Test
    void releasingTheHolderEndsItsBreak() {
        Recorder rec = new Recorder();
        lease(A, LeaseType.READ, rec);
        CompletableFuture<ShareResult> f = lm.openShare(F, B, Set.of(WRITE), Set.of());
        lm.releaseNamespace(A.namespace());
        assertEquals(LockStatus.GRANTED, f.getNow(null).status());
        assertEquals(List.of("break READ->NONE"), rec.events, "a gone holder is not told about revocation");
        assertEquals(0, timer.scheduled());
    }

    @Test
    void revokeTellsTheHolder() {
        Recorder rec = new Recorder();
        Lease l = lease(A, LeaseType.READ, rec);
        assertEquals(LockStatus.OK, lm.revokeLease(l));
        assertEquals(List.of("revoked READ"), rec.events);
        assertEquals(LockStatus.NOT_FOUND, lm.revokeLease(l));
    }

    @Test
    void cancellingAnOpenThatWaitsForABreakOpensNothing() {
        Lease l = lease(A, LeaseType.READ, new Recorder());
        CompletableFuture<ShareResult> f = lm.openShare(F, B, Set.of(WRITE), Set.of(READ, WRITE));
        assertTrue(f.cancel(false));
        lm.acknowledgeBreak(l, LeaseType.NONE);
        assertEquals(List.of(), lm.shares(F));
    }
}
