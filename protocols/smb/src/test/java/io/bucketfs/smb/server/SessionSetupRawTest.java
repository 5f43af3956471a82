package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
    private static final int NEGOTIATE = 0;
    private static final int SESSION_SETUP = 1;
    private static final int TREE_CONNECT = 3;
    static final int FLAGS = 0x62088215 & ~0x40000000; // the NLMP example's flags without KEY_EXCH

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

    /** A response: its status, session id and bytes. */
    private record Answer(int status, long sessionId, byte[] bytes) {
    }

    /** One raw SMB 2.1 connection: sequential MessageIds, one credit asked per request. */
    private final class Client implements AutoCloseable {
        private final Socket socket;
        private long messageId;

        Client() throws IOException {
            socket = new Socket("127.0.0.1", fixture.port());
            socket.setSoTimeout(10_000);
            ByteBuffer body = le(36 + 2).putShort((short) 36).putShort((short) 1).putShort((short) 1)
                    .putShort((short) 0).putInt(0).put(new byte[16]).putLong(0).putShort((short) 0x0210);
            assertEquals(NtStatus.SUCCESS, call(NEGOTIATE, 0, body.array()).status());
        }

        Answer call(int command, long sessionId, byte[] body) throws IOException {
            ByteBuffer h = le(64 + body.length);
            h.putInt(0x424D53FE).putShort((short) 64).putShort((short) 1).putInt(0).putShort((short) command)
                    .putShort((short) 1).putInt(0).putInt(0).putLong(messageId++).putInt(0).putInt(0)
                    .putLong(sessionId).put(new byte[16]).put(body);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(h.capacity()).array());
            out.write(h.array());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] m = new byte[in.readInt()];
            in.readFully(m);
            ByteBuffer r = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
            return new Answer(r.getInt(8), r.getLong(40), m);
        }

        /** SESSION_SETUP with a raw NTLMSSP token. */
        Answer sessionSetup(long sessionId, int flags, long previousSessionId, byte[] token) throws IOException {
            ByteBuffer b = le(24 + token.length).putShort((short) 25).put((byte) flags).put((byte) 0).putInt(0)
                    .putInt(0).putShort((short) (64 + 24)).putShort((short) token.length).putLong(previousSessionId)
                    .put(token);
            return call(SESSION_SETUP, sessionId, b.array());
        }

        /** Both round trips of NTLMv2 with a password; returns the final answer. */
        Answer login(long sessionId, long previousSessionId, String password) throws IOException {
            byte[] negotiate = le(32).put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(FLAGS)
                    .array();
            Answer challenge = sessionSetup(sessionId, 0, previousSessionId, negotiate);
            assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, challenge.status());
            byte[] token = Arrays.copyOfRange(challenge.bytes(), 64 + 8, challenge.bytes().length);
            return sessionSetup(challenge.sessionId(), 0, previousSessionId, authenticate(token, password));
        }

        int treeConnect(long sessionId) throws IOException {
            byte[] path = "\\\\127.0.0.1\\default".getBytes(StandardCharsets.UTF_16LE);
            ByteBuffer b = le(8 + path.length).putShort((short) 9).putShort((short) 0).putShort((short) (64 + 8))
                    .putShort((short) path.length).put(path);
            return call(TREE_CONNECT, sessionId, b.array()).status();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An NTLMv2 AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3, 3.3.2) answering a CHALLENGE_MESSAGE. */
    static byte[] authenticate(byte[] challenge, String password) {
        ByteBuffer c = ByteBuffer.wrap(challenge).order(ByteOrder.LITTLE_ENDIAN);
        byte[] serverChallenge = Arrays.copyOfRange(challenge, 24, 32);
        int infoLength = c.getShort(40) & 0xFFFF;
        int infoOffset = c.getInt(44);
        byte[] targetInfo = Arrays.copyOfRange(challenge, infoOffset, infoOffset + infoLength);
        byte[] temp = le(28 + targetInfo.length + 4).put(new byte[] {1, 1, 0, 0, 0, 0, 0, 0}).putLong(0)
                .put("clientch".getBytes(StandardCharsets.US_ASCII)).putInt(0).put(targetInfo).putInt(0).array();
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(password.toCharArray()), SmbFixture.USER, "");
        byte[] proof = NtlmCrypto.hmacMd5(ntowf, serverChallenge, temp);
        byte[] nt = le(16 + temp.length).put(proof).put(temp).array();
        byte[] user = SmbFixture.USER.getBytes(StandardCharsets.UTF_16LE);
        int off = 64;
        ByteBuffer b = le(off + nt.length + user.length);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(3);
        b.putShort((short) 0).putShort((short) 0).putInt(off); // LM
        b.putShort((short) nt.length).putShort((short) nt.length).putInt(off); // NT
        b.putShort((short) 0).putShort((short) 0).putInt(off + nt.length); // domain
        b.putShort((short) user.length).putShort((short) user.length).putInt(off + nt.length); // user
        b.putShort((short) 0).putShort((short) 0).putInt(off + nt.length + user.length); // workstation
        b.putShort((short) 0).putShort((short) 0).putInt(off + nt.length + user.length); // session key
        b.putInt(FLAGS);
        b.put(nt).put(user);
        return b.array();
    }

    @Test
    void aValidSessionReauthenticatesAndAFailedReauthenticationEndsIt() throws Exception {
        try (Client c = new Client()) {
            Answer ok = c.login(0, 0, SmbFixture.PASSWORD);
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
        try (Client first = new Client(); Client second = new Client()) {
            long old = first.login(0, 0, SmbFixture.PASSWORD).sessionId();
            assertEquals(NtStatus.SUCCESS, first.treeConnect(old));
            Answer replacing = second.login(0, old, SmbFixture.PASSWORD);
            assertEquals(NtStatus.SUCCESS, replacing.status());
            assertEquals(NtStatus.USER_SESSION_DELETED, first.treeConnect(old));
            assertEquals(NtStatus.SUCCESS, second.treeConnect(replacing.sessionId()));
        }
    }

    @Test
    void bindingRequestsGetWhatAServerWithoutMultichannelAnswers() throws Exception {
        try (Client first = new Client(); Client second = new Client()) {
            long id = first.login(0, 0, SmbFixture.PASSWORD).sessionId();
            byte[] token = le(32).put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(FLAGS)
                    .array();
            assertEquals(NtStatus.INVALID_PARAMETER, second.sessionSetup(0, 1, 0, token).status(), "no SessionId");
            assertEquals(NtStatus.USER_SESSION_DELETED, second.sessionSetup(id + 1000, 1, 0, token).status());
            assertEquals(NtStatus.REQUEST_NOT_ACCEPTED, second.sessionSetup(id, 1, 0, token).status());
            assertEquals(NtStatus.USER_SESSION_DELETED, second.sessionSetup(id, 0, 0, token).status(),
                    "another connection's session without binding");
            assertEquals(NtStatus.SUCCESS, first.treeConnect(id), "the session itself is untouched");
        }
    }
}
