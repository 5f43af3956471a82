package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2LockFlag;
import com.hierynomus.mssmb2.messages.SMB2LockRequest;
import com.hierynomus.mssmb2.messages.SMB2LockResponse;
import com.hierynomus.mssmb2.messages.submodule.SMB2LockElement;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.lock.LockFlavor;
import io.bucketfs.vfs.lock.LockManager;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockResult;
import io.bucketfs.vfs.lock.LockStatus;
import io.bucketfs.vfs.lock.LockType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMB2 LOCK ([MS-SMB2] 3.3.5.14) through SMBJ: conflicts between two opens, unlock rules, release on close,
 * READ/WRITE against locks, and the cross-protocol rule: POSIX (NFS) locks taken through the same
 * {@link LockManager} conflict with SMB locks both ways.
 */
@Timeout(60)
class SmbjLockTest {
    private static final String NAME = "locked.bin";
    private static final byte[] DATA = new byte[4096];

    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private final List<SMBClient> clients = new ArrayList<>();
    private DiskShare share;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
        share = connect();
        try (File f = open(share)) {
            f.write(DATA, 0);
        }
    }

    @AfterEach
    void tearDown() {
        clients.forEach(SMBClient::close);
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A share on a connection of its own (SMBJ shares one connection per client and server). */
    private DiskShare connect() throws Exception {
        return connect(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1));
    }

    private DiskShare connect(SmbConfig.Builder config) throws Exception {
        SMBClient client = new SMBClient(config.withTimeout(30, TimeUnit.SECONDS)
                .withSoTimeout(30, TimeUnit.SECONDS).build());
        clients.add(client);
        Session s = client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP"));
        return (DiskShare) s.connectShare("default");
    }

    private static File open(DiskShare share) {
        return share.openFile(NAME, EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN_IF, null);
    }

    private static void assertStatus(NtStatus want, Executable call) {
        SMBApiException e = assertThrows(SMBApiException.class, call);
        assertEquals(want, e.getStatus(), e.getMessage());
    }

    private long fileId() throws Exception {
        Caller root = new Caller(0, 0, null);
        return fixture.vfs.lookup(root, fixture.vfs.root(), NAME).attr().fileId();
    }

    private LockManager locks() {
        return fixture.vfs.locks();
    }

    @Test
    void exclusiveConflictsSharedCoexist() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 100, true).send();
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> b.requestLock().exclusiveLock(50, 100, true).send());
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> b.requestLock().sharedLock(99, 1, true).send());
            b.requestLock().exclusiveLock(100, 100, true).send();
            a.requestLock().sharedLock(1000, 10, true).send();
            b.requestLock().sharedLock(1000, 10, true).send();
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> b.requestLock().exclusiveLock(1005, 1, true).send());
        }
    }

    @Test
    void unlockThenLockAndRangeNotLocked() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 100, true).send();
            assertStatus(NtStatus.STATUS_RANGE_NOT_LOCKED, () -> a.requestLock().unlock(0, 50).send());
            assertStatus(NtStatus.STATUS_RANGE_NOT_LOCKED, () -> b.requestLock().unlock(0, 100).send());
            a.requestLock().unlock(0, 100).send();
            b.requestLock().exclusiveLock(0, 100, true).send();
            assertStatus(NtStatus.STATUS_RANGE_NOT_LOCKED, () -> a.requestLock().unlock(0, 100).send());
        }
    }

    @Test
    void multiElementRequestIsAllOrNothing() throws Exception {
        try (File a = open(share); File b = open(share)) {
            b.requestLock().exclusiveLock(500, 10, true).send();
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED,
                    () -> a.requestLock().exclusiveLock(0, 10, true).exclusiveLock(505, 1, true).send());
            // the first element was rolled back
            b.requestLock().exclusiveLock(0, 10, true).send();
            // several elements must all be fail-immediately
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> a.requestLock().exclusiveLock(20, 1, false).exclusiveLock(30, 1, false).send());
        }
    }

    /** Waits until the lock manager has a waiter queued, seen as the lock not being granted yet. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    @Test
    void blockingLockPendsOnTheSameConnectionUntilUnlocked() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 10).send();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> b.requestLock().exclusiveLock(0, 10)
                    .send());
            settle();
            assertTrue(!waiting.isDone(), "blocking lock answered while the conflict is held");
            // the connection is not stuck behind the waiting lock: the holder's requests still run
            assertEquals(10, a.read(new byte[10], 0, 0, 10));
            a.requestLock().unlock(0, 10).send();
            waiting.get(10, TimeUnit.SECONDS);
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> a.requestLock().sharedLock(5, 1, true).send());
        }
    }

    @Test
    void blockingLockGrantedWhenTheHolderUnlocksMeanwhile() throws Exception {
        DiskShare other = connect();
        try (File a = open(share); File b = open(other)) {
            a.requestLock().exclusiveLock(0, 10).send();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> b.requestLock().exclusiveLock(0, 10)
                    .send());
            settle();
            a.requestLock().unlock(0, 10).send();
            waiting.get(10, TimeUnit.SECONDS);
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> a.requestLock().sharedLock(5, 1, true).send());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"signed-3.1.1", "signed-2.1", "encrypted-3.1.1", "encrypted-3.0"})
    void blockingLockFinalResponseIsSignedOrSealed(String mode) throws Exception {
        SMB2Dialect dialect = mode.endsWith("3.1.1") ? SMB2Dialect.SMB_3_1_1
                : mode.endsWith("3.0") ? SMB2Dialect.SMB_3_0 : SMB2Dialect.SMB_2_1;
        SmbConfig.Builder config = SmbConfig.builder().withDialects(dialect);
        config = mode.startsWith("signed") ? config.withSigningRequired(true) : config.withEncryptData(true);
        DiskShare secured = connect(config);
        try (File a = open(secured); File b = open(secured)) {
            a.requestLock().exclusiveLock(0, 10).send();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> b.requestLock().exclusiveLock(0, 10)
                    .send());
            settle();
            assertTrue(!waiting.isDone());
            a.requestLock().unlock(0, 10).send();
            waiting.get(10, TimeUnit.SECONDS);
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> a.requestLock().sharedLock(5, 1, true).send());
        }
    }

    @Test
    void blockingLockCancelledWhenItsOpenCloses() throws Exception {
        DiskShare other = connect();
        try (File a = open(share)) {
            File b = open(other);
            a.requestLock().exclusiveLock(0, 10).send();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> b.requestLock().exclusiveLock(0, 10)
                    .send());
            settle();
            b.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            // withdrawn by the close, not by CANCEL: Windows (and Samba) answer RANGE_NOT_LOCKED
            assertEquals(NtStatus.STATUS_RANGE_NOT_LOCKED, ((SMBApiException) e.getCause()).getStatus());
            a.requestLock().unlock(0, 10).send();
            assertEquals(List.of(), locks().locks(fileId()));
        }
    }

    @Test
    void cancelWithdrawsABlockingLock() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 10).send();
            com.hierynomus.smbj.session.Session session = share.getTreeConnect().getSession();
            Future<SMB2LockResponse> pending = session.send(new SMB2LockRequest(SMB2Dialect.SMB_3_1_1,
                    session.getSessionId(), share.getTreeConnect().getTreeId(), (short) 0, 0, b.getFileId(),
                    List.of(new SMB2LockElement(0, 10, EnumSet.of(SMB2LockFlag.SMB2_LOCKFLAG_EXCLUSIVE_LOCK)))));
            settle();
            assertTrue(!pending.isDone());
            assertTrue(pending.cancel(true));
            // the withdrawn request never gets the lock: after the unlock the range is free for a third party
            settle();
            a.requestLock().unlock(0, 10).send();
            assertEquals(List.of(), locks().locks(fileId()));
            // the connection still works and b can lock normally
            b.requestLock().exclusiveLock(0, 10, true).send();
        }
    }

    @Test
    void closeReleasesTheOpensLocks() throws Exception {
        try (File b = open(share)) {
            File a = open(share);
            a.requestLock().exclusiveLock(0, 100, true).sharedLock(200, 100, true).send();
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> b.requestLock().exclusiveLock(0, 1, true).send());
            a.close();
            b.requestLock().exclusiveLock(0, 1, true).exclusiveLock(250, 1, true).send();
        }
        assertTrue(locks().locks(fileId()).isEmpty(), "locks after every close: " + locks().locks(fileId()));
    }

    @Test
    void logoffReleasesTheOpensLocks() throws Exception {
        DiskShare other = connect();
        File held = open(other);
        held.requestLock().exclusiveLock(0, 100, true).send();
        other.getTreeConnect().getSession().logoff();
        try (File b = open(share)) {
            b.requestLock().exclusiveLock(0, 100, true).send();
        }
    }

    @Test
    void readWriteHonourOtherOpensLocks() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 100, true).send();
            byte[] buf = new byte[10];
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> b.read(buf, 0, 0, 10));
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> b.write(buf, 95));
            assertEquals(10, a.read(buf, 0, 0, 10));
            assertEquals(10, a.write(buf, 0));
            assertEquals(10, b.read(buf, 100, 0, 10));
            a.requestLock().sharedLock(1000, 100, true).send();
            assertEquals(10, b.read(buf, 1000, 0, 10));
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> b.write(buf, 1090));
            // a shared lock forbids writes by its own open too ([MS-FSA] 2.1.4.10)
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> a.write(buf, 1000));
        }
    }

    @Test
    void posixLockBlocksSmbLockAndReadWrite() throws Exception {
        long fileId = fileId();
        LockOwner nfs = new LockOwner("nfs-client-1", "lock-owner-7");
        LockResult held = locks().lock(fileId, nfs, LockFlavor.POSIX, LockType.WRITE, 100, 50, false)
                .get(10, TimeUnit.SECONDS);
        assertEquals(LockStatus.GRANTED, held.status());
        try (File a = open(share)) {
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> a.requestLock().sharedLock(149, 10, true).send());
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> a.read(new byte[10], 120, 0, 10));
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> a.write(new byte[10], 95));
            a.requestLock().exclusiveLock(0, 100, true).send();
            // a blocking SMB lock waits for the NFS owner's unlock
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> a.requestLock()
                    .exclusiveLock(100, 50).send());
            settle();
            assertTrue(!waiting.isDone(), "SMB lock granted over a POSIX lock");
            assertEquals(LockStatus.OK, locks().unlock(fileId, nfs, LockFlavor.POSIX, 0, -1L).status());
            waiting.get(10, TimeUnit.SECONDS);
            assertEquals(10, a.read(new byte[10], 120, 0, 10));
        }
    }

    @Test
    void smbLockBlocksPosixLock() throws Exception {
        long fileId = fileId();
        LockOwner nfs = new LockOwner("nfs-client-1", "lock-owner-7");
        try (File a = open(share)) {
            a.requestLock().sharedLock(0, 100, true).send();
            assertEquals(LockStatus.DENIED,
                    locks().test(fileId, nfs, LockFlavor.POSIX, LockType.WRITE, 50, 1).status());
            assertEquals(LockStatus.GRANTED,
                    locks().test(fileId, nfs, LockFlavor.POSIX, LockType.READ, 50, 1).status());
            assertEquals(LockStatus.DENIED, locks().lock(fileId, nfs, LockFlavor.POSIX, LockType.WRITE, 99, -1L,
                    false).get(10, TimeUnit.SECONDS).status());
            // a waiting POSIX lock is granted once the SMB open unlocks
            CompletableFuture<LockResult> waiting =
                    locks().lock(fileId, nfs, LockFlavor.POSIX, LockType.WRITE, 0, 10, true);
            Thread.sleep(100);
            assertTrue(!waiting.isDone());
            a.requestLock().unlock(0, 100).send();
            assertEquals(LockStatus.GRANTED, waiting.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(LockStatus.GRANTED,
                locks().test(fileId, new LockOwner("nfs-client-2", "x"), LockFlavor.POSIX, LockType.WRITE, 50, 1)
                        .status());
    }

    /** One raw SMB2 LOCK element: SMBJ refuses flag combinations and offsets the server must reject itself. */
    private record Element(long offset, long length, int flags) {
    }

    /** A LOCK request written byte by byte ([MS-SMB2] 2.2.26), bypassing SMBJ's validation. */
    private static final class RawLockRequest extends com.hierynomus.mssmb2.SMB2Packet {
        private final byte[] fileId;
        private final List<Element> elements;

        RawLockRequest(long sessionId, long treeId, byte[] fileId, List<Element> elements) {
            super(48, SMB2Dialect.SMB_3_1_1, com.hierynomus.mssmb2.SMB2MessageCommandCode.SMB2_LOCK, sessionId,
                    treeId);
            this.fileId = fileId;
            this.elements = elements;
        }

        @Override
        protected void writeTo(com.hierynomus.smb.SMBBuffer buffer) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + 24 * elements.size())
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 48).putShort((short) elements.size()).putInt(0).put(fileId);
            for (Element e : elements) {
                b.putLong(e.offset()).putLong(e.length()).putInt(e.flags()).putInt(0);
            }
            buffer.putRawBytes(b.array());
        }
    }

    private static byte[] fileIdBytes(File file) {
        com.hierynomus.smb.SMBBuffer buf = new com.hierynomus.smb.SMBBuffer();
        file.getFileId().write(buf);
        return buf.getCompactData();
    }

    /** Sends one raw LOCK request naming {@code fileId} and returns its status. */
    private long rawLock(byte[] fileId, Element... elements) throws Exception {
        com.hierynomus.smbj.session.Session session = share.getTreeConnect().getSession();
        com.hierynomus.mssmb2.SMB2Packet r = session.send(new RawLockRequest(session.getSessionId(),
                share.getTreeConnect().getTreeId(), fileId, List.of(elements))).get(10, TimeUnit.SECONDS);
        return r.getHeader().getStatusCode();
    }

    private long rawLock(File file, Element... elements) throws Exception {
        return rawLock(fileIdBytes(file), elements);
    }

    private static Element element(long offset, long length, int flags) {
        return new Element(offset, length, flags);
    }

    private static final int SHARED = 1;
    private static final int EXCLUSIVE = 2;
    private static final int UNLOCK = 4;
    private static final int FAIL_IMMEDIATELY = 0x10;

    /** STATUS_INVALID_LOCK_RANGE, which SMBJ's NtStatus lacks. */
    private static final long INVALID_LOCK_RANGE = 0xC00001A1L;


    @Test
    void unlockElementsMustCarryOnlyTheUnlockFlag() throws Exception {
        try (File a = open(share)) {
            a.requestLock().exclusiveLock(0, 10, true).send();
            assertEquals(NtStatus.STATUS_INVALID_PARAMETER.getValue(), rawLock(a,
                    element(0, 10, UNLOCK | FAIL_IMMEDIATELY)));
            assertEquals(NtStatus.STATUS_INVALID_PARAMETER.getValue(), rawLock(a,
                    element(0, 10, UNLOCK | SHARED)));
            assertEquals(NtStatus.STATUS_INVALID_PARAMETER.getValue(), rawLock(a, element(0, 10, 0)));
            // an unlock list stops at its first failure, before it looks at a later element's flags
            assertEquals(NtStatus.STATUS_RANGE_NOT_LOCKED.getValue(), rawLock(a,
                    element(50, 1, UNLOCK), element(50, 1, 0)));
            assertEquals(NtStatus.STATUS_SUCCESS.getValue(), rawLock(a, element(0, 10, UNLOCK)));
        }
    }

    @Test
    void stackedLocksOfOneOpenUnlockOneAtATime() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(100, 10, true).send();
            a.requestLock().sharedLock(100, 10, true).send();
            a.requestLock().sharedLock(100, 10, true).send();
            // a multi-element unlock of the same range removes two of the three
            a.requestLock().unlock(100, 10).unlock(100, 10).send();
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> b.requestLock().exclusiveLock(100, 1, true).send());
            a.requestLock().unlock(100, 10).send();
            assertStatus(NtStatus.STATUS_RANGE_NOT_LOCKED, () -> a.requestLock().unlock(100, 10).send());
            b.requestLock().exclusiveLock(100, 1, true).send();
        }
    }

    @Test
    void rangesUpToTheLast64BitByte() throws Exception {
        try (File a = open(share); File b = open(share)) {
            // offset + length - 1 beyond 2^64 - 1 is an invalid range
            assertEquals(INVALID_LOCK_RANGE, rawLock(a, element(-1L, -1L, EXCLUSIVE | FAIL_IMMEDIATELY)));
            // the very last byte, and the range ending there, are lockable (SMBJ refuses such offsets)
            long top = 0xFFFFFFFFFFFFFFF0L;
            assertEquals(0L, rawLock(a, element(top, 16, EXCLUSIVE | FAIL_IMMEDIATELY)));
            assertEquals(NtStatus.STATUS_LOCK_NOT_GRANTED.getValue(),
                    rawLock(b, element(-1L, 1, EXCLUSIVE | FAIL_IMMEDIATELY)));
            assertEquals(0L, rawLock(a, element(top, 16, UNLOCK)));
            assertEquals(0L, rawLock(b, element(-1L, 1, EXCLUSIVE | FAIL_IMMEDIATELY)));
        }
    }

    @Test
    void zeroByteReadInsideAnotherOpensLockSucceeds() throws Exception {
        try (File a = open(share); File b = open(share)) {
            a.requestLock().exclusiveLock(0, 10, true).send();
            // no FILE_LOCK_CONFLICT: a read of no bytes touches no locked byte
            assertTrue(b.read(new byte[0], 5, 0, 0) <= 0);
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> b.read(new byte[1], 5, 0, 1));
        }
    }

    @Test
    void aFileIdWithAWrongPersistentHalfIsClosed() throws Exception {
        try (File a = open(share)) {
            byte[] wrong = fileIdBytes(a);
            wrong[0]++; // the persistent half; the volatile half still names the open
            assertEquals(NtStatus.STATUS_FILE_CLOSED.getValue(), rawLock(wrong, element(0, 1, EXCLUSIVE)));
            assertEquals(NtStatus.STATUS_SUCCESS.getValue(), rawLock(a, element(0, 1, EXCLUSIVE)));
        }
    }
}
