package io.bucketfs.nfs.v4.xdr;

import java.util.Arrays;
import java.util.HexFormat;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 3.3.12 {@code stateid4}: a 32-bit seqid and 12 opaque bytes ({@code other}). The special stateids of
 * RFC 8881 8.2.3 are constants here.
 *
 * @param seqid unsigned, 0 for "the current seqid" in 4.1
 * @param other 12 bytes
 */
public record Stateid4(int seqid, byte[] other) {

    public static final int OTHER_LENGTH = 12;

    private static final byte[] ZEROS = new byte[OTHER_LENGTH];
    private static final byte[] ONES = filled();

    /** All zeros: the anonymous stateid (READ/WRITE/SETATTR without an open). */
    public static final Stateid4 ANONYMOUS = new Stateid4(0, ZEROS);
    /** All ones: READ bypassing share reservations. */
    public static final Stateid4 BYPASS = new Stateid4(-1, ONES);
    /** seqid 1, other zero: the current stateid of the COMPOUND (4.1). */
    public static final Stateid4 CURRENT = new Stateid4(1, ZEROS);
    /** seqid NFS4_UINT32_MAX, other zero: the invalid stateid (returned by CLOSE in 4.1). */
    public static final Stateid4 INVALID = new Stateid4(-1, ZEROS);

    public Stateid4 {
        if (other.length != OTHER_LENGTH) {
            throw new IllegalArgumentException("stateid other is 12 bytes");
        }
        other = other.clone();
    }

    private static byte[] filled() {
        byte[] b = new byte[OTHER_LENGTH];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    public boolean isAnonymous() {
        return seqid == 0 && Arrays.equals(other, ZEROS);
    }

    public boolean isBypass() {
        return seqid == -1 && Arrays.equals(other, ONES);
    }

    public boolean isCurrent() {
        return seqid == 1 && Arrays.equals(other, ZEROS);
    }

    /** Whether {@code other} is all zeros or all ones (a special stateid of some seqid). */
    public boolean isSpecial() {
        return Arrays.equals(other, ZEROS) || Arrays.equals(other, ONES);
    }

    @Override
    public byte[] other() {
        return other.clone();
    }

    public Stateid4 withSeqid(int s) {
        return new Stateid4(s, other);
    }

    public static Stateid4 decode(XdrDecodingStream in) throws OncRpcException {
        int seq = XdrUtil.u32(in);
        return new Stateid4(seq, XdrUtil.fixed(in, OTHER_LENGTH));
    }

    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(seqid);
        out.xdrEncodeOpaque(other, OTHER_LENGTH);
    }

    /** The key of the state this stateid names, whatever its seqid. */
    public String otherHex() {
        return HexFormat.of().formatHex(other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stateid4 s && s.seqid == seqid && Arrays.equals(s.other, other);
    }

    @Override
    public int hashCode() {
        return 31 * seqid + Arrays.hashCode(other);
    }

    @Override
    public String toString() {
        return "stateid[" + Integer.toUnsignedString(seqid) + ":" + otherHex() + "]";
    }
}
