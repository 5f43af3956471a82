package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.rpc.RpcPipe;
import io.bucketfs.smb.rpc.ShareEntry;
import io.bucketfs.smb.rpc.Srvsvc;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The file commands on an IPC$ tree, where the files are named pipes ([MS-SMB2] 3.3.5.9 CREATE of a pipe,
 * 3.3.5.12/3.3.5.13 READ/WRITE on a pipe, 3.3.5.15.1 FSCTL_PIPE_TRANSCEIVE, and FSCTL_PIPE_PEEK and
 * FSCTL_PIPE_WAIT; [MS-FSCC] 2.3.29/2.3.31/2.3.49). The one pipe is {@code srvsvc} ([MS-SRVS] share browsing),
 * its bytes DCE/RPC PDUs handled by {@link RpcPipe}. Pipes are message-mode: a READ answers at most one PDU,
 * STATUS_BUFFER_OVERFLOW when it was cut short (the rest comes with the next READ).
 */
final class PipeCommands {
    static final int FSCTL_PIPE_PEEK = 0x0011400C;
    static final int FSCTL_PIPE_WAIT = 0x00110018;
    static final int FSCTL_PIPE_TRANSCEIVE = 0x0011C017;
    static final int SMB2_0_IOCTL_IS_FSCTL = 0x1;
    static final int PIPE_EMPTY = 0xC00000D9;
    static final int PIPE_BUSY = 0xC00000AE;
    static final int INSUFFICIENT_RESOURCES = 0xC000009A;
    static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    static final int PIPE_ALLOCATION_SIZE = 4096;
    // [MS-FSCC] 2.4 information classes a client queries on a pipe
    static final int FILE_BASIC_INFORMATION = 4;
    static final int FILE_STANDARD_INFORMATION = 5;
    static final int FILE_PIPE_INFORMATION = 23;
    static final int FILE_PIPE_LOCAL_INFORMATION = 24;
    static final int FILE_PIPE_CONNECTED_STATE = 3;
    static final String SRVSVC = "srvsvc";
    /**
     * Pipe opens a session may hold at once: {@value}; one more is STATUS_INSUFFICIENT_RESOURCES (each holds up to
     * {@link RpcPipe#MAX_PENDING_OUTPUT} of unread answers).
     */
    static final int MAX_PIPES_PER_SESSION = 64;

    private final SmbServer server;
    private final Srvsvc srvsvc;

    PipeCommands(SmbServer server) {
        this.server = server;
        this.srvsvc = new Srvsvc(server.settings().serverName(), "bucketfs", this::shares);
    }

    /** The commands an IPC$ tree answers here (the file commands); others keep their generic handling. */
    static boolean handles(int command) {
        return switch (command) {
            case Smb2Command.CREATE, Smb2Command.CLOSE, Smb2Command.READ, Smb2Command.WRITE, Smb2Command.FLUSH,
                 Smb2Command.QUERY_INFO, Smb2Command.SET_INFO, Smb2Command.QUERY_DIRECTORY, Smb2Command.LOCK -> true;
            default -> false;
        };
    }

    /** The pipe FSCTLs, answered on IPC$ trees only. */
    static boolean isPipeControl(int code) {
        return code == FSCTL_PIPE_TRANSCEIVE || code == FSCTL_PIPE_PEEK || code == FSCTL_PIPE_WAIT;
    }

    private List<ShareEntry> shares() {
        List<ShareEntry> list = new ArrayList<>();
        for (Share s : server.shares()) {
            list.add(s.isIpc()
                    ? new ShareEntry(s.name(), ShareEntry.STYPE_IPC | ShareEntry.STYPE_SPECIAL, "Remote IPC", null)
                    : new ShareEntry(s.name(), ShareEntry.STYPE_DISKTREE, "", "C:\\" + s.name()));
        }
        return list;
    }

    private RpcPipe newPipe(String name) {
        return name.equals(SRVSVC) ? new RpcPipe("\\PIPE\\" + SRVSVC, List.of(srvsvc)) : null;
    }

