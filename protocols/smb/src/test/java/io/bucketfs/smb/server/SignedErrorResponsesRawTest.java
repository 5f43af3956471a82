package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.server.RawSmbClient.Answer;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error responses to signed requests the server cannot sign, on the default policy (signing required on 3.x),
 * over raw SMB 3.0.2 frames: [MS-SMB2] 3.3.5.2.4 fails a signed request whose session is not found with
 * USER_SESSION_DELETED (ECHO included) and a signed NEGOTIATE with INVALID_PARAMETER; 3.3.4.4 builds an error
 * response's header from the request's, so SMB2_FLAGS_SIGNED, the Signature, and a related request's SessionId and
 * TreeId come back as sent. A client that requires signing (Samba's: smbtorture's connect, tcon, compound.invalid1,
 * session.reconnect1...) refuses an error response without the flag as ACCESS_DENIED.
 */
@Timeout(30)
class SignedErrorResponsesRawTest {
    private static final int ECHO = 13;
    private static final int CLOSE = 6;
    private static final byte[] SIGNATURE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final long NO_SESSION = 0x7777_0000_0001L;

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

    @Test
    void aSignedRequestOfNoSessionIsUserSessionDeletedUnderTheRequestsSignature() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x0302)) {
            for (int command : new int[] {RawSmbClient.TREE_CONNECT, CLOSE, ECHO}) {
                c.sendFrame(c.message(command, Smb2Header.FLAGS_SIGNED, NO_SESSION, 5, SIGNATURE, body(command)));
                Answer a = c.read();
                assertEquals(NtStatus.USER_SESSION_DELETED, a.status(), "command " + command);
                assertEquals(Smb2Header.FLAGS_SIGNED | Smb2Header.FLAGS_SERVER_TO_REDIR,
                        a.flags() & (Smb2Header.FLAGS_SIGNED | Smb2Header.FLAGS_SERVER_TO_REDIR));
                assertArrayEquals(SIGNATURE, a.signature(), "the request's signature, as sent");
                assertEquals(NO_SESSION, a.sessionId());
            }
            Answer unsigned = c.call(ECHO, NO_SESSION, body(ECHO));
            assertEquals(NtStatus.SUCCESS, unsigned.status(), "an unsigned ECHO needs no session");
            assertEquals(0, unsigned.flags() & Smb2Header.FLAGS_SIGNED);
        }
    }

    @Test
    void aRelatedChainWithNothingToInheritKeepsTheRequestsIdsAndSignatures() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x0302)) {
            byte[] second = SIGNATURE.clone();
            second[0] = 99;
            int related = Smb2Header.FLAGS_SIGNED | Smb2Header.FLAGS_RELATED_OPERATIONS;
            c.sendFrame(c.message(CLOSE, related, NO_SESSION, 5, SIGNATURE, body(CLOSE)),
                    c.message(CLOSE, related, NO_SESSION, 5, second, body(CLOSE)));
            List<Answer> answers = c.readCompound();
            assertEquals(2, answers.size());
            for (int i = 0; i < 2; i++) {
                Answer a = answers.get(i);
                assertEquals(NtStatus.INVALID_PARAMETER, a.status(), "a first related request, then its follower");
                assertEquals(NO_SESSION, a.sessionId());
                assertEquals(5, a.treeId());
                assertNotEquals(0, a.flags() & Smb2Header.FLAGS_SIGNED);
                assertNotEquals(0, a.flags() & Smb2Header.FLAGS_RELATED_OPERATIONS);
                assertArrayEquals(i == 0 ? SIGNATURE : second, a.signature());
            }
        }
    }

    @Test
    void aSignedNegotiateIsInvalidParameter() throws Exception {
        ByteBuffer body = RawSmbClient.le(36 + 2).putShort((short) 36).putShort((short) 1).putShort((short) 1)
                .putShort((short) 0).putInt(0).put(new byte[16]).putLong(0).putShort((short) 0x0302);
        byte[] m = RawSmbClient.message(0, RawSmbClient.NEGOTIATE, Smb2Header.FLAGS_SIGNED, 0, 0, SIGNATURE,
                body.array());
        try (Socket s = new Socket("127.0.0.1", fixture.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(m.length).array());
            out.write(m);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] r = new byte[in.readInt()];
            in.readFully(r);
            assertEquals(NtStatus.INVALID_PARAMETER, RawSmbClient.le(r.length).put(r).getInt(8));
        }
    }

    /** A minimal valid body: TREE_CONNECT to {@code \\x\y}, CLOSE of FileId 0, or ECHO. */
    private static byte[] body(int command) {
        return switch (command) {
            case RawSmbClient.TREE_CONNECT -> RawSmbClient.le(8 + 8).putShort((short) 9).putShort((short) 0)
                    .putShort((short) (64 + 8)).putShort((short) 8).put(new byte[] {'\\', 0, 'x', 0, '\\', 0, 'y', 0})
                    .array();
            case CLOSE -> RawSmbClient.le(24).putShort((short) 24).array();
            default -> RawSmbClient.le(4).putShort((short) 4).array();
        };
    }
}
