package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.msfscc.FileSystemInformationClass;
import com.hierynomus.msfscc.fileinformation.FileAccessInformation;
import com.hierynomus.msfscc.fileinformation.FileBasicInformation;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.mssmb2.messages.SMB2QueryInfoRequest;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.msfscc.FileInfo;
import io.bucketfs.smb.mssmb2.NtStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only share ([MS-FSA] Volume.IsReadOnly) over a mount that may be written (so the refusals are the share's,
 * not the VFS's): an SMBJ client reads, and every CREATE asking to change anything (write, delete, create,
 * overwrite, mkdir, rename, delete-on-close) gets STATUS_MEDIA_WRITE_PROTECTED, as does SET_INFO; MAXIMUM_ALLOWED
 * is granted without the write rights; TREE_CONNECT's MaximalAccess and FileFsAttributeInformation say
 * read-only. Nothing changes on the mount, as the writable share of the same mount shows.
 */
@Timeout(60)
class SmbjReadOnlyShareTest {
    private static final byte[] CONTENT = "written before, read only now\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;
    private Session session;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
        fixture.server.addShare(new Share("ro", fixture.vfs, false, Set.of(), true));
        client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(20, TimeUnit.SECONDS).build());
        session = client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""));
        try (DiskShare rw = (DiskShare) session.connectShare("default")) {
            rw.mkdir("dir");
            try (File f = rw.openFile("f.txt", EnumSet.of(AccessMask.GENERIC_ALL), null, SMB2ShareAccess.ALL,
                    SMB2CreateDisposition.FILE_CREATE, null)) {
                f.write(CONTENT, 0);
            }
        }
    }

    @AfterEach
    void stop() {
        client.close();
        fixture.close();
    }

    private static void writeProtected(Executable call) {
        SMBApiException e = assertThrows(SMBApiException.class, call);
        assertEquals(NtStatus.MEDIA_WRITE_PROTECTED & 0xFFFFFFFFL, e.getStatusCode(), e.getMessage());
    }

    private static File open(DiskShare s, String name, AccessMask access, SMB2CreateDisposition disposition) {
        return s.openFile(name, EnumSet.of(access), null, SMB2ShareAccess.ALL, disposition, null);
    }

    @Test
    void readsAndRefusesEveryChangeAsWriteProtected() throws Exception {
        try (DiskShare ro = (DiskShare) session.connectShare("ro")) {
            try (File f = open(ro, "f.txt", AccessMask.GENERIC_READ, SMB2CreateDisposition.FILE_OPEN)) {
                byte[] back = new byte[CONTENT.length];
                assertEquals(CONTENT.length, f.read(back, 0));
                assertArrayEquals(CONTENT, back);
            }
            assertTrue(ro.list("").stream().anyMatch(e -> e.getFileName().equals("f.txt")));
            for (AccessMask write : new AccessMask[] {AccessMask.GENERIC_WRITE, AccessMask.GENERIC_ALL,
                AccessMask.FILE_WRITE_DATA, AccessMask.FILE_APPEND_DATA, AccessMask.FILE_WRITE_ATTRIBUTES,
                AccessMask.FILE_WRITE_EA, AccessMask.DELETE, AccessMask.WRITE_DAC, AccessMask.WRITE_OWNER}) {
                writeProtected(() -> open(ro, "f.txt", write, SMB2CreateDisposition.FILE_OPEN));
            }
            for (SMB2CreateDisposition d : new SMB2CreateDisposition[] {SMB2CreateDisposition.FILE_SUPERSEDE,
                SMB2CreateDisposition.FILE_CREATE, SMB2CreateDisposition.FILE_OVERWRITE,
                SMB2CreateDisposition.FILE_OVERWRITE_IF}) {
                writeProtected(() -> open(ro, "f.txt", AccessMask.GENERIC_READ, d));
                writeProtected(() -> open(ro, "new.txt", AccessMask.GENERIC_READ, d));
            }
            writeProtected(() -> open(ro, "new.txt", AccessMask.GENERIC_READ, SMB2CreateDisposition.FILE_OPEN_IF));
            writeProtected(() -> ro.mkdir("newdir"));
            writeProtected(() -> ro.rm("f.txt"));
            writeProtected(() -> ro.rmdir("dir", false));
            try (File f = open(ro, "f.txt", AccessMask.GENERIC_READ, SMB2CreateDisposition.FILE_OPEN)) {
                writeProtected(() -> f.rename("g.txt"));
                writeProtected(() -> f.setFileInformation(new FileBasicInformation(FileBasicInformation.DONT_SET,
                        FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET,
                        0x1)));
                SMBApiException e = assertThrows(SMBApiException.class, () -> f.write(CONTENT, 0));
                assertEquals(com.hierynomus.mserref.NtStatus.STATUS_ACCESS_DENIED, e.getStatus(), "no write right");
            }
        }
        try (DiskShare rw = (DiskShare) session.connectShare("default")) {
            assertTrue(rw.fileExists("f.txt") && rw.folderExists("dir"), "nothing was deleted or renamed");
            assertFalse(rw.fileExists("new.txt") || rw.fileExists("g.txt") || rw.folderExists("newdir"));
            try (File f = open(rw, "f.txt", AccessMask.GENERIC_READ, SMB2CreateDisposition.FILE_OPEN)) {
                assertEquals(CONTENT.length, f.getFileInformation().getStandardInformation().getEndOfFile());
                assertEquals(0, f.getFileInformation().getBasicInformation().getFileAttributes() & 0x1, "not set READONLY");
            }
        }
    }

    @Test
    void maximumAllowedGrantsReadingAndTheVolumeSaysReadOnly() throws Exception {
        try (DiskShare ro = (DiskShare) session.connectShare("ro");
             DiskShare rw = (DiskShare) session.connectShare("default")) {
            assertFalse(ro.getTreeConnect().getMaximalAccess().contains(AccessMask.FILE_WRITE_DATA));
            assertFalse(ro.getTreeConnect().getMaximalAccess().contains(AccessMask.DELETE));
            assertTrue(ro.getTreeConnect().getMaximalAccess().contains(AccessMask.FILE_READ_DATA));
            assertTrue(rw.getTreeConnect().getMaximalAccess().contains(AccessMask.FILE_WRITE_DATA));
            try (File f = open(ro, "f.txt", AccessMask.MAXIMUM_ALLOWED, SMB2CreateDisposition.FILE_OPEN)) {
                int granted = f.getFileInformation(FileAccessInformation.class).getAccessFlags();
                assertEquals(0, granted & Share.WRITE_RIGHTS, Integer.toHexString(granted));
                assertTrue((granted & AccessRights.FILE_READ_DATA) != 0, Integer.toHexString(granted));
                assertEquals(CONTENT.length, f.read(new byte[64], 0));
                assertTrue((fsAttributes(ro, f) & FileInfo.FILE_READ_ONLY_VOLUME) != 0);
            }
            try (File f = open(rw, "f.txt", AccessMask.GENERIC_READ, SMB2CreateDisposition.FILE_OPEN)) {
                assertEquals(0, fsAttributes(rw, f) & FileInfo.FILE_READ_ONLY_VOLUME);
            }
        }
    }

    /** FileFsAttributeInformation's FileSystemAttributes ([MS-FSCC] 2.5.1). */
    private static int fsAttributes(DiskShare share, File f) {
        byte[] out = share.queryInfo(f.getFileId(), SMB2QueryInfoRequest.SMB2QueryInfoType.SMB2_0_INFO_FILESYSTEM,
                null, null, FileSystemInformationClass.FileFsAttributeInformation).getOutputBuffer();
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }
}
