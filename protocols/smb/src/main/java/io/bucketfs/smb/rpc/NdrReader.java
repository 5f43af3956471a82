package io.bucketfs.smb.rpc;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Decodes NDR 2.0 stub data ([C706] 14, little-endian integers as the packed_drep of every PDU we accept says):
 * primitives are aligned to their size relative to the start of the stub, every read is bounds-checked and a
 * read past the end or an inconsistent count is an {@link NdrException}, never a runtime exception.
 */
public final class NdrReader {
    /** The longest string accepted, in UTF-16 code units including the terminator: {@value}. */
    public static final int MAX_STRING_UNITS = 4096;

    private final byte[] buf;
    private final int start;
    private final int end;
    private int pos;

    public NdrReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public NdrReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
    }

    /** Bytes left after the current position. */
    public int remaining() {
        return end - pos;
    }

    /** The current position relative to the start of the stub. */
    public int position() {
        return pos - start;
    }

    /** Skips to the next multiple of {@code n} (a power of two) from the start of the stub. */
    public void align(int n) throws NdrException {
        int rel = pos - start;
        int pad = (n - (rel & (n - 1))) & (n - 1);
        need(pad);
        pos += pad;
    }

    private void need(int n) throws NdrException {
        if (n < 0 || n > end - pos) {
            throw new NdrException("stub data truncated at " + (pos - start) + " (need " + n + ")");
        }
    }

    public int u8() throws NdrException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() throws NdrException {
        align(2);
        need(2);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    /** An unsigned long (32 bits; the caller treats it as unsigned where it matters). */
    public int u32() throws NdrException {
        align(4);
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    public byte[] bytes(int n) throws NdrException {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    /** A UUID in its DCE encoding: time_low, time_mid, time_hi_and_version little-endian, then 8 bytes as-is. */
    public UUID uuid() throws NdrException {
        need(16);
        long tl = u32raw() & 0xFFFFFFFFL;
        long tm = u16raw();
        long th = u16raw();
        long hi = tl << 32 | tm << 16 | th;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            lo = lo << 8 | (buf[pos++] & 0xFF);
        }
        return new UUID(hi, lo);
    }

    private int u32raw() {
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private int u16raw() {
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    /** A full pointer or unique pointer's referent id: 0 is the null pointer. */
    public int pointer() throws NdrException {
        return u32();
    }

    /**
     * A conformant varying string of wchar_t ({@code [string] wchar_t*}, [C706] 14.3.4): maximum count, offset,
     * actual count, then actual count UTF-16 units; the terminating NUL, if present, is dropped.
     */
    public String string() throws NdrException {
        long max = u32() & 0xFFFFFFFFL;
        long offset = u32() & 0xFFFFFFFFL;
        long actual = u32() & 0xFFFFFFFFL;
        if (offset + actual > max || actual > MAX_STRING_UNITS) {
            throw new NdrException("bad string counts max=" + max + " offset=" + offset + " actual=" + actual);
        }
        int n = (int) actual;
        need(2 * n);
        String s = new String(buf, pos, 2 * n, StandardCharsets.UTF_16LE);
        pos += 2 * n;
        return s.endsWith("\0") ? s.substring(0, s.length() - 1) : s;
    }

    /** A unique pointer to a conformant varying string; null for the null pointer. */
    public String uniqueString() throws NdrException {
        return pointer() == 0 ? null : string();
    }
}
