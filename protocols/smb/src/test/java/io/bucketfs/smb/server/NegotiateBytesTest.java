package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.smb.mssmb2.Dialect;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exact bytes of a [MS-SMB2] 2.2.4 NEGOTIATE response body with 3.1.1 contexts. */
@Timeout(10)
class NegotiateBytesTest {
    @Test
    void smb311Response() {
        ByteBuf out = Unpooled.buffer();
        byte[] guid = new byte[16];
        guid[0] = 0x11;
        Negotiate.encode(out, 0x1, Dialect.SMB_3_1_1, guid, 0x4, 0x100000, 0x0102030405060708L, 0,
                new byte[] {0x60, 0x01, 0x02},
                List.of(new Negotiate.Context(1, new byte[] {1, 0, 0, 0, 1, 0}),
                        new Negotiate.Context(2, new byte[] {1, 0, 2, 0})));
        String want = "4100" + "0100" + "1103" + "0200"             // size 65, signing enabled, 3.1.1, 2 contexts
                + "11" + "00".repeat(15)                                // ServerGuid
                + "04000000" + "00001000" + "00001000" + "00001000"  // LARGE_MTU, max transact/read/write
                + "0807060504030201" + "0000000000000000"            // SystemTime, ServerStartTime
                + "8000" + "0300" + "88000000"                       // security buffer at 128, 3 bytes; ctx at 136
                + "600102" + "0000000000"                             // blob + pad to 8
                + "0100" + "0600" + "00000000" + "010000000100"      // preauth context
                + "0000"                                              // pad
                + "0200" + "0400" + "00000000" + "01000200";          // encryption context: AES-128-GCM
        assertEquals(want, ByteBufUtil.hexDump(out));
    }
}
