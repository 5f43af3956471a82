package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.server.RawSmbClient.Answer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FAIL_IMMEDIATELY LOCK whose decision waits for a lease break ([MS-SMB2] 3.3.5.14.2; the holder has the break
 * timeout to acknowledge) is answered STATUS_PENDING and decided later, so waiting LOCKs hold no worker: with
 * more of them than the server has workers ({@link SmbSettings#DEFAULT_WORKER_THREADS}) and a lease holder that
 * does not answer its break, another client's requests are still served; when the holder goes, every LOCK gets its
 * final SUCCESS. Raw SMB 2.1 frames (v1 leases).
 */
@Timeout(60)
class LockLeaseBreakWaitRawTest {
    private static final int CREATE = 5;
    private static final int LOCK = 10;
    private static final int ECHO = 13;
    private static final int READ_CACHING = 0x1;
    private static final int HANDLE_CACHING = 0x2;
    private static final String NAME = "leased.bin";

    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private final List<RawSmbClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        for (RawSmbClient c : clients) {
            c.close();
        }
        fixture.close();
    }

    private RawSmbClient connected() throws Exception {
        RawSmbClient c = new RawSmbClient(fixture.port(), 0x0210);
        clients.add(c);
        c.sessionId = c.login(0, 0, SmbFixture.PASSWORD).sessionId();
        assertEquals(NtStatus.SUCCESS, c.treeConnect(c.sessionId));
        return c;
    }

    @Test
    void failImmediatelyLocksWaitingForALeaseBreakHoldNoWorker() throws Exception {
        RawSmbClient bystander = connected();
        int waiting = SmbSettings.DEFAULT_WORKER_THREADS + 1;
        List<RawSmbClient> lockers = new ArrayList<>();
        List<Long> fileIds = new ArrayList<>();
        for (int i = 0; i < waiting; i++) {
            RawSmbClient c = connected();
            Answer open = c.call(CREATE, c.sessionId, OplockRawTest.createBody(NAME, 0, 0x1 /* READ_DATA */, 3));
            assertEquals(NtStatus.SUCCESS, open.status());
            fileIds.add(ByteBuffer.wrap(open.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(64 + 64 + 8));
            lockers.add(c);
        }
        RawSmbClient holder = connected();
        Answer leased = holder.call(CREATE, holder.sessionId,
                OplockRawTest.createLeasedBody(NAME, 77, READ_CACHING | HANDLE_CACHING));
        assertEquals(NtStatus.SUCCESS, leased.status());
        for (int i = 0; i < waiting; i++) {
            RawSmbClient c = lockers.get(i);
            // a shared FAIL_IMMEDIATELY lock breaks the holder's read-handle lease, which needs an acknowledgment
            // the holder never sends
            assertEquals(NtStatus.PENDING, c.call(LOCK, c.sessionId, lockBody(fileIds.get(i), i)).status(),
                    "the interim answer; the decision waits for the lease break");
        }
        // every waiting LOCK would hold a worker for the break timeout (35 s) if it waited on one: the RawSmbClient
        // read times out long before
        assertEquals(NtStatus.SUCCESS, bystander.call(ECHO, bystander.sessionId, new byte[] {4, 0, 0, 0}).status());
        assertEquals(NtStatus.SUCCESS, bystander.call(CREATE, bystander.sessionId,
                OplockRawTest.createBody("other.bin", 0, 0x3, 3)).status(), "a CREATE runs on a worker");
        holder.close(); // the lease goes with its connection: the breaks are over
        for (RawSmbClient c : lockers) {
            assertEquals(NtStatus.SUCCESS, c.read().status(), "the final answer: shared locks granted");
        }
    }

    /** LOCK ([MS-SMB2] 2.2.26) of one shared FAIL_IMMEDIATELY element, bytes {@code 10 * i} to {@code 10 * i + 9}. */
    private static byte[] lockBody(long fileId, int i) {
        return RawSmbClient.le(48).putShort((short) 48).putShort((short) 1).putInt(0).putLong(fileId)
                .putLong(fileId).putLong(10L * i).putLong(10).putInt(LockCommands.SHARED | LockCommands.FAIL_IMMEDIATELY)
                .putInt(0).array();
    }
}
