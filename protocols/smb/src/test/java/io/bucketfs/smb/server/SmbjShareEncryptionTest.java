package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2FileId;
import com.hierynomus.mssmb2.SMB2Packet;
import com.hierynomus.mssmb2.messages.SMB2Close;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A share requiring encryption ([MS-SMB2] 3.3.5.7, 3.3.5.2.11): encrypted traffic is served, clients that cannot
 * encrypt are refused at TREE_CONNECT, and unencrypted requests on the tree get ACCESS_DENIED; the plain share
 * beside it stays plain.
 */
@Timeout(60)
class SmbjShareEncryptionTest {
    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS, "secret");
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        fixture.close();
    }

    private Session login(SMB2Dialect dialect, boolean encrypt) throws Exception {
        client = new SMBClient(SmbConfig.builder().withDialects(dialect).withEncryptData(encrypt)
                .withTimeout(20, TimeUnit.SECONDS).build());
        return client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""));
    }

    private static void roundTrip(DiskShare share, String name) {
        byte[] data = ("hello " + name).getBytes(StandardCharsets.UTF_8);
        try (File f = share.openFile(name, EnumSet.of(AccessMask.GENERIC_ALL), null, SMB2ShareAccess.ALL,
                SMB2CreateDisposition.FILE_OVERWRITE_IF, null)) {
            f.write(data, 0);
            byte[] back = new byte[data.length];
            assertEquals(data.length, f.read(back, 0));
            assertArrayEquals(data, back);
        }
    }

    @Test
    void encryptingClientsUseTheEncryptedShare() throws Exception {
        for (SMB2Dialect d : new SMB2Dialect[] {SMB2Dialect.SMB_3_1_1, SMB2Dialect.SMB_3_0_2, SMB2Dialect.SMB_3_0}) {
            try (Session s = login(d, true); DiskShare share = (DiskShare) s.connectShare("secret")) {
                roundTrip(share, "enc-" + d.name() + ".txt");
            }
            client.close();
        }
        client = null;
    }

    @Test
    void smb2ClientsAreRefusedAtTreeConnect() throws Exception {
        for (SMB2Dialect d : new SMB2Dialect[] {SMB2Dialect.SMB_2_1, SMB2Dialect.SMB_2_0_2}) {
            try (Session s = login(d, false)) {
                SMBApiException e = assertThrows(SMBApiException.class, () -> s.connectShare("secret"));
                assertEquals(NtStatus.STATUS_ACCESS_DENIED, e.getStatus());
                try (DiskShare plain = (DiskShare) s.connectShare("default")) {
                    roundTrip(plain, "plain-" + d.name() + ".txt");
                }
            }
            client.close();
        }
        client = null;
    }

    @Test
    void clientsWithoutACipherAreRefusedAtTreeConnect() throws Exception {
        try (Session s = login(SMB2Dialect.SMB_3_1_1, false)) { // SMBJ then offers no cipher
            SMBApiException e = assertThrows(SMBApiException.class, () -> s.connectShare("secret"));
            assertEquals(NtStatus.STATUS_ACCESS_DENIED, e.getStatus());
        }
    }

    @Test
    void unencryptedRequestsOnTheTreeAreDenied() throws Exception {
        try (Session s = login(SMB2Dialect.SMB_3_1_1, true); DiskShare share = (DiskShare) s.connectShare("secret")) {
            roundTrip(share, "before.txt");
            // a CLOSE sent on the connection directly goes out neither signed nor encrypted
            SMB2Close close = new SMB2Close(SMB2Dialect.SMB_3_1_1, s.getSessionId(),
                    share.getTreeConnect().getTreeId(), new SMB2FileId(new byte[8], new byte[8]));
            SMB2Packet answer = s.getConnection().send(close).get(20, TimeUnit.SECONDS);
            assertEquals(NtStatus.STATUS_ACCESS_DENIED.getValue(), answer.getHeader().getStatusCode());
            roundTrip(share, "after.txt");
        }
    }
}