    int dispatch(Exchange x) throws SmbProtocolException {
        return switch (x.header().command) {
            case Smb2Command.CREATE -> create(x);
            case Smb2Command.CLOSE -> close(x);
            case Smb2Command.READ -> read(x);
            case Smb2Command.WRITE -> write(x);
            case Smb2Command.FLUSH -> {
                x.req.expectStructure(24);
                pipe(x, 8);
                x.out.writeShortLE(4).writeShortLE(0);
                yield NtStatus.SUCCESS;
            }
            case Smb2Command.QUERY_INFO -> queryInfo(x);
            case Smb2Command.SET_INFO -> setInfo(x);
            default -> {
                x.requireTree();
                yield NtStatus.INVALID_DEVICE_REQUEST;
            }
        };
    }

    /** The pipe open a request's FileId names (at {@code bodyOffset}), honouring compound inheritance. */
    private static PipeOpen pipe(Exchange x, int bodyOffset) throws SmbProtocolException {
        TreeConnect t = x.requireTree();
        long persistent = x.req.body64(bodyOffset);
        long volatileId = x.req.body64(bodyOffset + 8);
        if (persistent == -1L && volatileId == -1L && x.compoundFileId != null) {
            volatileId = x.compoundFileId;
        }
        PipeOpen p = x.session.pipes.get(volatileId);
        if (p == null || p.tree != t) {
            throw new SmbProtocolException(NtStatus.FILE_CLOSED, "no such pipe open");
        }
        return p;
    }

    private static String pipeName(String path) {
        String p = path;
        while (p.startsWith("\\")) {
            p = p.substring(1);
        }
        return p.toLowerCase(Locale.ROOT);
    }

    private int create(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(57);
        TreeConnect t = x.requireTree();
        String name = pipeName(r.utf16(r.body16(44), r.body16(46)));
        r.bytes(r.bodyU32(48), r.bodyU32(52));
        RpcPipe rpc = newPipe(name);
        if (rpc == null) {
            return NtStatus.OBJECT_NAME_NOT_FOUND;
        }
        if (x.session.pipes.size() >= MAX_PIPES_PER_SESSION) {
            return INSUFFICIENT_RESOURCES;
        }
        long id = server.newOpenId();
        x.session.pipes.put(id, new PipeOpen(id, t, name, rpc));
        x.resultFileId = id;
        ByteBuf out = x.out;
        out.writeShortLE(89).writeByte(0).writeByte(0).writeIntLE(1); // FILE_OPENED
        out.writeZero(32); // creation, last access, last write, change times
        out.writeLongLE(PIPE_ALLOCATION_SIZE).writeLongLE(0);
        out.writeIntLE(FILE_ATTRIBUTE_NORMAL).writeIntLE(0);
        out.writeLongLE(id).writeLongLE(id);
        out.writeIntLE(0).writeIntLE(0);
        return NtStatus.SUCCESS;
    }

    private int close(Exchange x) throws SmbProtocolException {
        x.req.expectStructure(24);
        PipeOpen p = pipe(x, 8);
        boolean postQuery = (x.req.body16(2) & 1) != 0;
        x.session.pipes.remove(p.id);
        ByteBuf out = x.out;
        out.writeShortLE(60).writeShortLE(postQuery ? 1 : 0).writeIntLE(0);
        out.writeZero(32);
        out.writeLongLE(postQuery ? PIPE_ALLOCATION_SIZE : 0).writeLongLE(0);
        out.writeIntLE(postQuery ? FILE_ATTRIBUTE_NORMAL : 0);
        return NtStatus.SUCCESS;
    }

