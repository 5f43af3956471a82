package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v4.ops.OpCode;
import io.bucketfs.nfs.v4.ops.OpGetattr;
import io.bucketfs.nfs.v4.ops.OpPutfh;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bytes over TCP: each case ends in an RPC error reply, an NFS error status or a closed connection, and
 * the server keeps serving the next client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class MalformedInputTest {

    private static final int GARBAGE_ARGS = 4;

    @TempDir
    Path tmp;
    NfsFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new NfsFixture(tmp, LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket"))));
        fx.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(fx.server.address().getAddress(), fx.server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** An RPC CALL header for NFSv4 COMPOUND with AUTH_NONE, then {@code body}, as one record. */
    public static byte[] record(int xid, int proc, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 40 + body.length);
        b.putInt(0x80000000 | (40 + body.length));
        b.putInt(xid).putInt(0).putInt(2).putInt(100003).putInt(4).putInt(proc);
        b.putInt(0).putInt(0).putInt(0).putInt(0); // AUTH_NONE cred and verifier
        b.put(body);
        return b.array();
    }

    /** Reads one reply record: the accept status (0 SUCCESS, 4 GARBAGE_ARGS...) and the rest. */
    private static ByteBuffer reply(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int marker = d.readInt();
        byte[] b = new byte[marker & 0x7fffffff];
        d.readFully(b);
        return ByteBuffer.wrap(b);
    }

    private static int acceptStatus(ByteBuffer r) {
        r.getInt(); // xid
        assertEquals(1, r.getInt(), "REPLY");
        assertEquals(0, r.getInt(), "MSG_ACCEPTED");
        r.getInt(); // verifier flavor
        int verifierLength = r.getInt();
        r.position(r.position() + ((verifierLength + 3) & ~3));
        return r.getInt();
    }

    private static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private void stillServes() throws Exception {
        try (Nfs4TestClient c = new Nfs4TestClient(fx.server.address(), "after", 0)) {
            CompoundRes r = c.compound(0, new OpPutrootfh.Args(), new OpGetattr.Args(Bitmap4.of(0, 1)));
            assertEquals(NfsStat4.NFS4_OK, r.status());
        }
    }

    @Test
    void aTruncatedCompoundIsGarbageArgs() throws Exception {
        try (Socket s = connect()) {
            // tag length 100 but only 4 bytes follow
            s.getOutputStream().write(record(1, 1, new byte[] {0, 0, 0, 100, 1, 2, 3, 4}));
            assertEquals(GARBAGE_ARGS, acceptStatus(reply(s.getInputStream())));
            s.getOutputStream().write(record(2, 0, new byte[0])); // NULL still works on the same connection
            assertEquals(0, acceptStatus(reply(s.getInputStream())));
        }
        stillServes();
    }

    @Test
    void badOperationArgumentsAreBadXdrAfterTheGoodOnes() throws Exception {
        ByteBuffer body = ByteBuffer.allocate(32);
        body.putInt(0).putInt(0).putInt(2); // tag "", minor 0, two ops
        body.putInt(OpCode.PUTROOTFH);
        body.putInt(OpCode.PUTFH).putInt(0x7fffffff); // a handle "longer" than the record
        try (Socket s = connect()) {
            s.getOutputStream().write(record(3, 1, java.util.Arrays.copyOf(body.array(), body.position())));
            ByteBuffer r = reply(s.getInputStream());
            assertEquals(0, acceptStatus(r));
            assertEquals(NfsStat4.NFS4ERR_BADXDR, r.getInt(), "COMPOUND status");
            r.position(r.position() + 4); // empty tag
            assertEquals(2, r.getInt(), "PUTROOTFH ran, PUTFH failed");
        }
        stillServes();
    }

    @Test
    void anUnknownOperationIsIllegal() throws Exception {
        try (Nfs4TestClient c = new Nfs4TestClient(fx.server.address(), "x", 0)) {
            CompoundRes r = c.compound(0, new OpPutrootfh.Args(), new io.bucketfs.nfs.v4.ops.OpUnusable(9999, 0, ""));
            assertEquals(NfsStat4.NFS4ERR_OP_ILLEGAL, r.status());
            assertEquals(OpCode.ILLEGAL, r.results().get(1).opcode());
            assertEquals(NfsStat4.NFS4ERR_BADHANDLE, c.compound(0, new OpPutfh.Args(new byte[] {1, 2, 3})).status());
        }
    }

    @Test
    void garbageAndOversizedRecordsCloseTheConnection() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
            out.flush();
            assertTrue(closedByServer(s), "a 2 GiB record announcement closes the connection");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(new byte[] {(byte) 0x80, 0, 0, 4, 1, 2, 3, 4}); // a 4-byte record
            s.getOutputStream().flush();
            assertTrue(closedByServer(s) || readsNothing(s), "a record too short for an RPC header");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write(record(9, 1, new byte[] {0, 0}).clone(), 0, 20); // truncated, then hang up
        }
        stillServes();
    }

    private static boolean readsNothing(Socket s) {
        try {
            s.setSoTimeout(1000);
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aWrongProgramVersionIsAMismatch() throws Exception {
        byte[] rec = record(5, 0, new byte[0]);
        ByteBuffer.wrap(rec).putInt(4 + 16, 7); // version 7
        try (Socket s = connect()) {
            s.getOutputStream().write(rec);
            ByteBuffer r = reply(s.getInputStream());
            r.getInt();
            r.getInt();
            r.getInt();
            r.getInt();
            int verifierLength = r.getInt();
        r.position(r.position() + ((verifierLength + 3) & ~3));
            int status = r.getInt();
            assertTrue(status == 1 || status == 2, "PROG_UNAVAIL or PROG_MISMATCH: " + status);
        } catch (EOFException e) {
            // closing is acceptable too
        }
        stillServes();
    }
}
