package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.msdtyp.FileTime;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.FileAttributes;
import com.hierynomus.msfscc.fileinformation.FileBasicInformation;
import com.hierynomus.msfscc.fileinformation.FileModeInformation;
import com.hierynomus.msfscc.fileinformation.FilePositionInformation;
import com.hierynomus.msfscc.fileinformation.FileStandardInformation;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2CreateOptions;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.share.Directory;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
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
 * File semantics of CREATE, READ/WRITE, QUERY_INFO and SET_INFO through SMBJ ([MS-SMB2] 3.3.5.9-3.3.5.21 with
 * the [MS-FSA] rules): granted access, attributes of new files, delete-on-close refusals, the file position,
 * exact times with freeze/thaw, and the share rules of rename.
 */
@Timeout(60)
class SmbjFileSemanticsTest {
    private static final long ARCHIVE = FileAttributes.FILE_ATTRIBUTE_ARCHIVE.getValue();
    private static final long DIRECTORY = FileAttributes.FILE_ATTRIBUTE_DIRECTORY.getValue();

    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;
    private DiskShare share;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
        client = new SMBClient(SmbConfig.builder().withTimeout(30, TimeUnit.SECONDS).build());
        share = (DiskShare) client.connect("127.0.0.1", fixture.port()).authenticate(new AuthenticationContext(
                SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP")).connectShare("default");
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private File open(String name, Set<AccessMask> access, Set<SMB2ShareAccess> sharing,
                      SMB2CreateDisposition disposition) {
        return share.openFile(name, access, null, sharing, disposition, null);
    }

    private void write(String name, String content) {
        try (File f = open(name, EnumSet.of(AccessMask.GENERIC_WRITE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OVERWRITE_IF)) {
            f.write(content.getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    private static void assertStatus(NtStatus expected, Executable e) {
        assertStatus(expected.getValue(), e);
    }

    private static void assertStatus(long expected, Executable e) {
        SMBApiException x = assertThrows(SMBApiException.class, e);
        assertEquals(Long.toHexString(expected), Long.toHexString(x.getStatusCode()));
    }

    @Test
    void newFilesCarryArchiveAndDirectoriesOnlyDirectory() {
        write("new.txt", "x");
        share.mkdir("dir");
        assertEquals(ARCHIVE, share.getFileInformation("new.txt").getBasicInformation().getFileAttributes());
        assertEquals(DIRECTORY, share.getFileInformation("dir").getBasicInformation().getFileAttributes());
        try (File f = open("new.txt", EnumSet.of(AccessMask.FILE_WRITE_ATTRIBUTES), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            f.setFileInformation(new FileBasicInformation(FileBasicInformation.DONT_SET,
                    FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET,
                    FileAttributes.FILE_ATTRIBUTE_NORMAL.getValue()));
        }
        assertEquals(FileAttributes.FILE_ATTRIBUTE_NORMAL.getValue(),
                share.getFileInformation("new.txt").getBasicInformation().getFileAttributes(), "NORMAL clears");
    }

    /**
     * [MS-FSA] 2.1.5.1.2.1: a read-only file opens for reading (and MAXIMUM_ALLOWED, which then cannot write) but
     * not to write or append data or to overwrite it; clearing the attribute allows writing again.
     */
    @Test
    void aReadOnlyFileRefusesWriteOpens() {
        write("ro.txt", "keep");
        long readOnly = FileAttributes.FILE_ATTRIBUTE_READONLY.getValue();
        share.setFileInformation("ro.txt", new FileBasicInformation(FileBasicInformation.DONT_SET,
                FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET,
                readOnly));
        for (AccessMask a : new AccessMask[] {AccessMask.GENERIC_WRITE, AccessMask.FILE_WRITE_DATA,
            AccessMask.FILE_APPEND_DATA, AccessMask.GENERIC_ALL}) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> open("ro.txt", EnumSet.of(a), SMB2ShareAccess.ALL,
                    SMB2CreateDisposition.FILE_OPEN).close());
        }
        assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> open("ro.txt", EnumSet.of(AccessMask.GENERIC_READ),
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OVERWRITE_IF).close());
        try (File f = open("ro.txt", EnumSet.of(AccessMask.GENERIC_READ), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            byte[] b = new byte[16];
            assertEquals("keep", new String(b, 0, f.read(b, 0), StandardCharsets.UTF_8));
        }
        try (File f = open("ro.txt", EnumSet.of(AccessMask.MAXIMUM_ALLOWED), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.write(new byte[] {1}, 0));
        }
        share.setFileInformation("ro.txt", new FileBasicInformation(FileBasicInformation.DONT_SET,
                FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET,
                FileAttributes.FILE_ATTRIBUTE_NORMAL.getValue()));
        write("ro.txt", "changed");
    }

    @Test
    void aWriteSetsArchiveAgain() {
        write("backup.txt", "x");
        share.setFileInformation("backup.txt", new FileBasicInformation(FileBasicInformation.DONT_SET,
                FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET, FileBasicInformation.DONT_SET,
                FileAttributes.FILE_ATTRIBUTE_NORMAL.getValue()));
        write("backup.txt", "changed");
        assertEquals(ARCHIVE, share.getFileInformation("backup.txt").getBasicInformation().getFileAttributes());
    }

    @Test
    void renameConflictsWithATargetDirectoryOpenThatSharesNoWrite() {
        share.mkdir("d");
        write("d\\a.txt", "x");
        try (Directory dir = share.openDirectory("d", EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE),
                null, EnumSet.noneOf(SMB2ShareAccess.class), SMB2CreateDisposition.FILE_OPEN, null);
             File f = open("d\\a.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                     SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_SHARING_VIOLATION, () -> f.rename("d\\b.txt"));
        }
        try (Directory dir = share.openDirectory("d", EnumSet.of(AccessMask.FILE_READ_ATTRIBUTES), null,
                EnumSet.noneOf(SMB2ShareAccess.class), SMB2CreateDisposition.FILE_OPEN, null);
             File f = open("d\\a.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                     SMB2CreateDisposition.FILE_OPEN)) {
            f.rename("d\\b.txt"); // an attribute-only open takes no part in sharing
        }
        assertTrue(share.fileExists("d\\b.txt"));
    }

    @Test
    void anOpenFileIsNotReplacedByARename() {
        write("target.txt", "old");
        write("source.txt", "new");
        try (File target = open("target.txt", EnumSet.of(AccessMask.GENERIC_READ), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN);
             File source = open("source.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                     SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> source.rename("target.txt", true));
            assertStatus(NtStatus.STATUS_OBJECT_NAME_COLLISION, () -> source.rename("target.txt", false));
        }
        try (File source = open("source.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            source.rename("target.txt", true);
        }
        assertFalse(share.fileExists("source.txt"));
    }

    @Test
    void readAndWriteNeedTheirAccessRights() {
        write("data.txt", "0123456789abcdef");
        try (File f = open("data.txt", EnumSet.of(AccessMask.FILE_READ_ATTRIBUTES), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.read(new byte[4], 0));
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.write(new byte[4], 0));
            assertEquals(ARCHIVE, f.getFileInformation(FileBasicInformation.class).getFileAttributes());
        }
        try (File f = open("data.txt", EnumSet.of(AccessMask.SYNCHRONIZE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.getFileInformation(FileBasicInformation.class));
            assertEquals(16, f.getFileInformation(FileStandardInformation.class).getEndOfFile(),
                    "FileStandardInformation needs no right");
        }
        try (File f = open("data.txt", EnumSet.of(AccessMask.FILE_EXECUTE), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertEquals(4, f.read(new byte[4], 0), "EXECUTE allows READ");
        }
        try (File f = open("data.txt", EnumSet.of(AccessMask.MAXIMUM_ALLOWED), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            f.write("X".getBytes(StandardCharsets.UTF_8), 0);
            assertEquals(4, f.read(new byte[4], 0), "MAXIMUM_ALLOWED grants everything");
        }
    }

    @Test
    void securityDescriptorsNeedReadControlAndWriteDac() {
        write("sd.txt", "x");
        Set<com.hierynomus.msdtyp.SecurityInformation> dacl =
                EnumSet.of(com.hierynomus.msdtyp.SecurityInformation.DACL_SECURITY_INFORMATION);
        try (File f = open("sd.txt", EnumSet.of(AccessMask.FILE_READ_ATTRIBUTES), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.getSecurityInformation(dacl));
        }
        try (File f = open("sd.txt", EnumSet.of(AccessMask.READ_CONTROL), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            var sd = f.getSecurityInformation(dacl);
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.setSecurityInformation(sd, dacl));
        }
        try (File f = open("sd.txt", EnumSet.of(AccessMask.READ_CONTROL, AccessMask.WRITE_DAC), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            f.setSecurityInformation(f.getSecurityInformation(dacl), dacl); // accepted, not stored
        }
    }

    @Test
    void aReadMovesTheFilePosition() {
        write("pos.txt", "0123456789abcdef");
        try (File f = open("pos.txt", EnumSet.of(AccessMask.GENERIC_READ), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            assertEquals(0, f.getFileInformation(FilePositionInformation.class).getCurrentByteOffset());
            assertEquals(10, f.read(new byte[10], 0));
            assertEquals(10, f.getFileInformation(FilePositionInformation.class).getCurrentByteOffset());
            assertEquals(10, f.getFileInformation().getPositionInformation().getCurrentByteOffset());
        }
    }

    @Test
    void theModeComesFromCreateOptionsAndOnlyItsSettableFlagsChange() {
        try (File f = share.openFile("mode.txt", EnumSet.of(AccessMask.GENERIC_WRITE, AccessMask.GENERIC_READ),
                null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_CREATE,
                EnumSet.of(SMB2CreateOptions.FILE_WRITE_THROUGH))) {
            assertEquals(0x2, f.getFileInformation(FileModeInformation.class).getMode());
            f.write("durable".getBytes(StandardCharsets.UTF_8), 0);
            f.setFileInformation(new FileModeInformation(0x4));
            assertEquals(0x4, f.getFileInformation(FileModeInformation.class).getMode());
            assertEquals(0x4, f.getFileInformation().getModeInformation().getMode());
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER, () -> f.setFileInformation(new FileModeInformation(1)));
            assertStatus(NtStatus.STATUS_INVALID_PARAMETER,
                    () -> f.setFileInformation(new FileModeInformation(0x20)));
        }
    }

    @Test
    void aReadOnlyFileIsNotCreatedDeleteOnClose() {
        assertStatus(NtStatus.STATUS_CANNOT_DELETE, () -> share.openFile("ro.txt",
                EnumSet.of(AccessMask.GENERIC_ALL), EnumSet.of(FileAttributes.FILE_ATTRIBUTE_READONLY),
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_CREATE,
                EnumSet.of(SMB2CreateOptions.FILE_DELETE_ON_CLOSE)));
        assertFalse(share.fileExists("ro.txt"), "nothing was made");
        share.openFile("ro.txt", EnumSet.of(AccessMask.GENERIC_ALL),
                EnumSet.of(FileAttributes.FILE_ATTRIBUTE_READONLY), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_CREATE, null).close();
        assertStatus(NtStatus.STATUS_CANNOT_DELETE, () -> share.openFile("ro.txt",
                EnumSet.of(AccessMask.DELETE), null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN,
                EnumSet.of(SMB2CreateOptions.FILE_DELETE_ON_CLOSE)));
    }

    @Test
    void aNonEmptyDirectoryIsNotOpenedDeleteOnClose() {
        share.mkdir("full");
        write("full\\child.txt", "x");
        assertStatus(NtStatus.STATUS_DIRECTORY_NOT_EMPTY, () -> share.openDirectory("full",
                EnumSet.of(AccessMask.DELETE), null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN,
                EnumSet.of(SMB2CreateOptions.FILE_DIRECTORY_FILE, SMB2CreateOptions.FILE_DELETE_ON_CLOSE)));
        share.rm("full\\child.txt");
        share.rmdir("full", false);
        assertFalse(share.folderExists("full"));
    }

    @Test
    void nothingIsCreatedInADeletePendingDirectory() {
        share.mkdir("going");
        try (Directory dir = share.openDirectory("going", EnumSet.of(AccessMask.DELETE), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
            dir.deleteOnClose();
            assertStatus(NtStatus.STATUS_DELETE_PENDING, () -> write("going\\new.txt", "x"));
            assertStatus(NtStatus.STATUS_DELETE_PENDING, () -> share.mkdir("going\\sub"));
            assertTrue(dir.getFileInformation(FileStandardInformation.class).isDeletePending());
            assertStatus(NtStatus.STATUS_DELETE_PENDING, () -> share.getFileInformation("going"));
        }
        assertFalse(share.folderExists("going"));
    }

    @Test
    void explicitTimesReadBackExactlyAndFreezeThawPerOpen() {
        write("t.txt", "x");
        FileTime set = new FileTime(116_444_735_990_000_000L + 1234567); // before 1970, odd 100 ns
        try (File f = open("t.txt", EnumSet.of(AccessMask.MAXIMUM_ALLOWED), SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN)) {
            f.setFileInformation(new FileBasicInformation(set, set, set, set, 0));
            FileBasicInformation b = f.getFileInformation(FileBasicInformation.class);
            assertEquals(set, b.getCreationTime());
            assertEquals(set, b.getLastAccessTime());
            assertEquals(set, b.getLastWriteTime());
            assertEquals(set, b.getChangeTime());
            f.write("more".getBytes(StandardCharsets.UTF_8), 1);
            b = f.getFileInformation(FileBasicInformation.class);
            assertEquals(set, b.getLastWriteTime(), "an explicit write time sticks for this open");
            assertEquals(set, b.getChangeTime(), "and so does the change time");
            FileTime thaw = new FileTime(-2);
            f.setFileInformation(new FileBasicInformation(FileBasicInformation.DONT_SET,
                    FileBasicInformation.DONT_SET, thaw, thaw, 0));
            assertEquals(set, f.getFileInformation(FileBasicInformation.class).getLastWriteTime(),
                    "-2 changes nothing by itself");
            f.write("again".getBytes(StandardCharsets.UTF_8), 1);
            b = f.getFileInformation(FileBasicInformation.class);
            assertTrue(b.getLastWriteTime().getWindowsTimeStamp() > set.getWindowsTimeStamp(), "thawed");
            assertTrue(b.getChangeTime().getWindowsTimeStamp() > set.getWindowsTimeStamp(), "thawed");
        }
    }

    @Test
    void renameThroughAHandleThatSharesNothing() {
        share.mkdir("d");
        try (File f = share.openFile("d\\file.txt", EnumSet.of(AccessMask.DELETE, AccessMask.GENERIC_WRITE),
                null, EnumSet.noneOf(SMB2ShareAccess.class), SMB2CreateDisposition.FILE_CREATE, null)) {
            f.rename("d\\renamed.txt");
        }
        assertTrue(share.fileExists("d\\renamed.txt"));
        try (File f = share.openFile("d\\renamed.txt", EnumSet.of(AccessMask.GENERIC_READ), null,
                EnumSet.noneOf(SMB2ShareAccess.class), SMB2CreateDisposition.FILE_OPEN, null)) {
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> f.rename("d\\x.txt"));
        }
    }

    @Test
    void renameRefusedWhileTheTargetDirectoryIsOpenForDeleteOrADirectoryHasOpenFilesBelow() {
        share.mkdir("d");
        write("d\\a.txt", "x");
        try (Directory dir = share.openDirectory("d", EnumSet.of(AccessMask.DELETE, AccessMask.GENERIC_READ), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null);
             File f = open("d\\a.txt", EnumSet.of(AccessMask.DELETE), SMB2ShareAccess.ALL,
                     SMB2CreateDisposition.FILE_OPEN)) {
            assertStatus(NtStatus.STATUS_SHARING_VIOLATION, () -> f.rename("d\\b.txt"));
            assertStatus(NtStatus.STATUS_ACCESS_DENIED, () -> dir.rename("e"));
        }
        try (Directory dir = share.openDirectory("d", EnumSet.of(AccessMask.DELETE), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
            dir.rename("e");
        }
        assertTrue(share.fileExists("e\\a.txt"));
    }

    @Test
    void concurrentOpenIfOfOneNewDirectoryBothSucceed() throws Exception {
        for (int i = 0; i < 20; i++) {
            String name = "race" + i;
            java.util.concurrent.Callable<Boolean> mk = () -> {
                try (Directory d = share.openDirectory(name, EnumSet.of(AccessMask.GENERIC_READ), null,
                        SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN_IF, null)) {
                    return true;
                }
            };
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(mk);
                var b = pool.submit(mk);
                assertTrue(a.get(30, TimeUnit.SECONDS) && b.get(30, TimeUnit.SECONDS));
            } finally {
                pool.shutdownNow();
            }
            assertTrue(share.folderExists(name));
        }
    }

    @Test
    void dotDotAboveTheShareRootIsAPathSyntaxError() {
        assertStatus(0xC000003BL /* OBJECT_PATH_SYNTAX_BAD */, () -> share.mkdir("..\\..\\x"));
        share.mkdir("a");
        share.mkdir("a\\..\\b");
        assertTrue(share.folderExists("b"));
    }
}
