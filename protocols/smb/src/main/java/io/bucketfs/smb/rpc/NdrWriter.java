package io.bucketfs.smb.rpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Encodes NDR 2.0 stub data ([C706] 14), little-endian: primitives aligned to their size from the start of the
 * stub (padding is zero), unique pointers as referent ids from a counter ({@code 0x00020000} upwards, as
 * Windows does; any non-zero distinct value is valid), and conformant varying strings.
 */
public final class NdrWriter {
    private byte[] buf = new byte[256];
    private int len;
    private int nextReferent = 0x00020000;

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    public int length() {
        return len;
    }

    public NdrWriter align(int n) {
        int pad = (n - (len & (n - 1))) & (n - 1);
        ensure(pad);
        len += pad;
        return this;
    }

    public NdrWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public NdrWriter u16(int v) {
        align(2);
        ensure(2);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
        return this;
    }

    public NdrWriter u32(int v) {
        align(4);
        ensure(4);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 24);
        return this;
    }

    public NdrWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** A UUID in its DCE encoding (see {@link NdrReader#uuid()}); not aligned (it is a structure of bytes here). */
    public NdrWriter uuid(UUID u) {
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        ensure(16);
        int tl = (int) (hi >>> 32);
        buf[len++] = (byte) tl;
        buf[len++] = (byte) (tl >>> 8);
        buf[len++] = (byte) (tl >>> 16);
        buf[len++] = (byte) (tl >>> 24);
        int tm = (int) (hi >>> 16);
        buf[len++] = (byte) tm;
        buf[len++] = (byte) (tm >>> 8);
        int th = (int) hi;
        buf[len++] = (byte) th;
        buf[len++] = (byte) (th >>> 8);
        for (int i = 7; i >= 0; i--) {
            buf[len++] = (byte) (lo >>> (8 * i));
        }
        return this;
    }

    /** A unique pointer: a fresh referent id when {@code present}, else the null pointer. */
    public NdrWriter pointer(boolean present) {
        if (present) {
            u32(nextReferent);
            nextReferent += 4;
        } else {
            u32(0);
        }
        return this;
    }

    /** A conformant varying string of wchar_t with its terminating NUL (maximum = actual, offset 0). */
    public NdrWriter string(String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_16LE);
        int units = b.length / 2;
        u32(units).u32(0).u32(units);
        return bytes(b);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
