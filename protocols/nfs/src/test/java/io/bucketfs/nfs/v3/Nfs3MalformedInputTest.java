package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.NfsSettings;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.mount.MountProgram;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and hostile arguments sent over a raw socket (RFC 5531 record marking and call header written by
 * hand): every procedure answers GARBAGE_ARGS, and the server keeps serving on the same connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Nfs3MalformedInputTest {

    static final int SUCCESS = 0;
    static final int PROC_UNAVAIL = 3;
    static final int GARBAGE_ARGS = 4;

    @TempDir
    Path tmp;

    ObjectStore store;
    Nfs3TestServer server;
    Socket socket;
    DataOutputStream out;
    DataInputStream in;
    int xid = 1;

    @BeforeEach
    void start() throws Exception {
        store = LocalDirectoryStore.create(Files.createTempDirectory(tmp, "bucket"));
        server = Nfs3TestServer.start(tmp, store, ExportRules.OPEN);
        socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(20_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    @AfterEach
    void stop() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void emptyArgumentsToEveryProcedureAreGarbage() throws Exception {
        for (int proc = 1; proc <= 21; proc++) {
            assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, proc, new byte[0]), "procedure " + proc);
        }
        assertEquals(SUCCESS, call(Nfs3Program.PROGRAM, 0, new byte[0]));
        assertEquals(PROC_UNAVAIL, call(Nfs3Program.PROGRAM, 22, new byte[0]));
    }

    @Test
    void truncatedArgumentsToEveryProcedureAreGarbage() throws Exception {
        byte[] root;
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            root = c.root("/" + Nfs3TestServer.EXPORT);
        }
        ByteBuffer fh = ByteBuffer.allocate(4 + root.length).putInt(root.length).put(root);
        java.util.Set<Integer> handleOnly = java.util.Set.of(1, 5, 18, 19, 20);
        for (int proc = 1; proc <= 21; proc++) {
            // the handle cut short: every procedure's arguments start with one
            byte[] cut = java.util.Arrays.copyOf(fh.array(), 4 + root.length / 2);
            assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, proc, cut), "procedure " + proc + ", cut handle");
            if (!handleOnly.contains(proc)) {
                // a whole handle, then half a word of what follows it
                byte[] args = java.util.Arrays.copyOf(fh.array(), fh.capacity() + 2);
                assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, proc, args), "procedure " + proc);
            }
        }
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            assertEquals(0, c.getattr(root).status, "still serving");
        }
    }

    @Test
    void hostileLengthsAreGarbageWithoutAllocatingThem() throws Exception {
        // nfs_fh3 of 2^31-1 bytes, of 65 bytes
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 1, hex("7fffffff")));
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 1, hex("00000041" + "00".repeat(68))));
        // LOOKUP with a name of 2^31-1 bytes
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 3, hex("00000000" + "7fffffff")));
        // WRITE with more data than maxIoBytes
        String write = "00000000" + "0000000000000000" + "7fffffff" + "00000000"
                + String.format("%08x", NfsSettings.DEFAULT_MAX_IO_BYTES + 4);
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 7, hex(write)));
        // WRITE with stable_how 9; CREATE with createmode3 7; SETATTR with time_how 5
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 7,
                hex("00000000" + "0000000000000000" + "00000000" + "00000009" + "00000000")));
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 8, hex("00000000" + "00000001" + "61000000"
                + "00000007")));
        assertEquals(GARBAGE_ARGS, call(Nfs3Program.PROGRAM, 2, hex("00000000" + "00000000".repeat(4)
                + "00000005")));
        // MOUNT: a dirpath over MNTPATHLEN, and none at all
        assertEquals(GARBAGE_ARGS, call(MountProgram.PROGRAM, 1, hex("00000401" + "00".repeat(1028))));
        assertEquals(GARBAGE_ARGS, call(MountProgram.PROGRAM, 1, new byte[0]));
        assertEquals(SUCCESS, call(MountProgram.PROGRAM, 0, new byte[0]));
    }

    @Test
    void aBadHandleIsBadhandleNotGarbage() throws Exception {
        try (Nfs3Client c = new Nfs3Client(server.port())) {
            assertEquals(Nfs3Status.NFS3ERR_BADHANDLE, c.getattr(new byte[] {1, 2, 3}).status);
            byte[] unknownExport = io.bucketfs.nfs.NfsFileHandles.encode(77, new io.bucketfs.vfs.FileHandle(1, 1));
            assertEquals(Nfs3Status.NFS3ERR_STALE, c.getattr(unknownExport).status);
            byte[] root = c.root("/" + Nfs3TestServer.EXPORT);
            assertEquals(Nfs3Status.NFS3ERR_NAMETOOLONG, c.lookup(root, "n".repeat(300)).status);
        }
    }

    /** Sends one call with AUTH_NONE and returns the accept_stat of its reply. */
    int call(int prog, int proc, byte[] args) throws IOException {
        int id = xid++;
        ByteBuffer b = ByteBuffer.allocate(4 + 40 + args.length);
        b.putInt(0x80000000 | (40 + args.length));
        b.putInt(id).putInt(0).putInt(2).putInt(prog).putInt(3).putInt(proc);
        b.putInt(0).putInt(0).putInt(0).putInt(0); // cred, verf: AUTH_NONE
        b.put(args);
        out.write(b.array());
        out.flush();
        int mark = in.readInt();
        byte[] reply = new byte[mark & 0x7fffffff];
        in.readFully(reply);
        ByteBuffer r = ByteBuffer.wrap(reply);
        assertEquals(id, r.getInt(), "xid");
        assertEquals(1, r.getInt(), "REPLY");
        assertEquals(0, r.getInt(), "MSG_ACCEPTED");
        r.getInt(); // verifier flavor
        int verfLength = r.getInt();
        r.position(r.position() + ((verfLength + 3) & ~3));
        return r.getInt();
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }
}
