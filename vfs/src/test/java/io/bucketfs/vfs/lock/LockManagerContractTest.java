package io.bucketfs.vfs.lock;

import static io.bucketfs.vfs.lock.LockFlavor.POSIX;
import static io.bucketfs.vfs.lock.LockFlavor.SMB;
import static io.bucketfs.vfs.lock.LockType.READ;
import static io.bucketfs.vfs.lock.LockType.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The byte-range contract of {@link LockManager}, run once per {@link LockStore} implementation (STYLE rule
 * 12). Share reservations and leases: {@link ShareLeaseContractTest}.
 */
@Timeout(10)
public abstract class LockManagerContractTest {

    static final long F = 42;
    static final long MAX = -1L;
    static final Duration BREAK_TIMEOUT = Duration.ofSeconds(35);
    static final LockOwner A = new LockOwner("client-a", "owner-a");
    static final LockOwner B = new LockOwner("client-b", "owner-b");
    static final LockOwner C = new LockOwner("client-c", "owner-c");

    protected ManualTimer timer;
    protected LockManager lm;

    /** A fresh, empty store of the implementation under test. */
    protected abstract LockStore newStore();

    @BeforeEach
    void setUpManager() {
        timer = new ManualTimer();
        lm = new LockManager(newStore(), timer, BREAK_TIMEOUT);
    }

    LockResult now(LockOwner o, LockFlavor flavor, LockType type, long offset, long length) {
        CompletableFuture<LockResult> f = lm.lock(F, o, flavor, type, offset, length, false);
        assertTrue(f.isDone(), "a non-blocking lock completes at once");
        return f.join();
    }

    LockResult posix(LockOwner o, LockType type, long offset, long length) {
        return now(o, POSIX, type, offset, length);
    }

    LockResult smb(LockOwner o, LockType type, long offset, long length) {
        return now(o, SMB, type, offset, length);
    }

    CompletableFuture<LockResult> waitFor(LockOwner o, LockFlavor flavor, LockType type, long offset,
            long length) {
        return lm.lock(F, o, flavor, type, offset, length, true);
    }

    /** The owner's locks as "TYPE[first..last]" in list order. */
    List<String> locksOf(LockOwner o) {
        return lm.locks(F).stream().filter(l -> l.owner().equals(o)).map(l -> l.type() + "" + l.range()).toList();
    }

    static void assertStatus(LockStatus expected, LockResult r) {
        assertEquals(expected, r.status(), () -> "result " + r);
    }

    // ---------------------------------------------------------------- POSIX