    private int read(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(49);
        long length = r.bodyU32(4);
        PipeOpen p = pipe(x, 16);
        if (length > server.settings().maxIoBytes()) {
            return NtStatus.INVALID_PARAMETER;
        }
        if (p.rpc.available() == 0) {
            return PIPE_EMPTY;
        }
        RpcPipe.Chunk chunk = p.rpc.read((int) length, p.messageMode);
        byte[] data = chunk.data();
        ByteBuf out = x.out;
        out.writeShortLE(17).writeByte(Smb2Header.SIZE + 16).writeByte(0).writeIntLE(data.length);
        out.writeIntLE(0).writeIntLE(0);
        out.writeBytes(data);
        return chunk.truncated() ? NtStatus.BUFFER_OVERFLOW : NtStatus.SUCCESS;
    }

    private int write(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(49);
        int dataOffset = r.body16(2);
        long length = r.bodyU32(4);
        PipeOpen p = pipe(x, 16);
        if (length > server.settings().maxIoBytes()) {
            return NtStatus.INVALID_PARAMETER;
        }
        byte[] data = r.bytes(dataOffset, length);
        if (!p.rpc.canWrite()) {
            return INSUFFICIENT_RESOURCES;
        }
        p.rpc.write(data, 0, data.length);
        x.out.writeShortLE(17).writeShortLE(0).writeIntLE(data.length).writeIntLE(0).writeShortLE(0).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    /** FSCTL_PIPE_TRANSCEIVE, FSCTL_PIPE_PEEK, FSCTL_PIPE_WAIT on an IPC$ tree (see {@link #isPipeControl}). */
    int ioctl(Exchange x, int code) throws SmbProtocolException {
        Request r = x.req;
        TreeConnect t = x.requireTree();
        if (!t.share().isIpc()) {
            return NtStatus.INVALID_DEVICE_REQUEST;
        }
        if ((r.body32(48) & SMB2_0_IOCTL_IS_FSCTL) == 0) {
            return NtStatus.NOT_SUPPORTED; // [MS-SMB2] 3.3.5.15: only FSCTLs are served
        }
        byte[] in = r.bytes(r.bodyU32(24), r.bodyU32(28));
        long maxOut = r.bodyU32(44);
        byte[] data = new byte[0];
        int status = NtStatus.SUCCESS;
        if (code == FSCTL_PIPE_WAIT) {
            status = pipeWait(in);
            if (status != NtStatus.SUCCESS) {
                return status;
            }
        } else if (code == FSCTL_PIPE_TRANSCEIVE) {
            PipeOpen p = pipe(x, 8);
            if (p.rpc.available() > 0) {
                return PIPE_BUSY;
            }
            if (!p.rpc.canWrite() || maxOut > server.settings().maxIoBytes()) {
                return NtStatus.INVALID_PARAMETER;
            }
            p.rpc.write(in, 0, in.length);
            RpcPipe.Chunk chunk = p.rpc.read((int) maxOut, true);
            data = chunk.data();
            if (chunk.truncated()) {
                status = NtStatus.BUFFER_OVERFLOW;
            }
        } else {
            PipeOpen p = pipe(x, 8);
            // [MS-FSCC] 2.3.49 FSCTL_PIPE_PEEK reply: state, bytes available, messages, this message's length
            if (maxOut < 16) {
                return NtStatus.BUFFER_TOO_SMALL;
            }
            int head = p.rpc.headRemaining();
            byte[] peek = p.rpc.peek((int) Math.min(maxOut - 16, head));
            ByteBuf b = io.netty.buffer.Unpooled.buffer(16 + peek.length);
            b.writeIntLE(FILE_PIPE_CONNECTED_STATE).writeIntLE((int) p.rpc.available()).writeIntLE(p.rpc.messages());
            b.writeIntLE(head).writeBytes(peek);
            data = new byte[b.readableBytes()];
            b.readBytes(data);
            if (peek.length < head) {
                status = NtStatus.BUFFER_OVERFLOW;
            }
        }
        ByteBuf out = x.out;
        out.writeShortLE(49).writeShortLE(0).writeIntLE(code);
        out.writeLongLE(r.body64(8)).writeLongLE(r.body64(16));
        out.writeIntLE(Smb2Header.SIZE + 48).writeIntLE(0);
        out.writeIntLE(Smb2Header.SIZE + 48).writeIntLE(data.length);
        out.writeIntLE(0).writeIntLE(0);
        out.writeBytes(data);
        return status;
    }

    /** [MS-FSCC] 2.3.31 FSCTL_PIPE_WAIT: the pipe exists (an instance is always available) or not. */
    private int pipeWait(byte[] in) throws SmbProtocolException {
        if (in.length < 14) {
            throw SmbProtocolException.invalid("FSCTL_PIPE_WAIT request of " + in.length + " bytes");
        }
        long nameLength = (in[8] & 0xFF) | (in[9] & 0xFF) << 8 | (in[10] & 0xFF) << 16 | (long) (in[11] & 0xFF) << 24;
        if (nameLength > in.length - 14 || (nameLength & 1) != 0) {
            throw SmbProtocolException.invalid("FSCTL_PIPE_WAIT name length " + nameLength);
        }
        String name = pipeName(new String(in, 14, (int) nameLength, StandardCharsets.UTF_16LE));
        return newPipe(name) != null ? NtStatus.SUCCESS : NtStatus.OBJECT_NAME_NOT_FOUND;
    }

    private int queryInfo(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(41);
        int infoType = r.u8(2);
        int infoClass = r.u8(3);
        long outputLength = r.bodyU32(4);
        PipeOpen p = pipe(x, 24);
        if (infoType != 1) {
            return NtStatus.NOT_SUPPORTED;
        }
        ByteBuf b = io.netty.buffer.Unpooled.buffer(64);
        switch (infoClass) {
            case FILE_BASIC_INFORMATION -> b.writeZero(32).writeIntLE(FILE_ATTRIBUTE_NORMAL).writeIntLE(0);
            case FILE_STANDARD_INFORMATION -> {
                b.writeLongLE(PIPE_ALLOCATION_SIZE).writeLongLE(0).writeIntLE(1);
                b.writeByte(1).writeByte(0).writeShortLE(0); // DeletePending (as Windows reports), Directory
            }
            case FILE_PIPE_INFORMATION -> b.writeIntLE(p.messageMode ? 1 : 0).writeIntLE(0);
            case FILE_PIPE_LOCAL_INFORMATION -> {
                b.writeIntLE(1).writeIntLE(2).writeIntLE(-1).writeIntLE(1); // message type, full duplex, instances
                b.writeIntLE(RpcPipe.MAX_FRAG).writeIntLE((int) p.rpc.available()); // inbound quota, read available
                b.writeIntLE(RpcPipe.MAX_FRAG).writeIntLE(RpcPipe.MAX_FRAG); // outbound quota, write available
                b.writeIntLE(FILE_PIPE_CONNECTED_STATE).writeIntLE(0); // state, client end
            }
            default -> {
                return NtStatus.INVALID_PARAMETER;
            }
        }
        if (outputLength < b.readableBytes()) {
            return NtStatus.INFO_LENGTH_MISMATCH;
        }
        ByteBuf out = x.out;
        out.writeShortLE(9).writeShortLE(Smb2Header.SIZE + 8).writeIntLE(b.readableBytes());
        out.writeBytes(b);
        return NtStatus.SUCCESS;
    }

    private int setInfo(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(33);
        int infoType = r.u8(2);
        int infoClass = r.u8(3);
        byte[] buf = r.bytes(r.body16(8), r.bodyU32(4));
        PipeOpen p = pipe(x, 16);
        if (infoType != 1 || infoClass != FILE_PIPE_INFORMATION) {
            return NtStatus.NOT_SUPPORTED;
        }
        if (buf.length < 8) {
            return NtStatus.INFO_LENGTH_MISMATCH;
        }
        int readMode = buf[0] & 0xFF | (buf[1] & 0xFF) << 8 | (buf[2] & 0xFF) << 16 | (buf[3] & 0xFF) << 24;
        if (readMode != 0 && readMode != 1) {
            return NtStatus.INVALID_PARAMETER;
        }
        p.messageMode = readMode == 1;
        x.out.writeShortLE(2);
        return NtStatus.SUCCESS;
    }
}
