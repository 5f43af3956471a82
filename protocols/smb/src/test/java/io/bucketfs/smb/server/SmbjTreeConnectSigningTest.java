package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.messages.SMB2TreeConnectRequest;
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
 * [MS-SMB2] 3.3.5.7: on 3.1.1 a TREE_CONNECT of an authenticated session that is neither signed nor encrypted
 * (its signature stripped on the way) closes the connection; 3.0.2 lets it through.
 */
@Timeout(60)
class SmbjTreeConnectSigningTest {
    @TempDir
    Path tmp;
    private SmbFixture fixture;
    private SMBClient client;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
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
    void anUnsignedTreeConnectOn302IsServed() throws Exception {
        Session s = login(SMB2Dialect.SMB_3_0_2);
        s.getConnection().send(unsignedTreeConnect(s, SMB2Dialect.SMB_3_0_2)).get(10, TimeUnit.SECONDS);
        assertTrue(s.getConnection().isConnected());
        s.connectShare("default").close();
    }
}
