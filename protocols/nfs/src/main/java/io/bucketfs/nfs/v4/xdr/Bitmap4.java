package io.bucketfs.nfs.v4.xdr;

import java.util.Arrays;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 8881 3.3.7 {@code bitmap4}: a counted array of 32-bit words, bit {@code n} in word {@code n / 32}. Encoded
 * without trailing zero words. Immutable.
 */
public final class Bitmap4 {

    public static final Bitmap4 EMPTY = new Bitmap4(new int[0]);

    private final int[] words;

    private Bitmap4(int[] words) {
        int n = words.length;
        while (n > 0 && words[n - 1] == 0) {
            n--;
        }
        this.words = Arrays.copyOf(words, n);
    }

    public static Bitmap4 of(int... bits) {
        int max = -1;
        for (int b : bits) {
            max = Math.max(max, b);
        }
        int[] w = new int[max / 32 + 1];
        for (int b : bits) {
            w[b / 32] |= 1 << (b % 32);
        }
        return new Bitmap4(w);
    }

    public static Bitmap4 ofWords(int... words) {
        return new Bitmap4(words.clone());
    }

    public boolean isSet(int bit) {
        int w = bit / 32;
        return bit >= 0 && w < words.length && (words[w] & (1 << (bit % 32))) != 0;
    }

    public boolean isEmpty() {
        return words.length == 0;
    }

    /** The highest bit that may be set plus one. */
    public int bitLimit() {
        return words.length * 32;
    }

    public Bitmap4 and(Bitmap4 o) {
        int[] w = new int[Math.min(words.length, o.words.length)];
        for (int i = 0; i < w.length; i++) {
            w[i] = words[i] & o.words[i];
        }
        return new Bitmap4(w);
    }

    /** This minus {@code o}. */
    public Bitmap4 andNot(Bitmap4 o) {
        int[] w = words.clone();
        for (int i = 0; i < Math.min(w.length, o.words.length); i++) {
            w[i] &= ~o.words[i];
        }
        return new Bitmap4(w);
    }

    public Bitmap4 with(int bit) {
        int[] w = Arrays.copyOf(words, Math.max(words.length, bit / 32 + 1));
        w[bit / 32] |= 1 << (bit % 32);
        return new Bitmap4(w);
    }

    public int[] words() {
        return words.clone();
    }

    public static Bitmap4 decode(XdrDecodingStream in) throws OncRpcException {
        int n = XdrUtil.length(in, XdrUtil.MAX_BITMAP_WORDS, "bitmap4");
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = XdrUtil.u32(in);
        }
        return new Bitmap4(w);
    }

    public void encode(XdrEncodingStream out) {
        out.xdrEncodeInt(words.length);
        for (int w : words) {
            out.xdrEncodeInt(w);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitmap4 b && Arrays.equals(b.words, words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < bitLimit(); i++) {
            if (isSet(i)) {
                sb.append(sb.length() > 1 ? "," : "").append(i);
            }
        }
        return sb.append('}').toString();
    }
}
