package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SESSION_SETUP cases no client library drives: re-authentication of a valid session, PreviousSessionId
 * ([MS-SMB2] 3.3.5.5.3) and binding requests without multichannel, over raw SMB 2.1 frames with raw NTLMSSP
 * (unsigned: the sessions do not require signing).
 */
@Timeout(30)
class SessionSetupRawTest {

    @TempDir
    Path tmp;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private RawSmbClient client() throws Exception {
        return new RawSmbClient(fixture.port(), 0x0210);
    }

    @Test
    void aValidSessionReauthenticatesAndAFailedReauthenticationEndsIt() throws Exception {
        try (RawSmbClient c = client()) {
            RawSmbClient.Answer ok = c.login(0, 0, SmbFixture.PASSWORD);
            assertEquals(NtStatus.SUCCESS, ok.status());
            long id = ok.sessionId();
            assertEquals(NtStatus.SUCCESS, c.treeConnect(id));
            assertEquals(NtStatus.SUCCESS, c.login(id, 0, SmbFixture.PASSWORD).status(), "re-authentication");
            assertEquals(NtStatus.SUCCESS, c.treeConnect(id), "the session goes on");
            assertEquals(NtStatus.LOGON_FAILURE, c.login(id, 0, "wrong").status());
            assertEquals(NtStatus.USER_SESSION_DELETED, c.treeConnect(id), "a failed re-authentication ends it");
        }
    }

    @Test
    void aPreviousSessionIdOfTheSameUserIsLoggedOff() throws Exception {
        try (RawSmbClient first = client(); RawSmbClient second = client()) {
            long old = first.login(0, 0, SmbFixture.PASSWORD).sessionId();
            assertEquals(NtStatus.SUCCESS, first.treeConnect(old));
            RawSmbClient.Answer replacing = second.login(0, old, SmbFixture.PASSWORD);
            assertEquals(NtStatus.SUCCESS, replacing.status());
            assertEquals(NtStatus.USER_SESSION_DELETED, first.treeConnect(old));
            assertEquals(NtStatus.SUCCESS, second.treeConnect(replacing.sessionId()));
        }
    }

    @Test
    void bindingRequestsGetWhatAServerWithoutMultichannelAnswers() throws Exception {
        try (RawSmbClient first = client(); RawSmbClient second = client()) {
            long id = first.login(0, 0, SmbFixture.PASSWORD).sessionId();
            byte[] token = RawSmbClient.negotiateToken();
            assertEquals(NtStatus.INVALID_PARAMETER, second.sessionSetup(0, 1, 0, token).status(), "no SessionId");
            assertEquals(NtStatus.USER_SESSION_DELETED, second.sessionSetup(id + 1000, 1, 0, token).status());
            assertEquals(NtStatus.REQUEST_NOT_ACCEPTED, second.sessionSetup(id, 1, 0, token).status());
            assertEquals(NtStatus.USER_SESSION_DELETED, second.sessionSetup(id, 0, 0, token).status(),
                    "another connection's session without binding");
            assertEquals(NtStatus.SUCCESS, first.treeConnect(id), "the session itself is untouched");
        }
    }
}
