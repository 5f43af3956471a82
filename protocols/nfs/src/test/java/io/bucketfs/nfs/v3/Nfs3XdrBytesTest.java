package io.bucketfs.nfs.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bucketfs.nfs.NfsFileHandles;
import io.bucketfs.nfs.v3.proc.Readdirplus3;
import io.bucketfs.nfs.v3.xdr.Fattr3;
import io.bucketfs.nfs.v3.xdr.Nfs3Xdr;
import io.bucketfs.nfs.v3.xdr.Sattr3;
import io.bucketfs.nfs.v3.xdr.WccData;
import io.bucketfs.nfs.v3.xdr.XdrGarbage;
import io.bucketfs.vfs.FileHandle;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.glassfish.grizzly.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exact wire bytes of NFSv3 XDR types (RFC 1813 section 2.6, 3.3.17), checked against hand-encoded hex. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Nfs3XdrBytesTest {

    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L, 5); // 0x6553f100

    static final Fattr3 ATTR = new Fattr3(Fattr3.NF3REG, 0644, 1, 1000, 100, 5, 5, 0, 1, 42, T,
            T.plusSeconds(1).plusNanos(1), T.plusSeconds(2).plusNanos(2));

    static final String ATTR_HEX = "00000001" + "000001a4" + "00000001" + "000003e8" + "00000064"
            + "0000000000000005" + "0000000000000005" + "00000000" + "00000000" + "0000000000000001"
            + "000000000000002a" + "6553f100" + "00000005" + "6553f101" + "00000006" + "6553f102" + "00000007";

    @Test
    void fattr3() throws Exception {
        assertEquals(ATTR_HEX, hex(ATTR::encode));
        assertEquals(Fattr3.LENGTH, ATTR_HEX.length() / 2);
        assertEquals(ATTR, Fattr3.decode(decoder(ATTR_HEX)));
    }

    @Test
    void wccDataWithBeforeAndAfter() throws Exception {
        WccData w = new WccData(new WccData.Before(5, T, T.plusSeconds(1)), null);
        String hex = "00000001" + "0000000000000005" + "6553f100" + "00000005" + "6553f101" + "00000005"
                + "00000000";
        assertEquals(hex, hex(w::encode));
        assertEquals(w, WccData.decode(decoder(hex)));
        WccData after = new WccData(null, ATTR);
        assertEquals("00000000" + "00000001" + ATTR_HEX, hex(after::encode));
    }

    @Test
    void readdirplusEntry() throws Exception {
        byte[] fh = NfsFileHandles.encode(1, new FileHandle(42, 7));
        Readdirplus3.EntryPlus3 e = new Readdirplus3.EntryPlus3(42, "ab", 3, null, fh);
        String hex = "00000001" + "000000000000002a" + "00000002" + "61620000" + "0000000000000003"
                + "00000000" + "00000001" + "00000018"
                + "6246" + "01" + "00" + "00000001" + "000000000000002a" + "0000000000000007";
        assertEquals(hex, hex(e::encode));
    }

    @Test
    void sattr3WithServerAndClientTimes() throws Exception {
        Sattr3 s = new Sattr3(0755, null, null, 10L, io.bucketfs.vfs.SetAttr.SERVER_TIME, T);
        String hex = "00000001" + "000001ed" + "00000000" + "00000000" + "00000001" + "000000000000000a"
                + "00000001" + "00000002" + "6553f100" + "00000005";
        assertEquals(hex, hex(s::encode));
        assertEquals(s, Sattr3.decode(decoder(hex)));
    }

    @Test
    void oversizedLengthsAreGarbageBeforeAnyAllocation() throws Exception {
        assertThrows(XdrGarbage.class, () -> Nfs3Xdr.fh(decoder("00000041")));
        assertThrows(XdrGarbage.class, () -> Nfs3Xdr.fh(decoder("ffffffff")));
        assertThrows(XdrGarbage.class, () -> Nfs3Xdr.name(decoder("7fffffff")));
        assertThrows(XdrGarbage.class, () -> Nfs3Xdr.bool(decoder("00000002")));
        assertThrows(XdrGarbage.class, () -> Sattr3.decode(decoder("00000000".repeat(4) + "00000003")));
        assertArrayEquals(new byte[] {1, 2, 3}, Nfs3Xdr.fh(decoder("00000003" + "01020300")));
    }

    static String hex(Consumer<Xdr> enc) {
        Xdr x = new Xdr(1024);
        x.beginEncoding();
        enc.accept(x);
        x.endEncoding();
        Buffer b = x.asBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return HexFormat.of().formatHex(out);
    }

    static Xdr decoder(String hex) {
        Xdr x = new Xdr(HexFormat.of().parseHex(hex));
        x.beginDecoding();
        return x;
    }
}
