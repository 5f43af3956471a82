package io.bucketfs.smb.mssmb2;

import io.netty.buffer.ByteBuf;

/**
 * [MS-SMB2] 2.2.1 SMB2 Packet Header (sync 2.2.1.2 and async 2.2.1.1 forms), 64 bytes, little-endian. Our own
 * codec: every field is kept raw (Status on a request carries ChannelSequence; unknown commands decode).
 */
public final class Smb2Header {
    public static final int SIZE = 64;
    /** 0xFE 'S' 'M' 'B' read as a little-endian int. */
    public static final int PROTOCOL_ID = 0x424D53FE;
    public static final int FLAGS_SERVER_TO_REDIR = 0x00000001;
    public static final int FLAGS_ASYNC_COMMAND = 0x00000002;
    public static final int FLAGS_RELATED_OPERATIONS = 0x00000004;
    public static final int FLAGS_SIGNED = 0x00000008;
    public static final int FLAGS_PRIORITY_MASK = 0x00000070;
    public static final int FLAGS_DFS_OPERATIONS = 0x10000000;
    public static final int FLAGS_REPLAY_OPERATION = 0x20000000;
    public static final int SIGNATURE_OFFSET = 48;

    /** CreditCharge: credits this request consumes (0 on 2.0.2). */
    public int creditCharge;
    /** Status (response) or ChannelSequence + Reserved (request). */
    public int status;
    public int command;
    /** CreditRequest (request) or CreditResponse (response). */
    public int credits;
    public int flags;
    /** NextCommand: offset from this header to the next one of a compound, 0 for the last. */
    public int nextCommand;
    public long messageId;
    /** AsyncId, valid when {@link #FLAGS_ASYNC_COMMAND} is set. */
    public long asyncId;
    /** Reserved (ProcessId) in the sync form. */
    public int processId;
    public int treeId;
    public long sessionId;
    public final byte[] signature = new byte[16];

    public boolean isAsync() {
        return (flags & FLAGS_ASYNC_COMMAND) != 0;
    }

    public boolean isRelated() {
        return (flags & FLAGS_RELATED_OPERATIONS) != 0;
    }

    public boolean isSigned() {
        return (flags & FLAGS_SIGNED) != 0;
    }

    /**
     * Decodes the header at {@code buf}'s reader index without moving it.
     *
     * @throws SmbProtocolException fewer than {@link #SIZE} bytes, a wrong ProtocolId or StructureSize
     */
    public static Smb2Header decode(ByteBuf buf) throws SmbProtocolException {
        int at = buf.readerIndex();
        if (buf.readableBytes() < SIZE) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "truncated SMB2 header", true);
        }
        if (buf.getIntLE(at) != PROTOCOL_ID || buf.getUnsignedShortLE(at + 4) != SIZE) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "not an SMB2 header", true);
        }
        Smb2Header h = new Smb2Header();
        h.creditCharge = buf.getUnsignedShortLE(at + 6);
        h.status = buf.getIntLE(at + 8);
        h.command = buf.getUnsignedShortLE(at + 12);
        h.credits = buf.getUnsignedShortLE(at + 14);
        h.flags = buf.getIntLE(at + 16);
        h.nextCommand = buf.getIntLE(at + 20);
        h.messageId = buf.getLongLE(at + 24);
        if (h.isAsync()) {
            h.asyncId = buf.getLongLE(at + 32);
        } else {
            h.processId = buf.getIntLE(at + 32);
            h.treeId = buf.getIntLE(at + 36);
        }
        h.sessionId = buf.getLongLE(at + 40);
        buf.getBytes(at + SIGNATURE_OFFSET, h.signature);
        return h;
    }

    /** Appends the 64 header bytes to {@code out}. */
    public void encode(ByteBuf out) {
        out.writeIntLE(PROTOCOL_ID);
        out.writeShortLE(SIZE);
        out.writeShortLE(creditCharge);
        out.writeIntLE(status);
        out.writeShortLE(command);
        out.writeShortLE(credits);
        out.writeIntLE(flags);
        out.writeIntLE(nextCommand);
        out.writeLongLE(messageId);
        if (isAsync()) {
            out.writeLongLE(asyncId);
        } else {
            out.writeIntLE(processId);
            out.writeIntLE(treeId);
        }
        out.writeLongLE(sessionId);
        out.writeBytes(signature);
    }

    /** The response header for this request: same command, ids and charge; the server-to-redirector flag. */
    public Smb2Header responseTo(int responseStatus) {
        Smb2Header r = new Smb2Header();
        r.creditCharge = creditCharge;
        r.status = responseStatus;
        r.command = command;
        r.flags = FLAGS_SERVER_TO_REDIR | (flags & (FLAGS_RELATED_OPERATIONS | FLAGS_PRIORITY_MASK));
        r.messageId = messageId;
        r.asyncId = asyncId;
        r.processId = processId;
        r.treeId = treeId;
        r.sessionId = sessionId;
        return r;
    }
}
