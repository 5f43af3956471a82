package io.bucketfs.smb.mssmb2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exact bytes of [MS-SMB2] 2.2.1 headers, sync and async, and rejection of malformed ones. */
@Timeout(10)
class Smb2HeaderTest {
    private static final String SYNC = "fe534d42" + "4000" + "0200" + "00000000" + "0800" + "2000"
            + "0c000000" + "00000000" + "0500000000000000" + "feff0000" + "07000000" + "1100000000000000"
            + "000102030405060708090a0b0c0d0e0f";

    @Test
    void syncHeaderRoundTrips() throws Exception {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex(SYNC));
        Smb2Header h = Smb2Header.decode(in);
        assertEquals(2, h.creditCharge);
        assertEquals(Smb2Command.READ, h.command);
        assertEquals(32, h.credits);
        assertTrue(h.isSigned() && h.isRelated());
        assertEquals(5, h.messageId);
        assertEquals(0xfffe, h.processId);
        assertEquals(7, h.treeId);
        assertEquals(0x11, h.sessionId);
        ByteBuf out = Unpooled.buffer();
        h.encode(out);
        assertEquals(SYNC, ByteBufUtil.hexDump(out));
    }

    @Test
    void responseHeaderOfAnAsyncRequest() throws Exception {
        Smb2Header h = Smb2Header.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(SYNC)));
        h.flags = Smb2Header.FLAGS_ASYNC_COMMAND;
        h.asyncId = 0x0102030405060708L;
        Smb2Header r = h.responseTo(NtStatus.PENDING);
        r.flags |= Smb2Header.FLAGS_ASYNC_COMMAND;
        r.credits = 1;
        ByteBuf out = Unpooled.buffer();
        r.encode(out);
        assertEquals("fe534d42" + "4000" + "0200" + "03010000" + "0800" + "0100" + "03000000" + "00000000"
                + "0500000000000000" + "0807060504030201" + "1100000000000000" + "00".repeat(16),
                ByteBufUtil.hexDump(out));
    }

    @Test
    void malformedHeadersAreProtocolErrors() {
        byte[] b = HexFormat.of().parseHex(SYNC);
        assertThrows(SmbProtocolException.class, () -> Smb2Header.decode(Unpooled.wrappedBuffer(b, 0, 63)));
        b[4] = 0x41;
        assertThrows(SmbProtocolException.class, () -> Smb2Header.decode(Unpooled.wrappedBuffer(b)));
        b[4] = 0x40;
        b[0] = (byte) 0xff;
        assertThrows(SmbProtocolException.class, () -> Smb2Header.decode(Unpooled.wrappedBuffer(b)));
    }

    @Test
    void requestFieldsOutOfRangeAreInvalidParameter() throws Exception {
        ByteBuf m = Unpooled.buffer().writeBytes(HexFormat.of().parseHex(SYNC)).writeShortLE(9).writeShortLE(0);
        Request r = new Request(Smb2Header.decode(m), m);
        assertEquals(9, r.body16(0));
        SmbProtocolException e = assertThrows(SmbProtocolException.class, () -> r.bytes(60, 100));
        assertEquals(NtStatus.INVALID_PARAMETER, e.status());
        assertThrows(SmbProtocolException.class, () -> r.body64(0));
        assertThrows(SmbProtocolException.class, () -> r.expectStructure(9));
        assertThrows(SmbProtocolException.class, () -> r.utf16(64, 3));
    }
}
