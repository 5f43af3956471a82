package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.fileinformation.FileIdBothDirectoryInformation;
import com.hierynomus.msfscc.fileinformation.FileNamesInformation;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2CreateOptions;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.connection.Connection;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SMBJ's client in this JVM against the server over loopback TCP on a real VFS runtime. */
abstract class SmbjClientTestBase {
    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;

    protected abstract ObjectStore openStore() throws Exception;

    /**
     * Whether {@link #tenThousandEntries} runs on this store: putting 10,000 objects takes seconds on the local
     * store but minutes through S3Proxy, whose paged bucket listing has its own tests in backends/.
     */
    protected boolean listsHugeDirectories() {
        return true;
    }

    private SmbFixture fixture(SmbSettings settings) throws Exception {
        fixture = new SmbFixture(tmp, openStore(), settings);
        return fixture;
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

    private Session login(SmbConfig config, String password) throws Exception {
        client = new SMBClient(config);
        Connection c = client.connect("127.0.0.1", fixture.port());
        return c.authenticate(new AuthenticationContext(SmbFixture.USER, password.toCharArray(), "WORKGROUP"));
    }

    private static final int SESSION_SETUP = 0x01;
    private static final int QUERY_DIRECTORY = 0x0E;
    private static final int READ = 0x08;
    private static final int WRITE = 0x09;

    private static SmbConfig.Builder config(SMB2Dialect d) {
        return SmbConfig.builder().withDialects(d).withTimeout(30, TimeUnit.SECONDS)
                .withSoTimeout(30, TimeUnit.SECONDS);
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static void roundTrip(DiskShare share, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (File f = share.openFile("dir\\big.bin", EnumSet.of(AccessMask.GENERIC_WRITE, AccessMask.GENERIC_READ),
                null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OVERWRITE_IF, null);
             OutputStream out = f.getOutputStream()) {
            out.write(data);
        }
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (File f = share.openFile("dir\\big.bin", EnumSet.of(AccessMask.GENERIC_READ), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null);
             InputStream in = f.getInputStream()) {
            in.transferTo(back);
        }
        assertArrayEquals(sha256(data), sha256(back.toByteArray()));
    }

    @ParameterizedTest
    @EnumSource(value = SMB2Dialect.class, names = {"SMB_2_0_2", "SMB_2_1", "SMB_3_0", "SMB_3_0_2", "SMB_3_1_1"})
    @Timeout(120)
    void everyDialectSignedRoundTrip(SMB2Dialect dialect) throws Exception {
        fixture(SmbSettings.DEFAULTS);
        try (Session s = login(config(dialect).withSigningRequired(true).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            share.mkdir("dir");
            roundTrip(share, 3 << 20);
            Set<String> names = share.list("dir").stream().map(FileIdBothDirectoryInformation::getFileName)
                    .collect(Collectors.toSet());
            assertEquals(Set.of(".", "..", "big.bin"), names);
            try (File f = share.openFile("dir\\big.bin", EnumSet.of(AccessMask.DELETE, AccessMask.GENERIC_READ),
                    null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                f.rename("dir\\moved.bin", false);
            }
            assertTrue(share.fileExists("dir\\moved.bin"));
            assertFalse(share.fileExists("dir\\big.bin"));
            share.rm("dir\\moved.bin");
            share.rmdir("dir", false);
            assertFalse(share.folderExists("dir"));
        }
    }

    /**
     * 16 MiB written and read back in 1 MiB requests (SMBJ's buffer size, the server's MaxReadSize/MaxWriteSize):
     * LARGE_MTU multi-credit I/O ([MS-SMB2] 3.3.5.2.5). The wire shows every large WRITE and READ charged 16
     * credits, which the server accepted (it refuses a charge that does not pay for the payload).
     */
    @Test
    @Timeout(120)
    void largeMultiCreditRoundTrip() throws Exception {
        fixture(SmbSettings.DEFAULTS);
        WireTap tap = new WireTap();
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).withSigningRequired(true).withSocketFactory(tap)
                .build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            share.mkdir("dir");
            roundTrip(share, 16 << 20);
        }
        int perMiB = (1 << 20) / 65536;
        for (int command : new int[] {WRITE, READ}) {
            List<WireTap.Frame> requests = tap.requests(command);
            long charged = requests.stream().filter(f -> f.creditCharge() == perMiB).count();
            assertTrue(charged >= 16, "1 MiB requests charged " + perMiB + " credits: " + charged + " of "
                    + requests.size() + " " + (command == WRITE ? "WRITE" : "READ") + "s");
            assertTrue(requests.stream().allMatch(f -> f.signed()), "every request signed");
        }
    }

    /**
     * A directory of 10,000 files (objects put into the bucket the share serves, the directory listed from it)
     * listed over SMB: the full name set
     * comes back, in IdBoth and in Names information classes, paged through many QUERY_DIRECTORY responses
     * (the client's 64 KiB output buffer holds a few hundred entries).
     */
    @Test
    @Timeout(180)
    void tenThousandEntries() throws Exception {
        assumeTrue(listsHugeDirectories(), "10,000 puts are too slow on this store for CI");
        SmbFixture f = fixture(SmbSettings.DEFAULTS);
        long t0 = System.nanoTime();
        Set<String> want = populate(f.store, "big/", 10_000);
        long t1 = System.nanoTime();
        WireTap tap = new WireTap();
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).withTransactBufferSize(64 << 10)
                .withSocketFactory(tap).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            Set<String> got = share.list("big").stream().map(FileIdBothDirectoryInformation::getFileName)
                    .filter(n -> !n.equals(".") && !n.equals("..")).collect(Collectors.toSet());
            assertEquals(want, got);
            int pages = tap.requests(QUERY_DIRECTORY).size();
            assertTrue(pages > 10, "paged: " + pages + " QUERY_DIRECTORY requests");
            Set<String> names = share.list("big", FileNamesInformation.class).stream()
                    .map(FileNamesInformation::getFileName).filter(n -> !n.equals(".") && !n.equals(".."))
                    .collect(Collectors.toSet());
            assertEquals(want, names);
            System.out.printf("10000 objects put in %d ms, listed twice in %d QUERY_DIRECTORY pages in %d ms%n",
                    (t1 - t0) / 1_000_000, pages, (System.nanoTime() - t1) / 1_000_000);
        }
    }

