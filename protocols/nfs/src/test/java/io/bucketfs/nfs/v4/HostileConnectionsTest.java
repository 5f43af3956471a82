package io.bucketfs.nfs.v4;

import static io.bucketfs.testing.HostileClients.await;
import static io.bucketfs.testing.HostileClients.closedByPeer;
import static io.bucketfs.testing.HostileClients.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.nfs.v4.ops.OpGetattr;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end half of hostile input (README "Hostile input"): {@value #CONNECTIONS} TCP connections send random
 * bytes, truncated records, absurd record lengths, chains of tiny fragments, a call whose verifier announces
 * more than RFC 5531's 400 bytes (up to 2 GiB), or nothing; half hang up at once and half stay open. Proves the server closes those it must (oversized
 * records, the 2 GiB verifier), still answers a real COMPOUND while the rest hang, and that its count of open
 * connections ({@link io.bucketfs.nfs.NfsServer#openConnections()}) returns to where it was once the clients are
 * gone: no connection leaks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileConnectionsTest {
    static final int CONNECTIONS = 60;

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

    @Test
    void hostileClientsLeakNoConnectionAndServingGoesOn() throws Exception {
        int baseline = fx.server.openConnections();
        Random rnd = new Random(9);
        byte[] call = MalformedInputTest.record(1, 0, new byte[0]); // NULL
        List<Socket> lingering = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket s = new Socket(fx.server.address().getAddress(), fx.server.address().getPort());
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            switch (i % 6) {
                case 0 -> out.write(randomBytes(rnd, 1 + rnd.nextInt(3000)));
                case 1 -> out.write(Arrays.copyOf(call, rnd.nextInt(call.length))); // a record cut short
                case 2 -> { // announces 2 GiB: closed at once
                    out.write(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(1).array());
                    assertTrue(closedByPeer(s), "an oversized record closes the connection");
                }
                case 3 -> { // a verifier over RFC 5531's 400 bytes (up to 2 GiB) in a 48-byte call
                    byte[] c = call.clone();
                    ByteBuffer.wrap(c).putInt(4 + 36, i % 4 == 1 ? 0x7fffffff : 401 + i);
                    out.write(c);
                    assertTrue(closedByPeer(s), "a verifier over 400 bytes closes the connection");
                }
                case 4 -> { // many empty fragments, never the last one
                    ByteBuffer b = ByteBuffer.allocate(4 * 500);
                    while (b.hasRemaining()) {
                        b.putInt(0);
                    }
                    out.write(b.array());
                }
                default -> { // connects, sends nothing
                }
            }
            out.flush();
            if (i % 2 == 0) {
                s.close();
            } else {
                lingering.add(s);
            }
        }
        try (Nfs4TestClient c = new Nfs4TestClient(fx.server.address(), "after", 0)) {
            CompoundRes r = c.compound(0, new OpPutrootfh.Args(), new OpGetattr.Args(Bitmap4.of(0, 1)));
            assertEquals(NfsStat4.NFS4_OK, r.status(), "still serving");
        }
        assertTrue(fx.server.openConnections() > baseline, "the connections left open are counted");
        for (Socket s : lingering) {
            s.close();
        }
        assertEquals(baseline, await(fx.server::openConnections, baseline, 20),
                "open connections back to the baseline");
    }
}
