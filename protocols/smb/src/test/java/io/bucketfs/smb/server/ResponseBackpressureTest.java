package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.netty.channel.ChannelOutboundBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outbound backpressure ({@link SmbConnection}, {@link SmbSettings#writeBufferHigh()}): a raw client pipelines
 * {@link #READS} 64 KiB READs (64 MiB of answers, far more than the kernel's socket buffers hold) and reads
 * nothing. The server stops running them and stops reading the socket once its unsent responses pass the high
 * water mark, holding no more than that plus one response; when the client then reads, every READ is answered,
 * in order, with the file's bytes.
 */
class ResponseBackpressureTest extends LocalServerTest {
    private static final int READS = 1024;
    private static final int CHUNK = 64 << 10;

    @Test
    @Timeout(120)
    void aClientThatDoesNotReadHoldsTheServerToTheWaterMark() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        fixture.server.opListener((protocol, op, nanos, failed) -> {
            if (op.equals("READ")) {
                reads.incrementAndGet();
            }
        });
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x210)) {
            c.sessionId = c.login(0, 0, SmbFixture.PASSWORD).sessionId();
            assertEquals(NtStatus.SUCCESS, c.treeConnect(c.sessionId));
            c.creditRequest = READS + 16; // a window wide enough to pipeline every READ
            byte[] fileId = c.open("big.bin");
            byte[] data = new byte[CHUNK];
            new Random(7).nextBytes(data);
            assertEquals(NtStatus.SUCCESS, c.write(fileId, 0, data));

            for (int i = 0; i < READS; i++) {
                c.sendRead(fileId, 0, CHUNK);
            }
            int settled = settle(reads);
            SmbConnection conn = fixture.server.connections().iterator().next();
            ChannelOutboundBuffer out = conn.channel().unsafe().outboundBuffer();
            long pending = out == null ? 0 : out.totalPendingWriteBytes();
            SmbSettings s = SmbSettings.DEFAULTS;
            assertTrue(settled < READS, "the server ran every READ (" + settled + ") for a client not reading");
            assertTrue(pending <= s.writeBufferHigh() + s.maxFrameBytes(), "unsent: " + pending);
            assertFalse(conn.channel().config().isAutoRead(), "the server still reads the connection");

            for (int i = 0; i < READS; i++) {
                RawSmbClient.Answer a = c.read();
                assertEquals(NtStatus.SUCCESS, a.status(), "READ " + i);
                ByteBuffer r = ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(CHUNK, r.getInt(64 + 4), "DataLength of READ " + i);
                assertEquals(ByteBuffer.wrap(data), ByteBuffer.wrap(a.bytes(), r.get(64 + 2) & 0xFF, CHUNK));
            }
            assertEquals(READS, reads.get());
        }
    }

    /** Waits until {@code count} has not moved for half a second; returns it. */
    private static int settle(AtomicInteger count) throws InterruptedException {
        int last = -1;
        while (count.get() != last) {
            last = count.get();
            Thread.sleep(500);
        }
        return last;
    }
}
