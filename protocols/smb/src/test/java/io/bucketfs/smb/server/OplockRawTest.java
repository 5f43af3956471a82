package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.server.RawSmbClient.Answer;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.vfs.lock.LockOwner;
import io.bucketfs.vfs.lock.LockStatus;
import io.bucketfs.vfs.lock.ShareAccess;
import io.bucketfs.vfs.lock.ShareResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oplocks over raw SMB 2.1 frames ([MS-SMB2] 3.3.5.9, 3.3.4.6, 3.3.5.22.1): grants, OPLOCK_BREAK
 * notifications, acknowledgments, the conflicting CREATE answered STATUS_PENDING until the break is
 * acknowledged, and an open through the lock manager by another protocol (as NFS does) breaking an oplock.
 */
@Timeout(30)
class OplockRawTest {
    private static final int CREATE = 5;
    private static final int WRITE = 9;
    private static final int OPLOCK_BREAK = 0x12;
    private static final int READ_WRITE = 0x3; // FILE_READ_DATA | FILE_WRITE_DATA
    private static final int READ = 0x1;

    @TempDir
    Path tmp;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static ByteBuffer le(int size) {
        return RawSmbClient.le(size);
    }

    private RawSmbClient client() throws IOException {
        return new RawSmbClient(fixture.port(), 0x0210);
    }

    /** A logged-in client with the share connected. */
    private RawSmbClient connected(RawSmbClient c) throws IOException {
        c.sessionId = c.login(0, 0, SmbFixture.PASSWORD).sessionId();
        assertEquals(NtStatus.SUCCESS, c.treeConnect(c.sessionId));
        return c;
    }

    static byte[] createBody(String name, int oplock, int access, int disposition) {
        byte[] path = name.getBytes(StandardCharsets.UTF_16LE);
        return le(56 + path.length).putShort((short) 57).put((byte) 0).put((byte) oplock).putInt(2).putLong(0)
                .putLong(0).putInt(access).putInt(0x80).putInt(0x7).putInt(disposition).putInt(0x40)
                .putShort((short) (64 + 56)).putShort((short) path.length).putInt(0).putInt(0).put(path).array();
    }

    /** CREATE asking for a v1 lease ([MS-SMB2] 2.2.13.2.8) of {@code state} under lease key {@code key}; OPEN_IF. */
    private static Answer createLeased(RawSmbClient c, String name, long key, int state) throws IOException {
        return c.call(CREATE, c.sessionId, createLeasedBody(name, key, state));
    }

    /** The body of {@link #createLeased}: read/write access, share all, OPEN_IF, an RqLs v1 context. */
    static byte[] createLeasedBody(String name, long key, int state) {
        byte[] path = name.getBytes(StandardCharsets.UTF_16LE);
        int ctxOffset = (64 + 56 + path.length + 7) & ~7;
        ByteBuffer b = le(ctxOffset - 64 + 56);
        b.putShort((short) 57).put((byte) 0).put((byte) Oplocks.LEASE).putInt(2).putLong(0).putLong(0)
                .putInt(READ_WRITE).putInt(0x80).putInt(0x7).putInt(3).putInt(0x40).putShort((short) (64 + 56))
                .putShort((short) path.length).putInt(ctxOffset).putInt(56).put(path);
        b.position(ctxOffset - 64);
        b.putInt(0).putShort((short) 16).putShort((short) 4).putShort((short) 0).putShort((short) 24).putInt(32)
                .put("RqLs".getBytes(StandardCharsets.US_ASCII)).putInt(0).putLong(key).putLong(~key)
                .putInt(state).putInt(0).putLong(0);
        return b.array();
    }

