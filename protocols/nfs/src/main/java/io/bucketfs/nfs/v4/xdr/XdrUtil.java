package io.bucketfs.nfs.v4.xdr;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * Bounded XDR primitives (RFC 4506) for the NFSv4 types: every variable-length item is checked against a limit
 * before anything is allocated, so a hostile length can never make the server allocate more than its limits.
 */
public final class XdrUtil {

    /** The longest opaque owner / client id (RFC 8881 {@code NFS4_OPAQUE_LIMIT}). */
    public static final int OPAQUE_LIMIT = 1024;
    /** The longest file handle (RFC 8881 {@code NFS4_FHSIZE}). */
    public static final int FHSIZE = 128;
    /** The longest name or string accepted (a component, a symlink target, an owner string). */
    public static final int MAX_STRING = 4096;
    /** The most words in a bitmap4 accepted. */
    public static final int MAX_BITMAP_WORDS = 8;
    /** The most items in any other array accepted (operations in a COMPOUND, stateids in TEST_STATEID). */
    public static final int MAX_ITEMS = 1024;

    private XdrUtil() {
    }

    /** A decoding failure: the caller answers GARBAGE_ARGS or NFS4ERR_BADXDR. */
    public static final class BadXdr extends OncRpcException {
        public BadXdr(String message) {
            super(message);
        }
    }

    /** An array or opaque length, checked against {@code max}. */
    public static int length(XdrDecodingStream in, int max, String what) throws OncRpcException {
        int n;
        try {
            n = in.xdrDecodeInt();
        } catch (java.io.IOException e) {
            throw new BadXdr(what + ": " + e.getMessage());
        }
        if (n < 0 || n > max) {
            throw new BadXdr(what + ": length " + Integer.toUnsignedString(n) + " over " + max);
        }
        return n;
    }

    public static int u32(XdrDecodingStream in) throws OncRpcException {
        try {
            return in.xdrDecodeInt();
        } catch (java.io.IOException e) {
            throw new BadXdr(e.getMessage());
        }
    }

    public static long u64(XdrDecodingStream in) throws OncRpcException {
        try {
            return in.xdrDecodeLong();
        } catch (java.io.IOException e) {
            throw new BadXdr(e.getMessage());
        }
    }

    public static boolean bool(XdrDecodingStream in) throws OncRpcException {
        int v = u32(in);
        if (v != 0 && v != 1) {
            throw new BadXdr("bool " + v);
        }
        return v == 1;
    }

    /** A variable-length opaque of at most {@code max} bytes. */
    public static byte[] opaque(XdrDecodingStream in, int max, String what) throws OncRpcException {
        int n = length(in, max, what);
        return fixed(in, n);
    }

    /** A fixed-length opaque. */
    public static byte[] fixed(XdrDecodingStream in, int n) throws OncRpcException {
        if (n == 0) {
            return new byte[0];
        }
        try {
            return in.xdrDecodeOpaque(n);
        } catch (java.io.IOException | RuntimeException e) {
            throw new BadXdr("opaque[" + n + "]: " + e.getMessage());
        }
    }

    /**
     * A variable-length opaque copied out of the record: its length is checked against what the record holds
     * before anything is allocated (the record itself is bounded by {@code NfsSettings.maxRequestBytes}).
     */
    public static java.nio.ByteBuffer byteBuffer(XdrDecodingStream in, String what) throws OncRpcException {
        java.nio.ByteBuffer view;
        try {
            view = in.xdrDecodeByteBuffer();
        } catch (java.io.IOException | RuntimeException e) {
            throw new BadXdr(what + ": " + e.getMessage());
        }
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(view.remaining());
        copy.put(view).flip();
        return copy;
    }

    /** A UTF-8 string of at most {@code max} bytes; invalid UTF-8 is {@link BadXdr}. */
    public static String utf8(XdrDecodingStream in, int max, String what) throws OncRpcException {
        byte[] b = opaque(in, max, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new BadXdr(what + ": not UTF-8");
        }
    }

    public static void opaque(XdrEncodingStream out, byte[] b) {
        out.xdrEncodeDynamicOpaque(b);
    }

    public static void fixed(XdrEncodingStream out, byte[] b) {
        out.xdrEncodeOpaque(b, b.length);
    }

    public static void utf8(XdrEncodingStream out, String s) {
        out.xdrEncodeDynamicOpaque(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An unsigned 64-bit value as 8 bytes (verifiers). */
    public static byte[] verifier(long v) {
        return java.nio.ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long verifier(byte[] b) {
        return java.nio.ByteBuffer.wrap(b).getLong();
    }
}
