package io.bucketfs.smb.mssmb2;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * One SMB2 request of a (possibly compound) frame: its header and a bounds-checked view of its bytes. Offsets
 * are from the start of its SMB2 header, as in every offset field of [MS-SMB2]. Every read out of range throws
 * {@link SmbProtocolException} with INVALID_PARAMETER instead of an IndexOutOfBoundsException.
 */
public final class Request {
    public final Smb2Header header;
    /** The message: header + body, up to NextCommand (or the end of the frame); not owned here. */
    private final ByteBuf msg;

    public Request(Smb2Header header, ByteBuf msg) {
        this.header = header;
        this.msg = msg;
    }

    public int length() {
        return msg.readableBytes();
    }

    public ByteBuf message() {
        return msg;
    }

    private int at(int offset, int len) throws SmbProtocolException {
        if (offset < 0 || len < 0 || offset > msg.readableBytes() - len) {
            throw SmbProtocolException.invalid("field at " + offset + "+" + len + " beyond request of "
                    + msg.readableBytes() + " bytes");
        }
        return msg.readerIndex() + offset;
    }

    /** Checks the body's StructureSize (the first two body bytes) and that the fixed part is present. */
    public void expectStructure(int structureSize) throws SmbProtocolException {
        int fixed = structureSize & ~1;
        if (u16(Smb2Header.SIZE) != structureSize) {
            throw SmbProtocolException.invalid("StructureSize " + u16(Smb2Header.SIZE) + " for "
                    + Smb2Command.name(header.command));
        }
        at(Smb2Header.SIZE, fixed);
    }

    /** A body field: offset relative to the start of the body. */
    public int u8(int bodyOffset) throws SmbProtocolException {
        return msg.getUnsignedByte(at(Smb2Header.SIZE + bodyOffset, 1));
    }

    public int u16(int offset) throws SmbProtocolException {
        return msg.getUnsignedShortLE(at(offset, 2));
    }

    public int body16(int bodyOffset) throws SmbProtocolException {
        return u16(Smb2Header.SIZE + bodyOffset);
    }

    public int body32(int bodyOffset) throws SmbProtocolException {
        return msg.getIntLE(at(Smb2Header.SIZE + bodyOffset, 4));
    }

    public long body64(int bodyOffset) throws SmbProtocolException {
        return msg.getLongLE(at(Smb2Header.SIZE + bodyOffset, 8));
    }

    /** A body field as an unsigned 32-bit value. */
    public long bodyU32(int bodyOffset) throws SmbProtocolException {
        return body32(bodyOffset) & 0xFFFFFFFFL;
    }

    /** Bytes of a buffer named by an offset (from the header) and a length; an empty array for length 0. */
    public byte[] bytes(long offset, long length) throws SmbProtocolException {
        if (length == 0) {
            return new byte[0];
        }
        if (offset > Integer.MAX_VALUE || length > Integer.MAX_VALUE) {
            throw SmbProtocolException.invalid("buffer offset/length out of range");
        }
        int from = at((int) offset, (int) length); // before allocating: the length is the client's
        byte[] b = new byte[(int) length];
        msg.getBytes(from, b);
        return b;
    }

    /** A retained-free slice of a buffer named by offset (from the header) and length. */
    public ByteBuf slice(long offset, long length) throws SmbProtocolException {
        if (offset > Integer.MAX_VALUE || length > Integer.MAX_VALUE) {
            throw SmbProtocolException.invalid("buffer offset/length out of range");
        }
        return msg.slice(at((int) offset, (int) length), (int) length);
    }

    /** A UTF-16LE string buffer; odd lengths are malformed. */
    public String utf16(long offset, long length) throws SmbProtocolException {
        if ((length & 1) != 0) {
            throw SmbProtocolException.invalid("odd UTF-16 length " + length);
        }
        return new String(bytes(offset, length), StandardCharsets.UTF_16LE);
    }
}