    /** The lease state of a CREATE response's RqLs context (the only one asked for). */
    private static int leaseStateOf(Answer create) {
        ByteBuffer b = ByteBuffer.wrap(create.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int ctx = b.getInt(64 + 80);
        return b.getInt(ctx + 24 + 16);
    }

    /** CREATE with an oplock request; OPEN_IF. */
    private static Answer create(RawSmbClient c, String name, int oplock, int access) throws IOException {
        return c.call(CREATE, c.sessionId, createBody(name, oplock, access, 3));
    }

    private static int oplockOf(Answer create) {
        return create.bytes()[64 + 2] & 0xFF;
    }

    private static long fileIdOf(Answer create) {
        return ByteBuffer.wrap(create.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(64 + 64 + 8);
    }

    private static int command(Answer a) {
        return ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN).getShort(12) & 0xFFFF;
    }

    private static long messageId(Answer a) {
        return ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
    }

    private static Answer ack(RawSmbClient c, long fileId, int level) throws IOException {
        byte[] b = le(24).putShort((short) 24).put((byte) level).put((byte) 0).putInt(0).putLong(fileId)
                .putLong(fileId).array();
        return c.call(OPLOCK_BREAK, c.sessionId, b);
    }

    /** Reads the OPLOCK_BREAK notification for {@code fileId}; returns the level it breaks to. */
    private static int breakNotification(RawSmbClient c, long fileId) throws IOException {
        Answer n = c.read();
        assertEquals(OPLOCK_BREAK, command(n));
        assertEquals(-1L, messageId(n), "unsolicited");
        ByteBuffer b = ByteBuffer.wrap(n.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(fileId, b.getLong(64 + 8));
        return b.get(64 + 2) & 0xFF;
    }

    @Test
    void batchIsGrantedAloneAndBreaksToLevelTwoWhenAnotherOpenReads() throws Exception {
        try (RawSmbClient a = connected(client()); RawSmbClient b = connected(client())) {
            Answer first = create(a, "f.txt", Oplocks.BATCH, READ);
            assertEquals(NtStatus.SUCCESS, first.status());
            assertEquals(Oplocks.BATCH, oplockOf(first));
            long fid = fileIdOf(first);

            b.send(CREATE, b.sessionId, createBody("f.txt", Oplocks.BATCH, READ, 1));
            assertEquals(NtStatus.PENDING, b.read().status(), "waits for the break");
            assertEquals(Oplocks.LEVEL_II, breakNotification(a, fid));
            Answer acked = ack(a, fid, Oplocks.LEVEL_II);
            assertEquals(NtStatus.SUCCESS, acked.status());
            assertEquals(Oplocks.LEVEL_II, acked.bytes()[64 + 2] & 0xFF);
            Answer second = b.read();
            assertEquals(NtStatus.SUCCESS, second.status());
            assertEquals(Oplocks.LEVEL_II, oplockOf(second), "both cache reads now");
        }
    }

    @Test
    void theHoldersOwnWriteBreaksItsLevelTwoOplock() throws Exception {
        try (RawSmbClient a = connected(client()); RawSmbClient b = connected(client())) {
            Answer mine = create(a, "w.txt", Oplocks.LEVEL_II, READ_WRITE);
            assertEquals(Oplocks.LEVEL_II, oplockOf(mine));
            long fid = fileIdOf(mine);
            byte[] w = le(48 + 1).putShort((short) 49).putShort((short) (64 + 48)).putInt(1).putLong(0).putLong(fid)
                    .putLong(fid).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .put((byte) 7).array();
            a.send(WRITE, a.sessionId, w);
            Answer first = a.read();
            Answer second = a.read();
            Answer notice = command(first) == OPLOCK_BREAK ? first : second;
            assertEquals(NtStatus.SUCCESS, (notice == first ? second : first).status());
            assertEquals(Oplocks.NONE, notice.bytes()[64 + 2] & 0xFF);
        }
    }

    @Test
    void aLeaseIsGrantedAndAnotherLeaseKeyBreaksItsWriteCaching() throws Exception {
        try (RawSmbClient a = connected(client())) {
            Answer first = createLeased(a, "l.txt", 0x1111, SmbLeases.R | SmbLeases.H | SmbLeases.W);
            assertEquals(NtStatus.SUCCESS, first.status());
            assertEquals(Oplocks.LEASE, oplockOf(first));
            assertEquals(SmbLeases.R | SmbLeases.H | SmbLeases.W, leaseStateOf(first));
            Answer sameKey = createLeased(a, "l.txt", 0x1111, SmbLeases.R);
            assertEquals(SmbLeases.R | SmbLeases.H | SmbLeases.W, leaseStateOf(sameKey), "one lease, no break");

            a.send(CREATE, a.sessionId, createLeasedBody("l.txt", 0x2222, SmbLeases.R | SmbLeases.H));
            Answer one = a.read(); // the interim response and the break, in either order
            Answer two = a.read();
            Answer notice = command(one) == OPLOCK_BREAK ? one : two;
            assertEquals(NtStatus.PENDING, (notice == one ? two : one).status());
            assertEquals(OPLOCK_BREAK, command(notice));
            ByteBuffer n = ByteBuffer.wrap(notice.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(44, n.getShort(64));
            assertEquals(1, n.getInt(64 + 4), "ACK_REQUIRED");
            assertEquals(0x1111, n.getLong(64 + 8));
            assertEquals(SmbLeases.R | SmbLeases.H | SmbLeases.W, n.getInt(64 + 24));
            assertEquals(SmbLeases.R | SmbLeases.H, n.getInt(64 + 28));
            byte[] ackBody = le(36).putShort((short) 36).putShort((short) 0).putInt(0).putLong(0x1111).putLong(~0x1111L)
                    .putInt(SmbLeases.R | SmbLeases.H).putLong(0).array();
            a.send(OPLOCK_BREAK, a.sessionId, ackBody);
            Answer x = a.read();
            Answer y = a.read();
            Answer ackAnswer = command(x) == OPLOCK_BREAK ? x : y;
            Answer second = ackAnswer == x ? y : x;
            assertEquals(NtStatus.SUCCESS, ackAnswer.status());
            assertEquals(NtStatus.SUCCESS, second.status());
            assertEquals(SmbLeases.R | SmbLeases.H, leaseStateOf(second), "both read and handle caching now");
        }
    }

    @Test
    void anAcknowledgmentWithoutABreakIsAProtocolError() throws Exception {
        try (RawSmbClient a = connected(client())) {
            Answer first = create(a, "g.txt", Oplocks.EXCLUSIVE, READ_WRITE);
            assertEquals(Oplocks.EXCLUSIVE, oplockOf(first));
            assertEquals(NtStatus.INVALID_OPLOCK_PROTOCOL, ack(a, fileIdOf(first), Oplocks.NONE).status());
        }
    }

    @Test
    void aWriterOnAnotherProtocolBreaksTheOplockToNone() throws Exception {
        try (RawSmbClient a = connected(client())) {
            Answer first = create(a, "h.txt", Oplocks.BATCH, READ_WRITE);
            assertEquals(Oplocks.BATCH, oplockOf(first));
            long fid = fileIdOf(first);
            long fileId = fixture.vfs.lookup(io.bucketfs.vfs.Caller.ROOT, fixture.vfs.root(), "h.txt").attr().fileId();
            CompletableFuture<ShareResult> nfsOpen = fixture.vfs.locks().openShare(fileId,
                    new LockOwner("nfs-client-1", "owner"), EnumSet.of(ShareAccess.READ, ShareAccess.WRITE),
                    EnumSet.noneOf(ShareAccess.class));
            assertEquals(Oplocks.NONE, breakNotification(a, fid));
            assertFalse(nfsOpen.isDone(), "the NFS open waits for the acknowledgment");
            assertEquals(NtStatus.SUCCESS, ack(a, fid, Oplocks.NONE).status());
            assertEquals(LockStatus.GRANTED, nfsOpen.get(5, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void anOpenForWritingBreaksExclusiveToLevelTwoAndBothCacheReads() throws Exception {
        try (RawSmbClient a = connected(client()); RawSmbClient b = connected(client())) {
            Answer first = create(a, "m.txt", Oplocks.EXCLUSIVE, READ_WRITE);
            assertEquals(Oplocks.EXCLUSIVE, oplockOf(first));
            b.send(CREATE, b.sessionId, createBody("m.txt", Oplocks.EXCLUSIVE, READ_WRITE, 1));
            assertEquals(NtStatus.PENDING, b.read().status());
            assertEquals(Oplocks.LEVEL_II, breakNotification(a, fileIdOf(first)), "[MS-FSA] 2.1.5.1.2");
            assertEquals(NtStatus.SUCCESS, ack(a, fileIdOf(first), Oplocks.LEVEL_II).status());
            assertEquals(Oplocks.LEVEL_II, oplockOf(b.read()));
        }
    }

    @Test
    void aSharingViolationBreaksNoExclusiveOplock() throws Exception {
        try (RawSmbClient a = connected(client()); RawSmbClient b = connected(client())) {
            byte[] none = createBody("n.txt", Oplocks.EXCLUSIVE, READ_WRITE, 3);
            ByteBuffer.wrap(none).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 0); // ShareAccess: none
            Answer first = a.call(CREATE, a.sessionId, none);
            assertEquals(Oplocks.EXCLUSIVE, oplockOf(first));
            assertEquals(NtStatus.SHARING_VIOLATION, create(b, "n.txt", Oplocks.NONE, READ).status());
            assertEquals(NtStatus.INVALID_OPLOCK_PROTOCOL, ack(a, fileIdOf(first), Oplocks.NONE).status(),
                    "no break was sent");
        }
    }

    @Test
    void levelTwoBreaksToNoneWithoutWaiting() throws Exception {
        try (RawSmbClient a = connected(client()); RawSmbClient b = connected(client())) {
            Answer first = create(a, "k.txt", Oplocks.LEVEL_II, READ);
            assertEquals(Oplocks.LEVEL_II, oplockOf(first));
            Answer writer = create(b, "k.txt", Oplocks.NONE, READ_WRITE);
            assertEquals(NtStatus.SUCCESS, writer.status(), "opening for write breaks no LEVEL_II oplock");
            long wid = fileIdOf(writer);
            byte[] w = le(48 + 3).putShort((short) 49).putShort((short) (64 + 48)).putInt(3).putLong(0).putLong(wid)
                    .putLong(wid).putInt(0).putInt(0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .put(new byte[] {1, 2, 3}).array();
            assertEquals(NtStatus.SUCCESS, b.call(WRITE, b.sessionId, w).status(), "no acknowledgment awaited");
            assertEquals(Oplocks.NONE, breakNotification(a, fileIdOf(first)), "the write breaks it");
            assertEquals(NtStatus.INVALID_OPLOCK_PROTOCOL, ack(a, fileIdOf(first), Oplocks.NONE).status(),
                    "a break of LEVEL_II is not acknowledged");
        }
    }
}
