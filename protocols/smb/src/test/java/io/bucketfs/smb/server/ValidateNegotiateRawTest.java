package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.Share;
import io.bucketfs.smb.mssmb2.NtStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FSCTL_VALIDATE_NEGOTIATE_INFO ([MS-SMB2] 2.2.31.4, 3.3.5.15.12) and the DFS referral refusal (3.3.5.15.2) from
 * a raw client on SMB 3.0 and 3.0.2 (no library we test with sends VNI): the server answers a true account of the
 * NEGOTIATE with its own, signed with the session's key; a request that differs from what NEGOTIATE saw in the
 * dialects, ClientGuid, Capabilities or SecurityMode, or that leaves no room for the answer, ends the
 * connection, as does any VNI on 3.1.1 (SMBJ client); a DFS referral request gets STATUS_FS_DRIVER_REQUIRED (the
 * server is not DFS capable).
 */
class ValidateNegotiateRawTest extends LocalServerTest {
    private static final int CAPABILITIES = 0x44; // LARGE_MTU | ENCRYPTION
    private static final int SECURITY_MODE = 1; // SIGNING_ENABLED

    private final byte[] guid = new byte[16];

    @BeforeEach
    void start() {
        ThreadLocalRandom.current().nextBytes(guid);
    }

    /** The client's dialects: up to {@code dialect}. */
    private static int[] dialects(int dialect) {
        return dialect == 0x300 ? new int[] {0x202, 0x210, 0x300} : new int[] {0x202, 0x210, 0x300, 0x302};
    }

    /** A connection negotiated and logged in (signing), with a tree connected to the share. */
    private RawSmbClient connect(int dialect) throws IOException {
        RawSmbClient c = new RawSmbClient(fixture.port(), dialects(dialect), SECURITY_MODE, CAPABILITIES, guid);
        assertEquals(dialect, ByteBuffer.wrap(c.negotiated.bytes()).order(ByteOrder.LITTLE_ENDIAN)
                .getShort(64 + 4) & 0xFFFF);
        assertEquals(NtStatus.SUCCESS, c.loginSigned(SmbFixture.PASSWORD).status());
        assertEquals(NtStatus.SUCCESS, c.treeConnect(c.sessionId));
        return c;
    }

    private static byte[] vni(int caps, byte[] guid, int mode, int[] dialects) {
        ByteBuffer b = ByteBuffer.allocate(24 + 2 * dialects.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(caps).put(guid).putShort((short) mode).putShort((short) dialects.length);
        for (int d : dialects) {
            b.putShort((short) d);
        }
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x300, 0x302})
    @Timeout(30)
    void aTrueAccountGetsTheServersSigned(int dialect) throws Exception {
        try (RawSmbClient c = connect(dialect)) {
            RawSmbClient.Answer a = c.fsctl(Commands.FSCTL_VALIDATE_NEGOTIATE_INFO,
                    vni(CAPABILITIES, guid, SECURITY_MODE, dialects(dialect)), 24);
            assertEquals(NtStatus.SUCCESS, a.status());
            assertTrue(RawSmbClient.signedWith(a.bytes(), c.signingKey), "signed with the session's key");
            ByteBuffer r = ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            int outOffset = r.getInt(64 + 32);
            assertEquals(24, r.getInt(64 + 36), "OutputCount");
            ByteBuffer n = ByteBuffer.wrap(c.negotiated.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            // NEGOTIATE response ([MS-SMB2] 2.2.4): SecurityMode @2, ServerGuid @8, Capabilities @24
            assertEquals(n.getInt(64 + 24), r.getInt(outOffset), "Capabilities");
            assertArrayEquals(Arrays.copyOfRange(c.negotiated.bytes(), 64 + 8, 64 + 24),
                    Arrays.copyOfRange(a.bytes(), outOffset + 4, outOffset + 20), "Guid");
            assertEquals(n.getShort(64 + 2), r.getShort(outOffset + 20), "SecurityMode");
            assertEquals(dialect, r.getShort(outOffset + 22) & 0xFFFF, "Dialect");
            // the connection goes on
            assertEquals(NtStatus.SUCCESS, c.treeConnect(c.sessionId));
        }
    }

    @ParameterizedTest
    @CsvSource({"768,dialects", "768,guid", "768,capabilities", "768,securityMode", "768,maxOutputResponse",
        "770,dialects", "770,guid", "770,capabilities", "770,securityMode", "770,maxOutputResponse"})
    @Timeout(30)
    void aDifferenceEndsTheConnection(int dialect, String field) throws Exception {
        try (RawSmbClient c = connect(dialect)) {
            byte[] otherGuid = guid.clone();
            otherGuid[0] ^= 1;
            int[] ds = dialects(dialect);
            byte[] in = switch (field) {
                case "dialects" -> vni(CAPABILITIES, guid, SECURITY_MODE, Arrays.copyOf(ds, ds.length - 1));
                case "guid" -> vni(CAPABILITIES, otherGuid, SECURITY_MODE, ds);
                case "capabilities" -> vni(CAPABILITIES & ~0x40, guid, SECURITY_MODE, ds);
                case "securityMode" -> vni(CAPABILITIES, guid, SECURITY_MODE | 2, ds);
                default -> vni(CAPABILITIES, guid, SECURITY_MODE, ds);
            };
            int maxOutput = field.equals("maxOutputResponse") ? 23 : 24;
            assertThrows(IOException.class, () -> c.fsctl(Commands.FSCTL_VALIDATE_NEGOTIATE_INFO, in, maxOutput),
                    "the server answered instead of disconnecting");
        }
    }

    /** 3.1.1 protects NEGOTIATE with preauth integrity instead: a VNI there ends the connection (SMBJ client). */
    @Test
    @Timeout(30)
    void onSmb311ItEndsTheConnection() throws Exception {
        try (SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(10, TimeUnit.SECONDS).build())) {
            Session s = client.connect("127.0.0.1", fixture.port()).authenticate(new AuthenticationContext(
                    SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""));
            Share share = s.connectShare("IPC$");
            // a true account of SMBJ's NEGOTIATE, as the server recorded it: only the dialect makes it wrong
            SmbConnection conn = fixture.server.session(s.getSessionId()).connection;
            byte[] in = vni(conn.clientCapabilities, conn.clientGuid, conn.clientSecurityMode, conn.clientDialects);
            Exception e = assertThrows(Exception.class,
                    () -> share.ioctl(Commands.FSCTL_VALIDATE_NEGOTIATE_INFO, true, in));
            assertFalse(e instanceof com.hierynomus.mssmb2.SMBApiException, "answered: " + e);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fixture.server.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, fixture.server.openConnections(), "the server kept the connection");
        }
    }

    @Test
    @Timeout(30)
    void dfsReferralsNeedADfsDriver() throws Exception {
        try (RawSmbClient c = connect(0x302)) {
            byte[] request = ByteBuffer.allocate(2 + 8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 4)
                    .put("\\\\x\0".getBytes(java.nio.charset.StandardCharsets.UTF_16LE), 0, 8).array();
            for (int code : new int[] {Commands.FSCTL_DFS_GET_REFERRALS, Commands.FSCTL_DFS_GET_REFERRALS_EX}) {
                RawSmbClient.Answer a = c.fsctl(code, request, 4096);
                assertEquals(NtStatus.FS_DRIVER_REQUIRED, a.status(), "ctl code " + Integer.toHexString(code));
                assertTrue(RawSmbClient.signedWith(a.bytes(), c.signingKey), "signed");
            }
        }
    }
}