    @Test
    void posixConflictsNeedOverlapAndAWrite() {
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 0, 10));
        LockResult denied = posix(B, READ, 5, 10);
        assertStatus(LockStatus.DENIED, denied);
        ByteRangeLock c = denied.conflict().orElseThrow();
        assertEquals(A, c.owner());
        assertEquals(WRITE, c.type());
        assertEquals(0, c.range().offset());
        assertEquals(10, c.range().length());
        assertStatus(LockStatus.GRANTED, posix(B, WRITE, 10, 10));
        assertStatus(LockStatus.GRANTED, posix(C, READ, 20, 5));
        assertStatus(LockStatus.GRANTED, posix(A, READ, 22, 1));
    }

    @Test
    void posixReadLocksShare() {
        assertStatus(LockStatus.GRANTED, posix(A, READ, 0, 100));
        assertStatus(LockStatus.GRANTED, posix(B, READ, 50, 100));
        assertStatus(LockStatus.DENIED, posix(C, WRITE, 99, 1));
    }

    @Test
    void posixOwnerNeverConflictsWithItself() {
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 0, 10));
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 5, 10));
        assertStatus(LockStatus.GRANTED, posix(A, READ, 0, 3));
        assertEquals(List.of("READ[0..2]", "WRITE[3..14]"), locksOf(A));
    }

    @Test
    void posixUpgradeOfSubRangeSplits() {
        posix(A, READ, 0, 100);
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 40, 20));
        assertEquals(List.of("READ[0..39]", "WRITE[40..59]", "READ[60..99]"), locksOf(A));
        assertStatus(LockStatus.GRANTED, posix(B, READ, 0, 40));
        assertStatus(LockStatus.DENIED, posix(B, READ, 59, 1));
    }

    @Test
    void posixUpgradeIsDeniedWhileAnotherOwnerReads() {
        posix(A, READ, 0, 100);
        posix(B, READ, 50, 10);
        LockResult r = posix(A, WRITE, 0, 100);
        assertStatus(LockStatus.DENIED, r);
        assertEquals(B, r.conflict().orElseThrow().owner());
        assertEquals(List.of("READ[0..99]"), locksOf(A));
    }

    @Test
    void posixDowngradeOfSubRangeSplits() {
        posix(A, WRITE, 0, 100);
        assertStatus(LockStatus.GRANTED, posix(A, READ, 0, 50));
        assertEquals(List.of("READ[0..49]", "WRITE[50..99]"), locksOf(A));
        assertStatus(LockStatus.GRANTED, posix(B, READ, 10, 10));
    }

    @Test
    void posixAdjacentAndOverlappingSameTypeMerge() {
        posix(A, READ, 0, 10);
        posix(A, READ, 10, 10);
        assertEquals(List.of("READ[0..19]"), locksOf(A));
        posix(A, READ, 15, 20);
        assertEquals(List.of("READ[0..34]"), locksOf(A));
        posix(A, WRITE, 35, 5);
        assertEquals(List.of("READ[0..34]", "WRITE[35..39]"), locksOf(A));
        posix(A, READ, 35, 5);
        assertEquals(List.of("READ[0..39]"), locksOf(A));
    }

    @Test
    void posixLockBridgingTwoLocksMergesAllThree() {
        posix(A, WRITE, 0, 10);
        posix(A, WRITE, 20, 10);
        posix(A, WRITE, 10, 10);
        assertEquals(List.of("WRITE[0..29]"), locksOf(A));
    }

    @Test
    void posixUnlockOfSubRangeSplits() {
        posix(A, WRITE, 0, 100);
        assertStatus(LockStatus.OK, lm.unlock(F, A, POSIX, 40, 20));
        assertEquals(List.of("WRITE[0..39]", "WRITE[60..99]"), locksOf(A));
        assertStatus(LockStatus.GRANTED, posix(B, WRITE, 40, 20));
        assertStatus(LockStatus.OK, lm.unlock(F, A, POSIX, 0, ByteRange.TO_EOF));
        assertEquals(List.of(), locksOf(A));
    }

    @Test
    void posixUnlockOfNothingIsOkAndLeavesOthersAlone() {
        posix(B, WRITE, 0, 10);
        assertStatus(LockStatus.OK, lm.unlock(F, A, POSIX, 0, 10));
        assertEquals(List.of("WRITE[0..9]"), locksOf(B));
    }

    @Test
    void testReportsTheFirstConflictWithoutLocking() {
        posix(B, READ, 50, 10);
        posix(C, WRITE, 20, 10);
        LockResult t = lm.test(F, A, POSIX, WRITE, 0, ByteRange.TO_EOF);
        assertStatus(LockStatus.DENIED, t);
        assertEquals(C, t.conflict().orElseThrow().owner());
        assertEquals(20, t.conflict().get().range().offset());
        assertStatus(LockStatus.GRANTED, lm.test(F, A, POSIX, READ, 50, 10));
        assertStatus(LockStatus.GRANTED, lm.test(F, C, POSIX, WRITE, 20, 10));
        assertEquals(List.of(), locksOf(A));
        assertStatus(LockStatus.INVALID_RANGE, lm.test(F, A, POSIX, READ, 0, 0));
    }

    @Test
    void toEndOfFileCoversTheLastByte() {
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 100, ByteRange.TO_EOF));
        assertStatus(LockStatus.DENIED, posix(B, READ, Long.MIN_VALUE, 1));
        assertStatus(LockStatus.DENIED, smb(B, READ, MAX, 1));
        LockResult r = posix(B, READ, 99, 2);
        assertTrue(r.conflict().orElseThrow().range().isToEof());
        assertEquals(ByteRange.TO_EOF, r.conflict().get().range().length());
        assertStatus(LockStatus.GRANTED, posix(B, READ, 0, 100));
    }

    @Test
    void rangesPastTheLastByteAreInvalid() {
        assertStatus(LockStatus.INVALID_RANGE, posix(A, READ, 10, MAX - 5));
        assertStatus(LockStatus.INVALID_RANGE, posix(A, READ, 10, 0));
        assertStatus(LockStatus.INVALID_RANGE, posix(A, READ, MAX, 1));
        assertStatus(LockStatus.GRANTED, posix(A, READ, MAX - 1, 1));
        assertStatus(LockStatus.INVALID_RANGE, smb(A, READ, MAX, 2));
        assertStatus(LockStatus.GRANTED, smb(B, READ, MAX, 1));
        assertStatus(LockStatus.INVALID_RANGE, lm.unlock(F, A, SMB, 2, MAX));
        assertStatus(LockStatus.INVALID_RANGE, lm.checkIo(F, A, 2, MAX, false));
        assertEquals(2, lm.locks(F).size());
    }

    // ---------------------------------------------------------------- SMB

    @Test
    void smbUnlockMustMatchExactly() {
        smb(A, WRITE, 0, 10);
        assertStatus(LockStatus.RANGE_NOT_LOCKED, lm.unlock(F, A, SMB, 0, 5));
        assertStatus(LockStatus.RANGE_NOT_LOCKED, lm.unlock(F, A, SMB, 0, 11));
        assertStatus(LockStatus.RANGE_NOT_LOCKED, lm.unlock(F, B, SMB, 0, 10));
        assertStatus(LockStatus.OK, lm.unlock(F, A, POSIX, 0, 10));
        assertEquals(1, lm.locks(F).size(), "a POSIX unlock leaves SMB locks alone");
        assertStatus(LockStatus.OK, lm.unlock(F, A, SMB, 0, 10));
        assertStatus(LockStatus.RANGE_NOT_LOCKED, lm.unlock(F, A, SMB, 0, 10));
    }

    @Test
    void smbLocksNeverMerge() {
        smb(A, READ, 0, 10);
        smb(A, READ, 10, 10);
        smb(A, READ, 0, 10);
        assertEquals(List.of("READ[0..9]", "READ[10..19]", "READ[0..9]"), locksOf(A));
        assertStatus(LockStatus.RANGE_NOT_LOCKED, lm.unlock(F, A, SMB, 0, 20));
    }

    @Test
    void smbSameOpenFollowsMsFsa() {
        assertStatus(LockStatus.GRANTED, smb(A, WRITE, 0, 10));
        assertStatus(LockStatus.DENIED, smb(A, WRITE, 5, 10));
        assertStatus(LockStatus.GRANTED, smb(A, READ, 5, 10));
        assertStatus(LockStatus.DENIED, smb(A, WRITE, 12, 1));
        assertStatus(LockStatus.GRANTED, smb(A, READ, 12, 1));
        assertStatus(LockStatus.DENIED, smb(B, READ, 0, 1));
    }

    @Test
    void smbUnlockPrefersTheExclusiveLock() {
        smb(A, WRITE, 0, 10);
        smb(A, READ, 0, 10);
        assertStatus(LockStatus.OK, lm.unlock(F, A, SMB, 0, 10));
        assertEquals(List.of("READ[0..9]"), locksOf(A));
        assertStatus(LockStatus.GRANTED, smb(B, READ, 0, 10));
    }

    @Test
    void smbZeroLengthLocksFollowMsFsa() {
        assertStatus(LockStatus.GRANTED, smb(A, WRITE, 5, 0));
        assertStatus(LockStatus.GRANTED, smb(B, WRITE, 5, 0));
        assertStatus(LockStatus.GRANTED, smb(B, WRITE, 5, 10));
        assertStatus(LockStatus.DENIED, smb(C, WRITE, 0, 10));
        assertStatus(LockStatus.GRANTED, smb(C, WRITE, 0, 5));
        assertStatus(LockStatus.GRANTED, smb(C, WRITE, 0, 0));
        assertStatus(LockStatus.GRANTED, smb(A, WRITE, 0, 0));
        assertStatus(LockStatus.DENIED, smb(A, READ, 7, 0));
        assertStatus(LockStatus.OK, lm.unlock(F, A, SMB, 5, 0));
        assertStatus(LockStatus.OK, lm.unlock(F, A, SMB, 0, 0));
    }

    @Test
    void checkIoIsMandatoryForSmbLocks() {
        smb(A, WRITE, 0, 10);
        smb(A, READ, 20, 10);
        assertStatus(LockStatus.OK, lm.checkIo(F, A, 0, 10, true));
        assertStatus(LockStatus.OK, lm.checkIo(F, A, 0, 10, false));
        LockResult r = lm.checkIo(F, B, 9, 2, false);
        assertStatus(LockStatus.IO_CONFLICT, r);
        assertEquals(A, r.conflict().orElseThrow().owner());
        assertStatus(LockStatus.IO_CONFLICT, lm.checkIo(F, A, 25, 1, true));
        assertStatus(LockStatus.OK, lm.checkIo(F, A, 25, 1, false));
        assertStatus(LockStatus.OK, lm.checkIo(F, B, 25, 1, false));
        assertStatus(LockStatus.IO_CONFLICT, lm.checkIo(F, B, 25, 1, true));
        assertStatus(LockStatus.OK, lm.checkIo(F, B, 10, 10, true));
        assertStatus(LockStatus.OK, lm.checkIo(F, B, 0, 0, true));
    }

    @Test
    void zeroLengthIoNeverConflicts() {
        smb(A, WRITE, 0, 10);
        assertStatus(LockStatus.OK, lm.checkIo(F, B, 5, 0, false));
        assertStatus(LockStatus.OK, lm.checkIo(F, B, 5, 0, true));
        assertStatus(LockStatus.IO_CONFLICT, lm.checkIo(F, B, 5, 1, false));
    }

    @Test
    void checkIoSeesPosixLocksOfOthersOnly() {
        posix(A, READ, 0, 10);
        posix(B, WRITE, 10, 10);
        assertStatus(LockStatus.OK, lm.checkIo(F, A, 0, 10, true));
        assertStatus(LockStatus.IO_CONFLICT, lm.checkIo(F, C, 0, 10, true));
        assertStatus(LockStatus.OK, lm.checkIo(F, C, 0, 10, false));
        assertStatus(LockStatus.IO_CONFLICT, lm.checkIo(F, C, 15, 1, false));
    }

    // ---------------------------------------------------------------- across flavours

    @Test
    void nfsAndSmbLocksConflictBothWays() {
        assertStatus(LockStatus.GRANTED, posix(A, WRITE, 0, 10));
        LockResult r = smb(B, READ, 5, 1);
        assertStatus(LockStatus.DENIED, r);
        assertEquals(POSIX, r.conflict().orElseThrow().flavor());
        assertStatus(LockStatus.GRANTED, smb(B, WRITE, 100, 10));
        assertStatus(LockStatus.DENIED, posix(C, READ, 105, ByteRange.TO_EOF));
        assertStatus(LockStatus.GRANTED, smb(B, READ, 200, 10));
        assertStatus(LockStatus.GRANTED, posix(C, READ, 200, 10));
        assertStatus(LockStatus.DENIED, smb(B, WRITE, 205, 1));
        assertStatus(LockStatus.DENIED, posix(A, WRITE, 205, 1));
    }

    @Test
    void locksOnDifferentFilesAreIndependent() {
        posix(A, WRITE, 0, ByteRange.TO_EOF);
        assertStatus(LockStatus.GRANTED, lm.lock(F + 1, B, POSIX, WRITE, 0, 10, false).join());
    }

    // ---------------------------------------------------------------- waiting

    @Test
    void nonBlockingRequestsCompleteAtOnce() {
        posix(A, WRITE, 0, 10);
        CompletableFuture<LockResult> f = lm.lock(F, B, SMB, WRITE, 0, 10, false);
        assertTrue(f.isDone());
        assertStatus(LockStatus.DENIED, f.join());
        CompletableFuture<LockResult> g = lm.lock(F, B, SMB, WRITE, 0, 10, true);
        assertFalse(g.isDone(), "a blocking request waits");
    }

    @Test
    void waitersAreGrantedInArrivalOrder() {
        posix(A, WRITE, 0, 10);
        CompletableFuture<LockResult> b = waitFor(B, POSIX, WRITE, 0, 10);
        CompletableFuture<LockResult> c = waitFor(C, SMB, WRITE, 5, 10);
        assertFalse(b.isDone());
        assertFalse(c.isDone());
        lm.unlock(F, A, POSIX, 0, 10);
        assertStatus(LockStatus.GRANTED, b.getNow(null));
        assertFalse(c.isDone());
        assertEquals(List.of("WRITE[0..9]"), locksOf(B));
        lm.unlock(F, B, POSIX, 0, 5);
        assertFalse(c.isDone(), "still overlaps B's remaining bytes");
        lm.unlock(F, B, POSIX, 5, 5);
        assertStatus(LockStatus.GRANTED, c.getNow(null));
    }

    @Test
    void laterReadersDoNotOvertakeAWaitingWriter() {
        posix(A, READ, 0, 10);
        CompletableFuture<LockResult> writer = waitFor(B, POSIX, WRITE, 0, 10);
        CompletableFuture<LockResult> reader = waitFor(C, POSIX, READ, 0, 10);
        assertFalse(reader.isDone(), "queued behind the writer");
        assertStatus(LockStatus.GRANTED, posix(C, READ, 0, 10));
        lm.unlock(F, C, POSIX, 0, 10);
        lm.unlock(F, A, POSIX, 0, 10);
        assertStatus(LockStatus.GRANTED, writer.getNow(null));
        assertFalse(reader.isDone());
        lm.unlock(F, B, POSIX, 0, 10);
        assertStatus(LockStatus.GRANTED, reader.getNow(null));
    }

    @Test
    void independentWaitersAreGrantedTogether() {
        posix(A, WRITE, 0, 100);
        CompletableFuture<LockResult> b = waitFor(B, POSIX, WRITE, 0, 10);
        CompletableFuture<LockResult> c = waitFor(C, POSIX, WRITE, 50, 10);
        lm.unlock(F, A, POSIX, 0, 100);
        assertTrue(b.isDone() && c.isDone());
    }

    @Test
    void cancelWithdrawsAWaiterAndUnblocksThoseBehind() {
        posix(A, READ, 0, 10);
        CompletableFuture<LockResult> writer = waitFor(B, POSIX, WRITE, 0, 10);
        CompletableFuture<LockResult> reader = waitFor(C, SMB, READ, 0, 10);
        assertTrue(writer.cancel(false));
        assertTrue(writer.isCancelled());
        assertStatus(LockStatus.GRANTED, reader.getNow(null));
        lm.unlock(F, A, POSIX, 0, 10);
        assertEquals(List.of(), locksOf(B));
    }

    @Test
    void cancelAfterGrantFails() {
        CompletableFuture<LockResult> f = waitFor(B, POSIX, WRITE, 0, 10);
        assertStatus(LockStatus.GRANTED, f.getNow(null));
        assertFalse(f.cancel(false));
        assertFalse(f.isCancelled());
        assertEquals(List.of("WRITE[0..9]"), locksOf(B));
    }

    @Test
    void timingOutAWaiterWithdrawsIt() throws Exception {
        posix(A, WRITE, 0, 10);
        CompletableFuture<LockResult> f = waitFor(B, POSIX, WRITE, 0, 10).orTimeout(50, TimeUnit.MILLISECONDS);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, f::join);
        assertTrue(e.getCause() instanceof TimeoutException);
        lm.unlock(F, A, POSIX, 0, 10);
        assertEquals(List.of(), locksOf(B));
        assertStatus(LockStatus.GRANTED, posix(C, WRITE, 0, 10));
    }

    @Test
    void waiterCallbacksMayCallBackIntoTheManager() {
        posix(A, WRITE, 0, 10);
        CompletableFuture<LockResult> chained = waitFor(B, POSIX, WRITE, 0, 10)
                .thenApply(r -> lm.unlock(F, B, POSIX, 0, 10));
        CompletableFuture<LockResult> c = waitFor(C, POSIX, WRITE, 0, 10);
        lm.unlock(F, A, POSIX, 0, 10);
        assertStatus(LockStatus.OK, chained.getNow(null));
        assertStatus(LockStatus.GRANTED, c.getNow(null));
    }

    // ---------------------------------------------------------------- release

    @Test
    void releaseOwnerDropsItsLocksAndCancelsItsWaiters() {
        posix(A, WRITE, 0, 10);
        smb(A, WRITE, 20, 10);
        posix(C, WRITE, 200, 1);
        CompletableFuture<LockResult> aBlocked = waitFor(A, POSIX, WRITE, 200, 1);
        CompletableFuture<LockResult> b = waitFor(B, SMB, WRITE, 0, 30);
        assertFalse(aBlocked.isDone() || b.isDone());
        lm.releaseOwner(A);
        assertStatus(LockStatus.CANCELLED, aBlocked.getNow(null));
        assertStatus(LockStatus.GRANTED, b.getNow(null));
        assertEquals(List.of(), locksOf(A));
        assertEquals(List.of("WRITE[200..200]"), locksOf(C));
    }

    @Test
    void releaseNamespaceDropsEveryOwnerOfIt() {
        LockOwner a2 = new LockOwner(A.namespace(), "other-owner");
        posix(A, READ, 0, 10);
        posix(a2, READ, 20, 10);
        lm.lock(F + 1, a2, SMB, WRITE, 0, 1, false).join();
        posix(B, READ, 40, 10);
        lm.releaseNamespace(A.namespace());
        assertEquals(List.of("READ[40..49]"), lm.locks(F).stream().map(l -> l.type() + "" + l.range()).toList());
        assertEquals(List.of(), lm.locks(F + 1));
    }

    @Test
    void releaseFileDropsEverythingOnIt() {
        posix(A, WRITE, 0, 10);
        CompletableFuture<LockResult> b = waitFor(B, POSIX, WRITE, 0, 10);
        lm.lock(F + 1, A, POSIX, WRITE, 0, 10, false).join();
        lm.releaseFile(F);
        assertStatus(LockStatus.CANCELLED, b.getNow(null));
        assertEquals(List.of(), lm.locks(F));
        assertEquals(1, lm.locks(F + 1).size());
    }
}
