package io.bucketfs.nfs.v3.xdr;

import io.bucketfs.vfs.Vfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * Bounded decoding of the basic NFSv3 data types (RFC 1813 section 2.5–2.6): every variable-length item has its
 * length checked against a documented limit before anything is allocated, so a hostile length never becomes a
 * huge allocation; an item over its limit is {@link XdrGarbage}.
 */
public final class Nfs3Xdr {

    /** NFS3_FHSIZE: the longest file handle (RFC 1813 section 2.4). */
    public static final int FHSIZE = 64;
    /** NFS3_COOKIEVERFSIZE, NFS3_CREATEVERFSIZE, NFS3_WRITEVERFSIZE (RFC 1813 section 2.4). */
    public static final int VERFSIZE = 8;
    /**
     * The longest filename3 decoded at all. Names up to this length but over {@link Vfs#MAX_NAME_BYTES} decode
     * and are refused by the VFS with NFS3ERR_NAMETOOLONG, as the RFC asks; longer ones are garbage.
     */
    public static final int MAX_NAME_DECODE = 1024;
    /** The longest nfspath3 (symlink target) accepted; longer is garbage. */
    public static final int MAX_PATH = 4096;

    private Nfs3Xdr() {
    }

    /** A length prefix, checked against {@code limit}. */
    public static int length(XdrDecodingStream x, int limit, String what) throws IOException {
        int n = x.xdrDecodeInt();
        if (n < 0 || n > limit) {
            throw new XdrGarbage(what + " of " + Integer.toUnsignedString(n) + " bytes exceeds " + limit);
        }
        return n;
    }

    /** Variable-length opaque data of at most {@code limit} bytes. */
    public static byte[] opaque(XdrDecodingStream x, int limit, String what) throws IOException {
        int n = length(x, limit, what);
        return n == 0 ? new byte[0] : x.xdrDecodeOpaque(n);
    }

    /** nfs_fh3 (RFC 1813 section 2.5). */
    public static byte[] fh(XdrDecodingStream x) throws IOException {
        return opaque(x, FHSIZE, "nfs_fh3");
    }

    /** filename3; {@code null} if it is not valid UTF-8 (the procedure then answers NFS3ERR_INVAL). */
    public static String name(XdrDecodingStream x) throws IOException {
        return utf8(opaque(x, MAX_NAME_DECODE, "filename3"));
    }

    /** nfspath3; {@code null} if it is not valid UTF-8. */
    public static String path(XdrDecodingStream x, int limit) throws IOException {
        return utf8(opaque(x, limit, "path"));
    }

    /** Encodes a string as UTF-8 variable-length opaque data. */
    public static void string(XdrEncodingStream x, String s) {
        x.xdrEncodeDynamicOpaque(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An 8-byte verifier (cookieverf3, createverf3, writeverf3) as a long. */
    public static long verf(XdrDecodingStream x) throws IOException {
        return ByteBuffer.wrap(x.xdrDecodeOpaque(VERFSIZE)).getLong();
    }

    public static void verf(XdrEncodingStream x, long v) {
        x.xdrEncodeOpaque(ByteBuffer.allocate(VERFSIZE).putLong(v).array(), VERFSIZE);
    }

    /** A boolean strictly 0 or 1 (XDR, RFC 4506 section 4.4). */
    public static boolean bool(XdrDecodingStream x) throws IOException {
        int v = x.xdrDecodeInt();
        if (v != 0 && v != 1) {
            throw new XdrGarbage("bool of " + v);
        }
        return v == 1;
    }

    /** nfstime3 (RFC 1813 section 2.5): clamped to what 32 unsigned bits of seconds hold. */
    public static void time(XdrEncodingStream x, Instant t) {
        long s = t.getEpochSecond();
        if (s < 0) {
            x.xdrEncodeInt(0);
            x.xdrEncodeInt(0);
        } else if (s > 0xffffffffL) {
            x.xdrEncodeInt(-1);
            x.xdrEncodeInt(999_999_999);
        } else {
            x.xdrEncodeInt((int) s);
            x.xdrEncodeInt(t.getNano());
        }
    }

    public static Instant time(XdrDecodingStream x) throws IOException {
        long s = Integer.toUnsignedLong(x.xdrDecodeInt());
        int n = x.xdrDecodeInt();
        if (n < 0 || n > 999_999_999) {
            throw new XdrGarbage("nfstime3 nseconds of " + Integer.toUnsignedString(n));
        }
        return Instant.ofEpochSecond(s, n);
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
