package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.FileNotifyAction;
import com.hierynomus.msfscc.directory.FileNotifyInformation;
import com.hierynomus.mssmb2.SMB2CompletionFilter;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.messages.SMB2ChangeNotifyResponse;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.Directory;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.vfs.Caller;
import io.bucketfs.vfs.CreateMode;
import io.bucketfs.vfs.FileHandle;
import io.bucketfs.vfs.SetAttr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMB2 CHANGE_NOTIFY ([MS-SMB2] 3.3.5.19) through SMBJ: create, delete, rename, modify reported in a watched
 * directory; a subtree watch; changes buffered between requests; CANCEL; CLOSE (NOTIFY_CLEANUP); a file open
 * refused; and a change made through the VFS directly (as the NFS server makes it) seen by the SMB watcher.
 */
@Timeout(60)
class SmbjChangeNotifyTest {
    private static final Set<SMB2CompletionFilter> NAMES = EnumSet.of(SMB2CompletionFilter.FILE_NOTIFY_CHANGE_FILE_NAME,
            SMB2CompletionFilter.FILE_NOTIFY_CHANGE_DIR_NAME);
    private static final Set<SMB2CompletionFilter> ALL = EnumSet.allOf(SMB2CompletionFilter.class);

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
        share.mkdir("w");
    }

    @AfterEach
    void tearDown() {
        clients.forEach(SMBClient::close);
        if (fixture != null) {
            fixture.close();
        }
    }

    private DiskShare connect() throws Exception {
        SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(30, TimeUnit.SECONDS).withSoTimeout(30, TimeUnit.SECONDS).build());
        clients.add(client);
        Session s = client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), "WORKGROUP"));
        return (DiskShare) s.connectShare("default");
    }

    private Directory openDir(String path) {
        return share.openDirectory(path, EnumSet.of(AccessMask.GENERIC_READ), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OPEN, null);
    }

    private File create(String path) {
        return share.openFile(path, EnumSet.of(AccessMask.GENERIC_ALL), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_CREATE, null);
    }

    private static SMB2ChangeNotifyResponse get(Future<SMB2ChangeNotifyResponse> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static List<String> changes(SMB2ChangeNotifyResponse r) {
        assertEquals(NtStatus.STATUS_SUCCESS.getValue(), r.getHeader().getStatusCode());
        List<String> l = new ArrayList<>();
        for (FileNotifyInformation i : r.getFileNotifyInfoList()) {
            l.add(i.getAction() + " " + i.getFileName());
        }
        return l;
    }

    /** Waits for a request to be pending at the server (the interim response arrived or the request is queued). */
    private static void settle() throws InterruptedException {
        Thread.sleep(200);
    }

    @Test
    void createIsReported() throws Exception {
        try (Directory d = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> f = d.watchAsync(NAMES, false);
            settle();
            assertFalse(f.isDone(), "nothing changed yet");
            create("w\\a.txt").close();
            assertEquals(List.of("FILE_ACTION_ADDED a.txt"), changes(get(f)));
        }
    }

    @Test
    void deleteRenameAndModifyAreReported() throws Exception {
        create("w\\a.txt").close();
        try (Directory d = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> f = d.watchAsync(ALL, false);
            settle();
            try (File file = share.openFile("w\\a.txt", EnumSet.of(AccessMask.GENERIC_ALL), null,
                    SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                file.write(new byte[10], 0);
            }
            List<String> got = new ArrayList<>(changes(get(f)));
            try (File file = share.openFile("w\\a.txt", EnumSet.of(AccessMask.GENERIC_ALL, AccessMask.DELETE), null,
                    SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                file.rename("w\\b.txt");
            }
            share.rm("w\\b.txt");
            // the rest arrives in the next responses: pending or buffered between requests
            while (got.size() < 4 || !got.get(got.size() - 1).startsWith("FILE_ACTION_REMOVED")) {
                got.addAll(changes(get(d.watchAsync(ALL, false))));
            }
            assertEquals("FILE_ACTION_MODIFIED a.txt", got.get(0));
            assertTrue(got.containsAll(List.of("FILE_ACTION_RENAMED_OLD_NAME a.txt",
                    "FILE_ACTION_RENAMED_NEW_NAME b.txt", "FILE_ACTION_REMOVED b.txt")), got.toString());
            assertTrue(got.indexOf("FILE_ACTION_RENAMED_OLD_NAME a.txt") + 1
                    == got.indexOf("FILE_ACTION_RENAMED_NEW_NAME b.txt"), got.toString());
        }
    }

    @Test
    void filterExcludesOtherChanges() throws Exception {
        try (Directory d = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> f =
                    d.watchAsync(EnumSet.of(SMB2CompletionFilter.FILE_NOTIFY_CHANGE_DIR_NAME), false);
            settle();
            create("w\\file.txt").close(); // a file name change: not asked for
            share.mkdir("w\\sub");
            assertEquals(List.of("FILE_ACTION_ADDED sub"), changes(get(f)));
        }
    }

    @Test
    void treeWatchReportsPathsBelow() throws Exception {
        share.mkdir("w\\sub");
        try (Directory d = openDir("w"); Directory other = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> tree = d.watchAsync(NAMES, true);
            Future<SMB2ChangeNotifyResponse> flat = other.watchAsync(NAMES, false);
            settle();
            create("w\\sub\\deep.txt").close();
            assertEquals(List.of("FILE_ACTION_ADDED sub\\deep.txt"), changes(get(tree)));
            assertFalse(flat.isDone(), "a watch without WATCH_TREE sees no change below");
            create("w\\top.txt").close();
            assertEquals(List.of("FILE_ACTION_ADDED top.txt"), changes(get(flat)));
        }
    }

    @Test
    void closeAnswersNotifyCleanup() throws Exception {
        Directory d = openDir("w");
        Future<SMB2ChangeNotifyResponse> f = d.watchAsync(NAMES, false);
        settle();
        d.close();
        assertEquals(NtStatus.STATUS_NOTIFY_CLEANUP.getValue(), get(f).getHeader().getStatusCode());
    }

    @Test
    void cancelledRequestLeavesTheOpenUsable() throws Exception {
        try (Directory d = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> f = d.watchAsync(NAMES, false);
            settle();
            f.cancel(true); // SMBJ sends CANCEL
            settle();
            Future<SMB2ChangeNotifyResponse> again = d.watchAsync(NAMES, false);
            settle();
            create("w\\after.txt").close();
            assertEquals(List.of("FILE_ACTION_ADDED after.txt"), changes(get(again)));
        }
    }

    @Test
    void fileOpenIsRefused() throws Exception {
        try (File file = create("w\\plain.txt")) {
            com.hierynomus.mssmb2.messages.SMB2ChangeNotifyRequest req = new com.hierynomus.mssmb2.messages
                    .SMB2ChangeNotifyRequest(share.getTreeConnect().getSession().getConnection().getNegotiatedProtocol()
                    .getDialect(), share.getTreeConnect().getSession().getSessionId(),
                    share.getTreeConnect().getTreeId(), file.getFileId(), NAMES, EnumSet.noneOf(
                    com.hierynomus.mssmb2.SMB2ChangeNotifyFlags.class), 4096);
            com.hierynomus.mssmb2.SMB2Packet r =
                    share.getTreeConnect().getSession().send(req).get(20, TimeUnit.SECONDS);
            assertEquals(NtStatus.STATUS_INVALID_PARAMETER.getValue(), r.getHeader().getStatusCode());
        }
    }

    @Test
    void openWithoutListDirectoryIsRefused() throws Exception {
        try (Directory d = share.openDirectory("w", EnumSet.of(AccessMask.FILE_READ_ATTRIBUTES), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
            assertEquals(NtStatus.STATUS_ACCESS_DENIED.getValue(),
                    get(d.watchAsync(NAMES, false)).getHeader().getStatusCode());
        }
    }

    @Test
    void changeThroughTheVfsIsSeenBySmb() throws Exception {
        Caller nfs = new Caller(0, 0, null);
        FileHandle w = fixture.vfs.lookup(nfs, fixture.vfs.root(), "w").handle();
        try (Directory d = openDir("w")) {
            Future<SMB2ChangeNotifyResponse> f = d.watchAsync(NAMES, false);
            settle();
            fixture.vfs.create(nfs, w, "from-nfs.txt", CreateMode.GUARDED, SetAttr.NONE, 0);
            assertEquals(List.of("FILE_ACTION_ADDED from-nfs.txt"), changes(get(f)));
            fixture.vfs.rename(nfs, w, "from-nfs.txt", w, "renamed.txt");
            List<String> got = changes(get(d.watchAsync(NAMES, false)));
            assertEquals(List.of("FILE_ACTION_RENAMED_OLD_NAME from-nfs.txt",
                    "FILE_ACTION_RENAMED_NEW_NAME renamed.txt"), got);
        }
    }

    @Test
    void watchEndsWithItsOpen() throws Exception {
        assertFalse(fixture.vfs.watches().active());
        Directory d = openDir("w");
        Future<SMB2ChangeNotifyResponse> f = d.watchAsync(NAMES, false);
        settle();
        assertTrue(fixture.vfs.watches().active());
        d.close();
        get(f);
        assertFalse(fixture.vfs.watches().active(), "the watch ends with its open");
    }
}
