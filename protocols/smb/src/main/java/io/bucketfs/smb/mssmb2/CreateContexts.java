package io.bucketfs.smb.mssmb2;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * [MS-SMB2] 2.2.13.2 SMB2_CREATE_CONTEXT lists: decoding the request's (name → data; a malformed list is
 * INVALID_PARAMETER, [MS-SMB2] 3.3.5.9) and encoding the response's, each entry 8-byte aligned with Next
 * chaining them.
 */
public final class CreateContexts {
    /** 2.2.13.2.5 SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST. */
    public static final String MAXIMAL_ACCESS = "MxAc";
    /** 2.2.13.2.9 SMB2_CREATE_QUERY_ON_DISK_ID. */
    public static final String QUERY_ON_DISK_ID = "QFid";

    private CreateContexts() {
    }

    /** The contexts of a request's CreateContexts buffer, by name (ASCII names as sent, the last of a name wins). */
    public static Map<String, byte[]> decode(byte[] buf) throws SmbProtocolException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < buf.length) {
            if (at + 16 > buf.length) {
                throw SmbProtocolException.invalid("create context header past the buffer");
            }
            long next = b.getInt(at) & 0xFFFFFFFFL;
            int nameOffset = b.getShort(at + 4) & 0xFFFF;
            int nameLength = b.getShort(at + 6) & 0xFFFF;
            int dataOffset = b.getShort(at + 10) & 0xFFFF;
            long dataLength = b.getInt(at + 12) & 0xFFFFFFFFL;
            // an entry ends at Next, and never past the buffer (Next is checked against it only further down)
            long end = next == 0 ? buf.length - at : Math.min(next, buf.length - at);
            if (nameLength == 0 || nameOffset + nameLength > end
                    || (dataLength > 0 && (dataOffset < 16 || dataOffset + dataLength > end))) {
                throw SmbProtocolException.invalid("create context outside its entry");
            }
            String name = new String(buf, at + nameOffset, nameLength, StandardCharsets.ISO_8859_1);
            byte[] data = new byte[(int) dataLength];
            if (dataLength > 0) { // DataOffset means nothing without data, and may point anywhere
                System.arraycopy(buf, at + dataOffset, data, 0, data.length);
            }
            out.put(name, data);
            if (next == 0) {
                break;
            }
            if ((next & 7) != 0 || at + next >= buf.length) {
                throw SmbProtocolException.invalid("create context Next misaligned or past the buffer");
            }
            at += (int) next;
        }
        return out;
    }

    /**
     * Appends one response context at the writer index of {@code out} (which must be 8-byte aligned relative to
     * the list start); returns its start, so the caller can patch Next of the previous one.
     */
    public static int append(ByteBuf out, String name, byte[] data) {
        int start = out.writerIndex();
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        int dataOffset = (16 + n.length + 7) & ~7;
        out.writeIntLE(0);
        out.writeShortLE(16).writeShortLE(n.length);
        out.writeShortLE(0);
        out.writeShortLE(data.length == 0 ? 0 : dataOffset).writeIntLE(data.length);
        out.writeBytes(n);
        out.writeZero(dataOffset - 16 - n.length);
        out.writeBytes(data);
        return start;
    }
}
