package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Malformed frames over a raw socket get an error status or a closed connection; the server keeps serving. */
@Timeout(30)
class MalformedFramesTest {
    @TempDir
    Path tmp;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new SmbFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))),
                SmbSettings.DEFAULTS);
    }

    /** After each malformed exchange, a well-behaved client still gets served; then the server stops. */
    @AfterEach
    void stillServesThenStop() throws Exception {
        try {
            stillServes(fixture.port());
        } finally {
            fixture.close();
        }
    }

    /** A real client signs in and connects the share. */
    static void stillServes(int port) throws Exception {
        try (SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(10, TimeUnit.SECONDS).build());
             Session s = client.connect("127.0.0.1", port).authenticate(new AuthenticationContext(
                     SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""))) {
            s.connectShare("default").close();
        }
    }

    static ByteBuffer header(int command, long messageId, int next) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x424D53FE).putShort((short) 64).putShort((short) 1).putInt(0).putShort((short) command)
                .putShort((short) 1).putInt(0).putInt(next).putLong(messageId).putInt(0).putInt(0).putLong(0);
        b.put(new byte[16]);
        return b;
    }

    static byte[] negotiate(int dialectCount, int... dialects) {
        ByteBuffer b = ByteBuffer.allocate(64 + 36 + 2 * dialects.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header(0, 0, 0).array());
        b.putShort((short) 36).putShort((short) dialectCount).putShort((short) 1).putShort((short) 0).putInt(0);
        b.put(new byte[16]).putLong(0);
        for (int d : dialects) {
            b.putShort((short) d);
        }
        return b.array();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", fixture.port());
        s.setSoTimeout(10_000);
        return s;
    }

    static void send(Socket s, byte[] frame, int declaredLength) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(ByteBuffer.allocate(4).putInt(declaredLength).array());
        out.write(frame);
        out.flush();
    }

    /** The NTSTATUS of the next response, or -1 when the server closed the connection. */
    static long readStatus(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            DataInputStream d = new DataInputStream(in);
            int len = d.readInt();
            byte[] m = new byte[len];
            d.readFully(m);
            return ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xFFFFFFFFL;
        } catch (EOFException | SocketException e) {
            return -1;
        }
    }

    @Test
    void truncatedHeaderClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            byte[] half = java.util.Arrays.copyOf(negotiate(1, 0x0202), 40);
            send(s, half, half.length);
            assertEquals(-1, readStatus(s));
        }
    }

    @Test
    void oversizedLengthClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            send(s, new byte[16], 0x00FFFFFF);
            assertEquals(-1, readStatus(s));
        }
    }

    @Test
    void dialectCountBeyondTheFrameIsInvalidParameter() throws Exception {
        try (Socket s = connect()) {
            byte[] m = negotiate(500, 0x0202);
            send(s, m, m.length);
            assertEquals(NtStatus.INVALID_PARAMETER & 0xFFFFFFFFL, readStatus(s));
        }
    }

    @Test
    void badOffsetsInASessionSetupAreAnError() throws Exception {
        try (Socket s = connect()) {
            byte[] n = negotiate(1, 0x0202);
            send(s, n, n.length);
            assertEquals(0, readStatus(s));
            ByteBuffer b = ByteBuffer.allocate(64 + 24).order(ByteOrder.LITTLE_ENDIAN);
            b.put(header(1, 1, 0).array());
            b.putShort((short) 25).put((byte) 0).put((byte) 1).putInt(0).putInt(0)
                    .putShort((short) 5000).putShort((short) 300).putLong(0);
            send(s, b.array(), b.capacity());
            long status = readStatus(s);
            assertNotEquals(0L, status);
            assertNotEquals((long) NtStatus.MORE_PROCESSING_REQUIRED & 0xFFFFFFFFL, status);
        }
    }

    @Test
    void badNextCommandClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            byte[] n = negotiate(1, 0x0202);
            ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 13);
            send(s, n, n.length);
            assertEquals(-1, readStatus(s));
        }
    }

    @Test
    void requestBeforeNegotiateAndSmb1CloseTheConnection() throws Exception {
        try (Socket s = connect()) {
            byte[] echo = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN).put(header(0x0D, 0, 0).array())
                    .putShort((short) 4).putShort((short) 0).array();
            send(s, echo, echo.length);
            assertEquals(-1, readStatus(s));
        }
        try (Socket s = connect()) {
            byte[] smb1 = new byte[40];
            smb1[0] = (byte) 0xFF;
            smb1[1] = 'S';
            smb1[2] = 'M';
            smb1[3] = 'B';
            send(s, smb1, smb1.length);
            assertEquals(-1, readStatus(s));
        }
    }

    @Test
    void messageIdOutsideTheWindowClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            byte[] n = negotiate(1, 0x0202);
            ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 1000);
            send(s, n, n.length);
            assertEquals(-1, readStatus(s));
        }
    }
}
