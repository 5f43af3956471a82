package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.nfs.v4.ops.LockDenied;
import io.bucketfs.nfs.v4.ops.LockRes;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpLock;
import io.bucketfs.nfs.v4.ops.OpLockt;
import io.bucketfs.nfs.v4.ops.OpLocku;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.xdr.Stateid4;
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
 * The real NFSv4.1 server and the real SMB server on one VfsRuntime: a byte-range lock taken over NFS makes the
 * overlapping SMB lock fail, and the reverse (issue 5's cross-protocol check), through the one VFS lock manager.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NfsSmbLockTest {
    @TempDir
    Path tmp;
    private NfsSmbFixture x;
    private Nfs4TestClient nfs;
    private DiskShare share;
    private byte[] file;
    private Stateid4 open;

    @BeforeEach
    void start() throws Exception {
        x = new NfsSmbFixture(tmp, false);
        nfs = x.nfs;
        share = x.share;
        CompoundRes r = nfs.ok(Nfs4TestClient.putfh(nfs.fh("default")), Nfs4LoopbackTestBase.create("shared.bin",
                Nfs4LoopbackTestBase.owner("o1"), OpOpen.SHARE_ACCESS_BOTH), new OpGetfh.Args());
        open = ((OpOpen.Res) r.result(OpCode.OPEN)).stateid();
        file = ((OpGetfh.Res) r.result(OpCode.GETFH)).fh();
    }

    @AfterEach
    void stop() throws Exception {
        if (x != null) {
            x.close();
        }
    }

    private File smbOpen() {
        return share.openFile("shared.bin", EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null);
    }

    private LockRes nfsLock(int type, long offset, long length) throws Exception {
        return nfs.ok(Nfs4TestClient.putfh(file), new OpLock.Args(type, false, offset, length, true, 0, open, 0,
                nfs.clientId, Nfs4LoopbackTestBase.owner("lock-owner"))).result(OpCode.LOCK);
    }

    private static void assertStatus(NtStatus want, org.junit.jupiter.api.function.Executable call) {
        SMBApiException e = assertThrows(SMBApiException.class, call);
        assertEquals(want, e.getStatus(), e.getMessage());
    }

    @Test
    void nfsLockBlocksOverlappingSmbLockAndIo() throws Exception {
        LockRes held = nfsLock(LockDenied.WRITE_LT, 100, 50);
        try (File f = smbOpen()) {
            assertStatus(NtStatus.STATUS_LOCK_NOT_GRANTED, () -> f.requestLock().sharedLock(149, 1, true).send());
            assertStatus(NtStatus.STATUS_FILE_LOCK_CONFLICT, () -> f.write(new byte[8], 96));
            f.requestLock().exclusiveLock(0, 100, true).send();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> f.requestLock()
                    .exclusiveLock(120, 10).send());
            Thread.sleep(300);
            assertTrue(!waiting.isDone(), "SMB lock granted over an NFS lock");
            nfs.ok(Nfs4TestClient.putfh(file), new OpLocku.Args(LockDenied.WRITE_LT, 0, held.stateid(), 100, 50));
            waiting.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void smbLockBlocksOverlappingNfsLock() throws Exception {
        try (File f = smbOpen()) {
            f.requestLock().sharedLock(0, 100, true).send();
            CompoundRes denied = nfs.seq(Nfs4TestClient.putfh(file), new OpLock.Args(LockDenied.WRITE_LT, false,
                    99, 10, true, 0, open, 0, nfs.clientId, Nfs4LoopbackTestBase.owner("lock-owner")));
            assertEquals(NfsStat4.NFS4ERR_DENIED, denied.status());
            CompoundRes tested = nfs.seq(Nfs4TestClient.putfh(file), new OpLockt.Args(LockDenied.WRITE_LT, 50, 1,
                    nfs.clientId, Nfs4LoopbackTestBase.owner("lock-owner")));
            assertEquals(NfsStat4.NFS4ERR_DENIED, tested.status());
            // shared with shared is fine across protocols
            nfsLock(LockDenied.READ_LT, 50, 10);
        }
        // closing the SMB open released its lock: NFS may now lock the range exclusively
        nfsLock(LockDenied.WRITE_LT, 0, 50);
    }
}
