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
 * The delete-pending contract of {@link LockManager}, run once per {@link LockStore}: while a file is
 * delete-pending every kind of new open is refused, the last close (or release) of its opens calls the listener
 * exactly once and then lifts the mark, clearing the mark before that cancels it, and opens that take part in no
 * sharing ({@link LockManager#openHandle}) count as opens without conflicting with anything.
 */
@Timeout(10)
public abstract class DeletePendingContractTest {

    private LockManager lm;
    private final List<Long> removed = Collections.synchronizedList(new ArrayList<>());

    /** A fresh, empty store of the implementation under test. */
    protected abstract LockStore newStore();

    @BeforeEach
    void setUpManager() {
        lm = new LockManager(newStore(), new ManualTimer(), BREAK_TIMEOUT);
        lm.onDeletePendingClosed(removed::add);
    }

    private ShareReservation open(LockOwner o, Set<ShareAccess> access, Set<ShareAccess> deny) {
        CompletableFuture<ShareResult> f = lm.openShare(F, o, access, deny);
        assertTrue(f.isDone());
        assertEquals(LockStatus.GRANTED, f.join().status());
        return f.join().reservation().orElseThrow();
    }

    @Test
    void aDeletePendingFileTakesNoNewOpenOfAnyKind() {
        ShareReservation mine = open(A, EnumSet.of(READ, DELETE), Set.of());
        assertFalse(lm.isDeletePending(F));
        assertEquals(LockStatus.OK, lm.setDeletePending(F, mine.id(), true));
        assertTrue(lm.isDeletePending(F));
        assertEquals(LockStatus.DELETE_PENDING, lm.openShare(F, B, Set.of(READ), Set.of()).join().status());
        assertEquals(LockStatus.DELETE_PENDING, lm.openShare(F, A, Set.of(READ), Set.of()).join().status(),
                "its own owner too");
        assertEquals(LockStatus.DELETE_PENDING, lm.openHandle(F, C).status());
        ShareResult up = lm.upgrade(F, mine.id(), A, EnumSet.of(READ, WRITE, DELETE), Set.of()).join();
        assertEquals(LockStatus.DELETE_PENDING, up.status());
        assertEquals(List.of(mine), lm.shares(F), "the refused upgrade kept the open as it was");
        assertTrue(removed.isEmpty());
    }

    @Test
    void theLastCloseOfAnyOpenRemovesOnceAndLiftsTheMark() {
        ShareReservation deleter = open(A, EnumSet.of(DELETE), Set.of());
        ShareReservation reader = open(B, Set.of(READ), Set.of());
        ShareReservation stat = lm.openHandle(F, C).reservation().orElseThrow();
        assertEquals(LockStatus.OK, lm.setDeletePending(F, deleter.id(), true));
        lm.close(F, deleter.id());
        lm.close(F, reader.id());
        assertTrue(removed.isEmpty(), "an open without bits still holds the file");
        assertEquals(LockStatus.OK, lm.close(F, stat.id()).status());
        assertEquals(List.of(F), removed);
        assertFalse(lm.isDeletePending(F));
        assertEquals(LockStatus.NOT_FOUND, lm.close(F, stat.id()).status());
        assertEquals(List.of(F), removed, "called once");
        open(B, Set.of(READ), Set.of()); // what the listener left (here: nothing removed) opens again
    }

    @Test
    void newOpensStayRefusedWhileTheListenerRuns() {
        List<LockStatus> seen = new ArrayList<>();
        lm.onDeletePendingClosed(id -> seen.add(lm.openShare(id, B, Set.of(READ), Set.of()).join().status()));
        ShareReservation mine = open(A, Set.of(DELETE), Set.of());
        lm.setDeletePending(F, mine.id(), true);
        lm.close(F, mine.id());
        assertEquals(List.of(LockStatus.DELETE_PENDING), seen);
    }

    @Test
    void clearingTheMarkBeforeTheLastCloseCancelsTheDelete() {
        ShareReservation mine = open(A, Set.of(DELETE), Set.of());
        ShareReservation other = open(B, Set.of(DELETE), Set.of());
        lm.setDeletePending(F, mine.id(), true);
        assertEquals(LockStatus.OK, lm.setDeletePending(F, other.id(), false), "any open of the file may clear it");
        assertFalse(lm.isDeletePending(F));
        open(C, Set.of(READ), Set.of());
        lm.releaseOwner(A);
        lm.releaseOwner(B);
        lm.releaseOwner(C);
        assertTrue(removed.isEmpty());
    }

    @Test
    void onlyAHeldOpenSetsTheMark() {
        assertEquals(LockStatus.NOT_FOUND, lm.setDeletePending(F, 12345, true));
        ShareReservation mine = open(A, Set.of(DELETE), Set.of());
        lm.close(F, mine.id());
        assertEquals(LockStatus.NOT_FOUND, lm.setDeletePending(F, mine.id(), true));
        assertFalse(lm.isDeletePending(F));
    }

    @Test
    void releasingTheLastOpenersNamespaceRemovesToo() {
        ShareReservation mine = open(A, Set.of(DELETE), Set.of());
        open(B, Set.of(READ), Set.of());
        lm.setDeletePending(F, mine.id(), true);
        lm.releaseNamespace(A.namespace());
        assertTrue(removed.isEmpty());
        lm.releaseNamespace(B.namespace());
        assertEquals(List.of(F), removed);
        assertFalse(lm.isDeletePending(F));
    }

    @Test
    void anOpenWithoutBitsConflictsWithNothingAndBlocksNoLease() {
        open(A, Set.of(READ), EnumSet.of(READ, WRITE, DELETE));
        ShareResult stat = lm.openHandle(F, B);
        assertEquals(LockStatus.GRANTED, stat.status());
        assertTrue(stat.reservation().orElseThrow().access().isEmpty());
        lm.releaseOwner(A);
        open(C, EnumSet.of(READ, WRITE, DELETE), EnumSet.of(READ, WRITE, DELETE));
        lm.releaseOwner(C);
        assertEquals(LockStatus.GRANTED, lm.grantLease(F, C, LeaseType.WRITE,
                new ShareLeaseContractTest.Recorder()).status(), "B's open for attributes blocks no lease");
        assertTrue(lm.canDelete(F));
    }

    @Test
    void anUpgradeReplacesItsOpenInOneStep() {
        ShareReservation mine = open(A, Set.of(READ), Set.of(WRITE));
        ShareResult up = lm.upgrade(F, mine.id(), A, EnumSet.of(READ, WRITE), Set.of(WRITE)).join();
        assertEquals(LockStatus.GRANTED, up.status(), "not refused by the deny bits of the open it replaces");
        assertEquals(List.of(up.reservation().orElseThrow()), lm.shares(F));
        open(B, Set.of(READ), Set.of());
        ShareReservation now = up.reservation().orElseThrow();
        ShareResult denied = lm.upgrade(F, now.id(), A, EnumSet.of(READ, WRITE), EnumSet.of(READ, WRITE)).join();
        assertEquals(LockStatus.SHARE_VIOLATION, denied.status());
        assertTrue(lm.shares(F).contains(now), "a refused upgrade keeps the old open");
        assertEquals(LockStatus.NOT_FOUND, lm.upgrade(F, 999_999, A, Set.of(READ), Set.of()).join().status());
    }
}