    /**
     * Puts {@code n} empty objects under {@code prefix} into the bucket, from 16 threads; their names. (Cheaper than
     * files made through the VFS, which each cost a journal record and a background upload.)
     */
    private static Set<String> populate(ObjectStore store, String prefix, int n) throws Exception {
        Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < n; i += 16) {
                        String name = String.format("entry-%05d.txt", i);
                        store.put(prefix + name, Payload.empty(), PutOptions.NONE);
                        names.add(name);
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return names;
    }

    /**
     * Signing off ([MS-SMB2] 3.3.5.5.3: neither side requires it) on an SMB 2.1 and an SMB 3.0.2 session with
     * the server's policy {@code optional}: a write, read, rename and delete work, and the wire shows that no
     * request or response after SESSION_SETUP was signed, the server's session not requiring it either.
     */
    @ParameterizedTest
    @EnumSource(value = SMB2Dialect.class, names = {"SMB_2_1", "SMB_3_0_2"})
    @Timeout(60)
    void unsignedRoundTrip(SMB2Dialect dialect) throws Exception {
        SmbFixture f = fixture(SmbSettings.DEFAULTS.withSigning(SmbSettings.Signing.OPTIONAL));
        // SMBJ does not sign 2.x with signing disabled; it cannot be kept from signing 3.x, so the tap unsigns
        boolean smb3 = dialect.isSmb3x();
        WireTap tap = new WireTap(smb3);
        try (Session s = login(config(dialect).withSigningRequired(false).withSigningEnabled(smb3)
                .withSocketFactory(tap).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            assertFalse(f.server.session(s.getSessionId()).signingRequired, "the server's session signs");
            share.mkdir("dir");
            roundTrip(share, 256 << 10);
            try (File file = share.openFile("dir\\big.bin", EnumSet.of(AccessMask.DELETE, AccessMask.GENERIC_READ),
                    null, SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN, null)) {
                file.rename("dir\\moved.bin", false);
            }
            assertTrue(share.fileExists("dir\\moved.bin"));
            share.rm("dir\\moved.bin");
            assertFalse(share.fileExists("dir\\moved.bin"));
        }
        // NEGOTIATE and SESSION_SETUP aside (the server signs the final SESSION_SETUP response, proving its key)
        List<WireTap.Frame> frames = tap.frames().stream().filter(x -> x.command() > SESSION_SETUP).toList();
        assertTrue(frames.size() > 20, "frames seen: " + frames.size());
        assertTrue(frames.stream().noneMatch(WireTap.Frame::signed), "a signed frame: " + frames);
    }

    @Test
    @Timeout(120)
    void encryptedSession311() throws Exception {
        fixture(SmbSettings.DEFAULTS.withEncryptData(true));
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).withEncryptData(true).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            share.mkdir("dir");
            roundTrip(share, 2 << 20);
        }
    }

    @Test
    @Timeout(120)
    void encryptedSession30() throws Exception {
        fixture(SmbSettings.DEFAULTS.withEncryptData(true));
        try (Session s = login(config(SMB2Dialect.SMB_3_0).withEncryptData(true).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            share.mkdir("dir");
            roundTrip(share, 1 << 20);
        }
    }

    @Test
    @Timeout(60)
    void deleteOnClose() throws Exception {
        fixture(SmbSettings.DEFAULTS);
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            try (File f = share.openFile("gone.txt", EnumSet.of(AccessMask.GENERIC_WRITE, AccessMask.DELETE), null,
                    SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_CREATE,
                    EnumSet.of(SMB2CreateOptions.FILE_DELETE_ON_CLOSE))) {
                f.write(new byte[] {1, 2, 3}, 0);
                assertTrue(share.fileExists("gone.txt"));
            }
            assertFalse(share.fileExists("gone.txt"));
        }
    }

    @Test
    @Timeout(60)
    void shareModesConflict() throws Exception {
        fixture(SmbSettings.DEFAULTS);
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).build(), SmbFixture.PASSWORD);
             DiskShare share = (DiskShare) s.connectShare("default")) {
            try (File f = share.openFile("x.txt", EnumSet.of(AccessMask.GENERIC_WRITE), null,
                    EnumSet.noneOf(SMB2ShareAccess.class), SMB2CreateDisposition.FILE_CREATE, null)) {
                SMBApiException e = assertThrows(SMBApiException.class, () -> share.openFile("x.txt",
                        EnumSet.of(AccessMask.GENERIC_READ), null, SMB2ShareAccess.ALL,
                        SMB2CreateDisposition.FILE_OPEN, null));
                assertEquals(NtStatus.STATUS_SHARING_VIOLATION, e.getStatus());
            }
        }
    }

    @Test
    @Timeout(60)
    void wrongPasswordIsLogonFailure() throws Exception {
        fixture(SmbSettings.DEFAULTS);
        SMBApiException e = assertThrows(SMBApiException.class,
                () -> login(config(SMB2Dialect.SMB_3_1_1).build(), "wrong"));
        assertEquals(NtStatus.STATUS_LOGON_FAILURE, e.getStatus());
    }

    @Test
    @Timeout(60)
    void unknownShareIsBadNetworkName() throws Exception {
        fixture(SmbSettings.DEFAULTS);
        try (Session s = login(config(SMB2Dialect.SMB_3_1_1).build(), SmbFixture.PASSWORD)) {
            SMBApiException e = assertThrows(SMBApiException.class, () -> s.connectShare("nope"));
            assertEquals(NtStatus.STATUS_BAD_NETWORK_NAME, e.getStatus());
        }
    }
}
