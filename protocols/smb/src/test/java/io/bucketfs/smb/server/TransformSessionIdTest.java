package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bucketfs.smb.mssmb2.NtStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * [MS-SMB2] 3.3.5.2.1.1: a request sealed with one session's key must be that session's. A raw SMB 3.0 client
 * with two sessions on one connection seals a TREE_CONNECT with session A's key: addressed to A it is answered
 * (encrypted); addressed to B (A in the transform header) it ends the connection instead of running as B.
 */
class TransformSessionIdTest extends LocalServerTest {

    private static byte[] treeConnect() {
        byte[] path = "\\\\127.0.0.1\\default".getBytes(StandardCharsets.UTF_16LE);
        return ByteBuffer.allocate(8 + path.length).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 9)
                .putShort((short) 0).putShort((short) (64 + 8)).putShort((short) path.length).put(path).array();
    }

    /** Session A and session B on one 3.0 connection with AES-128-CCM; returns {A, B} and A's base key. */
    private static long[] twoSessions(RawSmbClient c, byte[][] keyOfA) throws IOException {
        assertEquals(NtStatus.SUCCESS, c.loginSigned(SmbFixture.PASSWORD).status());
        long a = c.sessionId;
        keyOfA[0] = c.sessionBaseKey;
        assertEquals(NtStatus.SUCCESS, c.loginSigned(SmbFixture.PASSWORD).status());
        return new long[] {a, c.sessionId};
    }

    private RawSmbClient connect() throws IOException {
        return new RawSmbClient(fixture.port(), new int[] {0x300}, 1, 0x40 /* ENCRYPTION */, new byte[16]);
    }

    @Test
    @Timeout(30)
    void onlyRequestsOfTheSealingSessionAreRun() throws Exception {
        try (RawSmbClient c = connect()) {
            byte[][] keyA = new byte[1][];
            long[] ids = twoSessions(c, keyA);
            c.sendEncrypted(RawSmbClient.TREE_CONNECT, ids[0], treeConnect(), ids[0], keyA[0]);
            byte[] answer = c.read().bytes();
            assertEquals(Transform.PROTOCOL_ID, ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN).getInt(0),
                    "an encrypted answer to a request of session A");
            c.sendEncrypted(RawSmbClient.TREE_CONNECT, ids[1], treeConnect(), ids[0], keyA[0]);
            assertThrows(IOException.class, c::read, "answered a request of session B sealed by session A");
        }
    }
}
