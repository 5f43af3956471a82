package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.fileinformation.FileStandardInformation;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.share.Directory;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.nfs.v3.Nfs3Client;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.OpClose;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpLookup;
import io.bucketfs.nfs.v4.ops.OpOpen;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real NFS server (v4.1 and v3) and the real SMB server on one VfsRuntime, for the open state they share
 * through the VFS: delete-pending set by an SMB client (FileDispositionInformation) refuses NFSv4 OPENs of the file
 * and NFS creates in the directory, the file goes for NFS too at the last close of either protocol's opens; and
 * share modes refuse opens across the protocols in both directions (SMB ShareAccess against NFSv4 OPEN access,
 * NFSv4 OPEN deny against SMB DesiredAccess).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NfsSmbOpenStateTest {
    private static final int NFS3ERR_NOENT = 2;
    private static final int NFS3ERR_JUKEBOX = 10008;
    private static final int DENY_WRITE = 2;

    @TempDir
    Path tmp;
    private NfsSmbFixture x;
    private Nfs4TestClient nfs;
    private Nfs3Client nfs3;
    private byte[] nfs3Root;
    private DiskShare share;

    @BeforeEach
    void start() throws Exception {
        x = new NfsSmbFixture(tmp, true);
        nfs = x.nfs;
        share = x.share;
        nfs3 = new Nfs3Client(x.fx.server.address().getPort());
        nfs3Root = nfs3.root("/default");
    }

    @AfterEach
    void stop() throws Exception {
        if (nfs3 != null) {
            nfs3.close();
        }
        if (x != null) {
            x.close();
        }
    }

    private File smbFile(String name, EnumSet<AccessMask> access, java.util.Set<SMB2ShareAccess> sharing,
            SMB2CreateDisposition disposition) {
        return share.openFile(name, access, null, sharing, disposition, null);
    }

    private static void assertStatus(NtStatus want, org.junit.jupiter.api.function.Executable call) {
        SMBApiException e = assertThrows(SMBApiException.class, call);
        assertEquals(want, e.getStatus(), e.getMessage());
    }

    /** An NFSv4 OPEN of an existing file in the export root: the compound's status. */
    private int nfsOpen(String name, String owner, int access, int deny) throws Exception {
        return nfs.seq(Nfs4TestClient.putfh(nfs.fh("default")), new OpOpen.Args(0, access, deny, 0,
                Nfs4LoopbackTestBase.owner(owner), OpOpen.OPEN4_NOCREATE, -1, null, 0, OpOpen.CLAIM_NULL, name))
                .status();
    }

    private Stateid4 nfsOpenOk(String name, String owner, int access, int deny) throws Exception {
        return ((OpOpen.Res) nfs.ok(Nfs4TestClient.putfh(nfs.fh("default")), new OpOpen.Args(0, access, deny, 0,
                Nfs4LoopbackTestBase.owner(owner), OpOpen.OPEN4_NOCREATE, -1, null, 0, OpOpen.CLAIM_NULL, name))
                .result(OpCode.OPEN)).stateid();
    }

    private void nfsClose(String name, Stateid4 open) throws Exception {
        nfs.ok(Nfs4TestClient.putfh(nfs.fh("default", name)), new OpClose.Args(0, open));
    }

    private int nfsLookup(String name) throws Exception {
        return nfs.seq(Nfs4TestClient.putfh(nfs.fh("default")), new OpLookup.Args(name)).status();
    }

    // ------------------------------------------------------------------ delete-pending

    @Test
    void whileSmbHoldsADeletePendingFileNfsCannotOpenOrCreateItAndAfterTheCloseItIsGone() throws Exception {
        try (File f = smbFile("doomed.txt", EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE,
                AccessMask.DELETE), SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_CREATE)) {
            f.write(new byte[] {1, 2, 3}, 0);
            f.deleteOnClose(); // SET_INFO FileDispositionInformation: delete-pending from now on
            assertEquals(NfsStat4.NFS4_OK, nfsLookup("doomed.txt"), "a lookup still finds it");
            assertEquals(NfsStat4.NFS4ERR_FILE_OPEN, nfsOpen("doomed.txt", "o1", OpOpen.SHARE_ACCESS_READ, 0));
            // OPEN4_CREATE, UNCHECKED4 with size 0: an open of the existing file, which would truncate it
            int create = nfs.seq(Nfs4TestClient.putfh(nfs.fh("default")), new OpOpen.Args(0,
                    OpOpen.SHARE_ACCESS_BOTH, 0, 0, Nfs4LoopbackTestBase.owner("o2"), OpOpen.OPEN4_CREATE,
                    OpOpen.UNCHECKED4, new Fattr4(Bitmap4.of(Fattr.SIZE), new byte[8]), 0, OpOpen.CLAIM_NULL,
                    "doomed.txt")).status();
            assertEquals(NfsStat4.NFS4ERR_FILE_OPEN, create, "an OPEN4_CREATE of it is an open too");
            assertEquals(NFS3ERR_JUKEBOX, nfs3.create(nfs3Root, "doomed.txt", 0, 0).status, "NFSv3 CREATE");
            assertEquals(3, f.getFileInformation(FileStandardInformation.class).getEndOfFile(),
                    "nothing truncated it");
        }
        assertEquals(NfsStat4.NFS4ERR_NOENT, nfsLookup("doomed.txt"));
        assertEquals(NFS3ERR_NOENT, nfs3.lookup(nfs3Root, "doomed.txt").status);
    }

    @Test
    void nothingIsCreatedOverNfsInADeletePendingSmbDirectory() throws Exception {
        share.mkdir("doomed");
        byte[] dir = nfs3.lookup(nfs3Root, "doomed").object;
        try (Directory d = share.openDirectory("doomed", EnumSet.of(AccessMask.GENERIC_READ, AccessMask.DELETE),
                null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
            d.deleteOnClose();
            assertEquals(NFS3ERR_JUKEBOX, nfs3.create(dir, "new.txt", 0, 0).status, "NFSv3 CREATE");
            assertEquals(NFS3ERR_JUKEBOX, nfs3.mkdir(dir, "sub").status, "NFSv3 MKDIR");
            int create = nfs.seq(Nfs4TestClient.putfh(nfs.fh("default", "doomed")), Nfs4LoopbackTestBase.create(
                    "new.txt", Nfs4LoopbackTestBase.owner("o1"), OpOpen.SHARE_ACCESS_BOTH)).status();
            assertEquals(NfsStat4.NFS4ERR_FILE_OPEN, create, "NFSv4 OPEN4_CREATE");
        }
        assertEquals(NFS3ERR_NOENT, nfs3.lookup(nfs3Root, "doomed").status, "the SMB close removed it");
    }

    @Test
    void anNfsOpenHeldBeforeTheDeleteKeepsTheFileUntilTheNfsClose() throws Exception {
        share.openFile("shared.txt", EnumSet.of(AccessMask.GENERIC_WRITE), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_CREATE, null).close();
        Stateid4 held = nfsOpenOk("shared.txt", "o1", OpOpen.SHARE_ACCESS_READ, 0);
        try (File f = smbFile("shared.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            f.deleteOnClose();
        }
        assertEquals(NfsStat4.NFS4_OK, nfsLookup("shared.txt"), "the NFSv4 open is not closed yet");
        // a second OPEN by the same open-owner (an upgrade, or the same bits) is a new open: refused, and the
        // open it would have replaced stays as it was
        assertEquals(NfsStat4.NFS4ERR_FILE_OPEN, nfsOpen("shared.txt", "o1", OpOpen.SHARE_ACCESS_BOTH, 0));
        assertEquals(NfsStat4.NFS4ERR_FILE_OPEN, nfsOpen("shared.txt", "o1", OpOpen.SHARE_ACCESS_READ, 0));
        assertEquals(NfsStat4.NFS4_OK, nfsLookup("shared.txt"), "the refused upgrade closed nothing");
        assertStatus(NtStatus.STATUS_DELETE_PENDING, () -> smbFile("shared.txt",
                EnumSet.of(AccessMask.GENERIC_READ), SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN));
        nfsClose("shared.txt", held);
        assertEquals(NfsStat4.NFS4ERR_NOENT, nfsLookup("shared.txt"), "the NFSv4 CLOSE was the last close");
    }

    // ------------------------------------------------------------------ share modes

    @Test
    void anSmbOpenThatSharesNoWriteRefusesAnNfsWriteOpen() throws Exception {
        share.openFile("modes.txt", EnumSet.of(AccessMask.GENERIC_WRITE), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_CREATE, null).close();
        try (File f = smbFile("modes.txt", EnumSet.of(AccessMask.GENERIC_READ),
                EnumSet.of(SMB2ShareAccess.FILE_SHARE_READ), SMB2CreateDisposition.FILE_OPEN)) {
            assertEquals(NfsStat4.NFS4ERR_SHARE_DENIED, nfsOpen("modes.txt", "o1", OpOpen.SHARE_ACCESS_WRITE, 0));
            nfsClose("modes.txt", nfsOpenOk("modes.txt", "o2", OpOpen.SHARE_ACCESS_READ, 0));
        }
        nfsClose("modes.txt", nfsOpenOk("modes.txt", "o1", OpOpen.SHARE_ACCESS_WRITE, 0));
    }

    @Test
    void anNfsOpenThatDeniesWriteRefusesAnSmbWriteOpen() throws Exception {
        share.openFile("modes.txt", EnumSet.of(AccessMask.GENERIC_WRITE), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_CREATE, null).close();
        Stateid4 held = nfsOpenOk("modes.txt", "o1", OpOpen.SHARE_ACCESS_READ, DENY_WRITE);
        assertStatus(NtStatus.STATUS_SHARING_VIOLATION, () -> smbFile("modes.txt",
                EnumSet.of(AccessMask.GENERIC_WRITE), SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN));
        smbFile("modes.txt", EnumSet.of(AccessMask.GENERIC_READ), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN).close();
        nfsClose("modes.txt", held);
        smbFile("modes.txt", EnumSet.of(AccessMask.GENERIC_WRITE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN).close();
    }
}
