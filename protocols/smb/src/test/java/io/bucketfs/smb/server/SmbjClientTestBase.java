package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.msfscc.fileinformation.FileIdBothDirectoryInformation;
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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
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
