package io.bucketfs.smb.mssmb2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** [MS-SMB2] 2.2.13.2 create context lists: exact bytes out, names and data back in, malformed lists refused. */
@Timeout(10)
class CreateContextsTest {
    @Test
    void appendWritesTheSpecLayoutAndDecodeReadsItBack() throws Exception {
        ByteBuf b = Unpooled.buffer();
        int first = CreateContexts.append(b, "MxAc", new byte[] {0, 0, 0, 0, (byte) 0xff, 1, 0x1f, 0});
        int second = CreateContexts.append(b, "QFid", new byte[0]);
        b.setIntLE(first, second - first);
        assertEquals("20000000" + "1000" + "0400" + "0000" + "1800" + "08000000" + "4d784163" + "00000000"
                + "00000000ff011f00"
                + "00000000" + "1000" + "0400" + "0000" + "0000" + "00000000" + "51466964" + "00000000",
                ByteBufUtil.hexDump(b));
        byte[] wire = ByteBufUtil.getBytes(b);
        Map<String, byte[]> back = CreateContexts.decode(wire);
        assertEquals(List.of("MxAc", "QFid"), List.copyOf(back.keySet()));
        assertArrayEquals(new byte[] {0, 0, 0, 0, (byte) 0xff, 1, 0x1f, 0}, back.get("MxAc"));
        assertEquals(0, back.get("QFid").length);
        assertEquals(0, CreateContexts.decode(new byte[0]).size());
    }

    @Test
    void malformedListsAreInvalidParameter() {
        ByteBuf b = Unpooled.buffer();
        CreateContexts.append(b, "QFid", new byte[4]);
        byte[] wire = ByteBufUtil.getBytes(b);
        byte[] shortened = java.util.Arrays.copyOf(wire, 20);
        assertEquals(NtStatus.INVALID_PARAMETER,
                assertThrows(SmbProtocolException.class, () -> CreateContexts.decode(shortened)).status());
        byte[] badNext = wire.clone();
        badNext[0] = 3;
        assertEquals(NtStatus.INVALID_PARAMETER,
                assertThrows(SmbProtocolException.class, () -> CreateContexts.decode(badNext)).status());
    }
}
