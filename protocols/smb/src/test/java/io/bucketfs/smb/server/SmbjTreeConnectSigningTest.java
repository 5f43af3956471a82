package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.mserref.NtStatus;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.messages.SMB2TreeConnectRequest;
import com.hierynomus.mssmb2.messages.SMB2TreeConnectResponse;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.common.SmbPath;
import com.hierynomus.smbj.session.Session;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing of SMB 3.x sessions with SMBJ: by default ({@link SmbSettings.Signing#SMB3}) the server says
 * SIGNING_REQUIRED on 3.x and refuses an unsigned request of an authenticated session with ACCESS_DENIED
 * (3.3.5.2.4), while 2.1 sessions stay as the client asks; [MS-SMB2] 3.3.5.7: on 3.1.1 a TREE_CONNECT that is
 * neither signed nor encrypted (its signature stripped on the way) closes the connection whatever the policy;
 * with signing optional, 3.0.2 lets it through.
 */
@Timeout(60)
class SmbjTreeConnectSigningTest {
    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;

    @BeforeEach
    void start() throws Exception {
        start(SmbSettings.DEFAULTS);
    }

    private void start(SmbSettings settings) throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                settings);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        fixture.close();
    }

    private Session login(SMB2Dialect dialect) throws Exception {
        client = new SMBClient(SmbConfig.builder().withDialects(dialect).withTimeout(10, TimeUnit.SECONDS).build());
        return client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""));
    }

    /** A TREE_CONNECT sent on the connection directly: neither signed nor encrypted. */
    private static SMB2TreeConnectRequest unsignedTreeConnect(Session s, SMB2Dialect dialect) {
        return new SMB2TreeConnectRequest(dialect, new SmbPath("127.0.0.1", "default"), s.getSessionId());
    }

    @Test
    void anUnsignedTreeConnectOn311ClosesTheConnection() throws Exception {
        Session s = login(SMB2Dialect.SMB_3_1_1);
        var answer = s.getConnection().send(unsignedTreeConnect(s, SMB2Dialect.SMB_3_1_1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS),
                "no answer: the connection is closed");
        Throwable cause = e;
        while (cause != null && !(cause instanceof java.io.EOFException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, () -> "not closed by the server: " + e);
    }

    @Test
    void signingIsRequiredByDefaultOn3xSessions() throws Exception {
        for (SMB2Dialect d : new SMB2Dialect[] {SMB2Dialect.SMB_3_0, SMB2Dialect.SMB_3_0_2}) {
            Session s = login(d);
            assertTrue(s.getConnection().getConnectionContext().isServerRequiresSigning(), d + " SIGNING_REQUIRED");
            SMB2TreeConnectResponse r = s.getConnection().<SMB2TreeConnectResponse>send(unsignedTreeConnect(s, d))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(NtStatus.STATUS_ACCESS_DENIED.getValue(), r.getHeader().getStatusCode(),
                    d + ": an unsigned request of a signed session");
            s.connectShare("default").close(); // signed by SMBJ, as the server asked
            client.close();
        }
        Session s = login(SMB2Dialect.SMB_2_1);
        assertFalse(s.getConnection().getConnectionContext().isServerRequiresSigning(), "2.1: as the client asks");
        s.getConnection().send(unsignedTreeConnect(s, SMB2Dialect.SMB_2_1)).get(10, TimeUnit.SECONDS);
        s.connectShare("default").close();
    }

    @Test
    void anUnsignedTreeConnectOn302IsServedWhenSigningIsOptional() throws Exception {
        start(SmbSettings.DEFAULTS.withSigning(SmbSettings.Signing.OPTIONAL));
        Session s = login(SMB2Dialect.SMB_3_0_2);
        s.getConnection().send(unsignedTreeConnect(s, SMB2Dialect.SMB_3_0_2)).get(10, TimeUnit.SECONDS);
        assertTrue(s.getConnection().isConnected());
        s.connectShare("default").close();
    }
}
