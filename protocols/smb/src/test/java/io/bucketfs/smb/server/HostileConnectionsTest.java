package io.bucketfs.smb.server;

import static io.bucketfs.testing.HostileClients.await;
import static io.bucketfs.testing.HostileClients.closedByPeer;
import static io.bucketfs.testing.HostileClients.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
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
 * bytes, truncated frames, absurd frame lengths or nothing, half hang up at once and half stay open. Proves the
 * server closes those announcing an oversized frame, still answers a real NEGOTIATE and signs a real client in (SMBJ) while the rest hang, and that
 * its count of open connections ({@link SmbServer#openConnections()}) returns to where it was once the clients are
 * gone: no connection leaks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileConnectionsTest {
    static final int CONNECTIONS = 60;

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
    void hostileClientsLeakNoConnectionAndServingGoesOn() throws Exception {
        int baseline = fixture.server.openConnections();
        Random rnd = new Random(9);
        byte[] negotiate = MalformedFramesTest.negotiate(2, 0x0202, 0x0210);
        List<Socket> lingering = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket s = new Socket("127.0.0.1", fixture.port());
            s.setSoTimeout(10_000);
            switch (i % 5) {
                case 0 -> s.getOutputStream().write(randomBytes(rnd, 1 + rnd.nextInt(3000)));
                case 1 -> { // a NEGOTIATE frame cut short
                    MalformedFramesTest.send(s, Arrays.copyOf(negotiate, rnd.nextInt(negotiate.length)),
                            negotiate.length);
                }
                case 2 -> { // a frame longer than the server takes: closed at once
                    MalformedFramesTest.send(s, randomBytes(rnd, 16), SmbSettings.DEFAULT_MAX_FRAME_BYTES + 1 + i);
                    assertTrue(closedByPeer(s), "an oversized frame closes the connection");
                }
                case 3 -> { // a whole frame: an SMB2 header's first bytes, then random ones
                    byte[] frame = randomBytes(rnd, 64 + rnd.nextInt(400));
                    ByteBuffer.wrap(frame).putInt(0xFE534D42);
                    MalformedFramesTest.send(s, frame, frame.length);
                }
                default -> { // connects, sends nothing
                }
            }
            if (i % 2 == 0) {
                s.close();
            } else {
                lingering.add(s);
            }
        }
        try (Socket s = new Socket("127.0.0.1", fixture.port())) {
            s.setSoTimeout(10_000);
            MalformedFramesTest.send(s, negotiate, negotiate.length);
            assertEquals(NtStatus.SUCCESS, MalformedFramesTest.readStatus(s), "still serving");
        }
        MalformedFramesTest.stillServes(fixture.port());
        assertTrue(fixture.server.openConnections() > baseline, "the connections left open are counted");
        for (Socket s : lingering) {
            s.close();
        }
        assertEquals(baseline, await(fixture.server::openConnections, baseline, 20),
                "open connections back to the baseline");
    }
}
