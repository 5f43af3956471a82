package io.bucketfs.nfs.v4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.nfs.v4.attr.AttrDecoder;
import io.bucketfs.nfs.v4.attr.AttrEncoder;
import io.bucketfs.nfs.v4.attr.AttrSource;
import io.bucketfs.nfs.v4.attr.Fattr;
import io.bucketfs.nfs.v4.ops.OpGetfh;
import io.bucketfs.nfs.v4.ops.OpPutrootfh;
import io.bucketfs.nfs.v4.ops.OpSequence;
import io.bucketfs.nfs.v4.xdr.Bitmap4;
import io.bucketfs.nfs.v4.xdr.Fattr4;
import io.bucketfs.nfs.v4.xdr.Stateid4;
import io.bucketfs.vfs.Attr;
import io.bucketfs.vfs.FileType;
import io.bucketfs.vfs.SetAttr;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exact encoded bytes of the trickier XDR types (RFC 8881 3.3, 5, 16.2). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class XdrBytesTest {

    private static String hex(Consumer<Xdr> enc) {
        try (Xdr x = new Xdr(64)) {
            x.beginEncoding();
            enc.accept(x);
            x.endEncoding();
            return HexFormat.of().formatHex(x.getBytes());
        }
    }

    private static Xdr in(String hex) {
        Xdr x = new Xdr(HexFormat.of().parseHex(hex));
        x.beginDecoding();
        return x;
    }

    @Test
    void bitmapsDropTrailingZeroWordsAndRoundTrip() throws Exception {
        Bitmap4 b = Bitmap4.of(Fattr.TYPE, Fattr.SIZE, Fattr.MODE, Fattr.MOUNTED_ON_FILEID);
        assertEquals("00000002" + "00000012" + "00800002", hex(b::encode));
        assertEquals(b, Bitmap4.decode(in("00000003" + "00000012" + "00800002" + "00000000")));
        assertEquals("00000000", hex(Bitmap4.EMPTY::encode));
        assertThrows(java.io.IOException.class, () -> Bitmap4.decode(in("000000ff")));
    }

    @Test
    void stateidsAndTheSpecialOnes() throws Exception {
        Stateid4 s = new Stateid4(7, HexFormat.of().parseHex("0102030405060708090a0b0c"));
        assertEquals("00000007" + "0102030405060708090a0b0c", hex(s::encode));
        assertEquals(s, Stateid4.decode(in("00000007" + "0102030405060708090a0b0c")));
        assertTrue(Stateid4.decode(in("00000000" + "000000000000000000000000")).isAnonymous());
        assertTrue(Stateid4.decode(in("ffffffff" + "ffffffffffffffffffffffff")).isBypass());
        assertTrue(Stateid4.decode(in("00000001" + "000000000000000000000000")).isCurrent());
    }

    @Test
    void compoundHeaderAndOperations() {
        byte[] session = new byte[16];
        session[15] = 9;
        CompoundArgs a = new CompoundArgs("ab", 1, List.of(new OpSequence.Args(session, 5, 0, 3, true),
                new OpPutrootfh.Args(), new OpGetfh.Args()));
        assertEquals("00000002" + "61620000" + "00000001" + "00000003"
                + "00000035" + "00000000000000000000000000000009" + "00000005" + "00000000" + "00000003" + "00000001"
                + "00000018" + "0000000a", hex(a::xdrEncode));
    }

    @Test
    void fattr4ValuesInBitOrderAndBack() throws Exception {
        Instant t = Instant.ofEpochSecond(1_700_000_000L, 5);
        Attr a = new Attr(42, FileType.REGULAR, 0640, 1, 1000, 100, 10, 10, t, t, t, t, 3, 0);
        Fattr4 f = AttrEncoder.encode(Bitmap4.of(Fattr.TYPE, Fattr.SIZE, Fattr.FILEID, Fattr.MODE, Fattr.OWNER,
                Fattr.TIME_MODIFY, Fattr.FS_LOCATIONS, Fattr.TIME_MODIFY_SET),
                new AttrSource(a, new byte[0], 1, 42, () -> null, 1, 90, 1 << 20));
        assertEquals(Bitmap4.of(Fattr.TYPE, Fattr.SIZE, Fattr.FILEID, Fattr.MODE, Fattr.OWNER, Fattr.TIME_MODIFY),
                f.mask(), "fs_locations refused, write-only time_modify_set left out");
        assertEquals("00000001" + "000000000000000a" + "000000000000002a" + "000001a0" + "00000004" + "31303030"
                + "000000006553f100" + "00000005", HexFormat.of().formatHex(f.values()));

        Fattr4 set = new Fattr4(Bitmap4.of(Fattr.SIZE, Fattr.MODE, Fattr.OWNER_GROUP, Fattr.TIME_MODIFY_SET),
                HexFormat.of().parseHex("0000000000000000" + "000001ed" + "00000003" + "31303000" + "00000000"));
        assertEquals(new SetAttr(0755, null, 100, 0L, null, SetAttr.SERVER_TIME, null, null, null),
                AttrDecoder.decode(set, 1));
        Nfs4Exception bad = assertThrows(Nfs4Exception.class, () -> AttrDecoder.decode(new Fattr4(
                Bitmap4.of(Fattr.FILEID), new byte[8]), 1));
        assertEquals(NfsStat4.NFS4ERR_INVAL, bad.status());
        assertEquals(NfsStat4.NFS4ERR_ATTRNOTSUPP, assertThrows(Nfs4Exception.class, () -> AttrDecoder.decode(
                new Fattr4(Bitmap4.of(Fattr.FS_LOCATIONS), new byte[0]), 1)).status());
        assertEquals(NfsStat4.NFS4ERR_BADOWNER, assertThrows(Nfs4Exception.class, () -> AttrDecoder.decode(
                new Fattr4(Bitmap4.of(Fattr.OWNER), HexFormat.of().parseHex("00000003626f6200")), 1)).status());
        assertArrayEquals(new byte[0], Fattr4.EMPTY.values());
    }
}
