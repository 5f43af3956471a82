package io.bucketfs.smb.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** NDR primitives: exact bytes, alignment, and bounds. */
@Timeout(10)
class NdrTest {
    @Test
    void uuidInDceByteOrder() throws Exception {
        byte[] b = new NdrWriter().uuid(Srvsvc.UUID_SRVSVC).toByteArray();
        assertEquals("c84f324b7016d30112785a47bf6ee188", HexFormat.of().formatHex(b));
        assertEquals(Srvsvc.UUID_SRVSVC, new NdrReader(b).uuid());
        UUID ndr = new NdrReader(HexFormat.of().parseHex("045d888aeb1cc9119fe808002b104860")).uuid();
        assertEquals(RpcPipe.NDR, ndr);
    }

    @Test
    void conformantVaryingStringWithAlignment() throws Exception {
        NdrWriter w = new NdrWriter().u8(1).string("ab").u16(7).u32(9);
        assertEquals("01000000" + "03000000" + "00000000" + "03000000" + "610062000000" + "0700" + "09000000",
                HexFormat.of().formatHex(w.toByteArray()));
        NdrReader r = new NdrReader(w.toByteArray());
        assertEquals(1, r.u8());
        assertEquals("ab", r.string());
        assertEquals(7, r.u16());
        assertEquals(9, r.u32());
        assertEquals(0, r.remaining());
    }

    @Test
    void pointersAreDistinctReferents() throws Exception {
        NdrWriter w = new NdrWriter().pointer(true).pointer(false).pointer(true);
        NdrReader r = new NdrReader(w.toByteArray());
        int a = r.pointer();
        assertEquals(0, r.pointer());
        int b = r.pointer();
        assertEquals(0x00020000, a);
        assertEquals(a + 4, b);
        assertNull(new NdrReader(new byte[4]).uniqueString());
    }

    @Test
    void malformedInputIsNdrException() {
        assertThrows(NdrException.class, () -> new NdrReader(new byte[3]).u32());
        assertThrows(NdrException.class, () -> new NdrReader(new byte[] {1}).u16());
        byte[] hugeString = new NdrWriter().u32(-1).u32(0).u32(-1).toByteArray();
        assertThrows(NdrException.class, () -> new NdrReader(hugeString).string());
        byte[] offsetPastMax = new NdrWriter().u32(2).u32(2).u32(1).u16(0).toByteArray();
        assertThrows(NdrException.class, () -> new NdrReader(offsetPastMax).string());
        byte[] tooLong = new NdrWriter().u32(NdrReader.MAX_STRING_UNITS + 1).u32(0)
                .u32(NdrReader.MAX_STRING_UNITS + 1).toByteArray();
        assertThrows(NdrException.class, () -> new NdrReader(tooLong).string());
        NdrReader oneLeft = new NdrReader(new byte[2]);
        assertThrows(NdrException.class, () -> {
            oneLeft.u8();
            oneLeft.align(4); // 3 padding bytes of the 1 left
        });
        assertThrows(NdrException.class, () -> new NdrReader(new byte[8]).bytes(9));
        assertThrows(NdrException.class, () -> new NdrReader(new byte[15]).uuid());
    }

    @Test
    void readerOverASliceAlignsFromTheSliceStart() throws Exception {
        byte[] b = HexFormat.of().parseHex("ff" + "aa" + "000000" + "05000000");
        NdrReader r = new NdrReader(b, 1, b.length - 1);
        assertEquals(0xaa, r.u8());
        assertEquals(5, r.u32());
        assertArrayEquals(new byte[0], r.bytes(0));
    }
}
