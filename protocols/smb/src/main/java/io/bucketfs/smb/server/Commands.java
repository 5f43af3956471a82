package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.Dialect;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.vfs.VfsException;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches a request to its command and implements the connection- and session-level commands:
 * [MS-SMB2] 3.3.5.4 NEGOTIATE (in {@link Negotiate}), 3.3.5.5 SESSION_SETUP (in {@link SessionSetup}),
 * 3.3.5.6 LOGOFF, (3.3.5.14 LOCK in {@link LockCommands}), 3.3.5.7 TREE_CONNECT, 3.3.5.8 TREE_DISCONNECT, 3.3.5.17 ECHO, 3.3.5.15 IOCTL.
 */
final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    static final int FSCTL_DFS_GET_REFERRALS = 0x00060194;
    static final int FSCTL_DFS_GET_REFERRALS_EX = 0x000601B0;
    static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;
    /** [MS-SMB2] 2.2.32.6 VALIDATE_NEGOTIATE_INFO Response: Capabilities, Guid, SecurityMode, Dialect. */
    static final int VALIDATE_NEGOTIATE_RESPONSE_BYTES = 24;
    static final int FSCTL_QUERY_NETWORK_INTERFACE_INFO = 0x001401FC;
    static final int MAXIMAL_ACCESS = 0x001F01FF;
    /** [MS-SMB2] 2.2.10 ShareFlags: the client must encrypt what it sends on the tree. */
    static final int SHAREFLAG_ENCRYPT_DATA = 0x8000;

    private final SmbServer server;
    private final FileCommands files;
    private final InfoCommands info;
    private final LockCommands locks = new LockCommands();
    private final FsctlCommands fsctls = new FsctlCommands();
    private final PipeCommands pipes;
    private final NotifyCommands notify;

    Commands(SmbServer server) {
        this.server = server;
        this.files = new FileCommands(server);
        this.info = new InfoCommands(server);
        this.pipes = new PipeCommands(server);
        this.notify = new NotifyCommands(server);
    }

    int dispatch(Exchange x) throws SmbProtocolException, VfsException {
        int command = x.header().command;
        if (command != Smb2Command.NEGOTIATE && x.conn.dialect < 0) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "request before NEGOTIATE", true);
        }
        if (x.tree != null && x.tree.share().isIpc() && PipeCommands.handles(command)) {
            return pipes.dispatch(x);
        }
        return switch (command) {
            case Smb2Command.NEGOTIATE -> Negotiate.handle(server, x);
            case Smb2Command.SESSION_SETUP -> SessionSetup.handle(server, x);
            case Smb2Command.LOGOFF -> logoff(x);
            case Smb2Command.TREE_CONNECT -> treeConnect(x);
            case Smb2Command.TREE_DISCONNECT -> treeDisconnect(x);
            case Smb2Command.ECHO -> echo(x);
            case Smb2Command.CANCEL -> {
                x.conn.cancel(x);
                yield NtStatus.SUCCESS;
            }
            case Smb2Command.IOCTL -> ioctl(x);
            case Smb2Command.CREATE -> files.create(x);
            case Smb2Command.CLOSE -> files.close(x);
            case Smb2Command.FLUSH -> files.flush(x);
            case Smb2Command.READ -> files.read(x);
            case Smb2Command.WRITE -> files.write(x);
            case Smb2Command.QUERY_DIRECTORY -> info.queryDirectory(x);
            case Smb2Command.QUERY_INFO -> info.queryInfo(x);
            case Smb2Command.SET_INFO -> info.setInfo(x);
            case Smb2Command.LOCK -> locks.lock(x);
            case Smb2Command.CHANGE_NOTIFY -> notify.changeNotify(x);
            case Smb2Command.OPLOCK_BREAK -> x.req.body16(0) == 36 ? server.leases().acknowledge(x)
                    : Oplocks.acknowledge(x);
            default -> NtStatus.INVALID_PARAMETER;
        };
    }

    private static int echo(Exchange x) throws SmbProtocolException {
        x.req.expectStructure(4);
        x.out.writeShortLE(4).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    private int logoff(Exchange x) throws SmbProtocolException {
        x.req.expectStructure(4);
        Session s = x.requireSession();
        x.conn.dropSession(s);
        x.out.writeShortLE(4).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    /** Closes every open and tree of a session (LOGOFF or a lost connection). */
    void logoff(Session s) {
        for (Open o : s.opens.values()) {
            files.release(s, o);
        }
        s.pipes.clear();
        s.trees.clear();
    }

    /**
     * [MS-SMB2] 3.3.5.7 TREE_CONNECT. On 3.1.1 an authenticated session's TREE_CONNECT must be signed or
     * encrypted (else the connection is dropped: a man in the middle may have stripped the signature). A share
     * requiring encryption refuses a connection that cannot encrypt with ACCESS_DENIED, and a share limited to some
     * users refuses the others with ACCESS_DENIED.
     */
    private int treeConnect(Exchange x) throws SmbProtocolException {
        Request r = x.req;
        r.expectStructure(9);
        Session s = x.requireSession();
        if (x.conn.dialect == Dialect.SMB_3_1_1 && x.encryptedBy == null && !x.header().isSigned()) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "unsigned TREE_CONNECT on 3.1.1", true);
        }
        String path = r.utf16(r.body16(4), r.body16(6));
        String name = path.substring(path.lastIndexOf('\\') + 1);
        Share share = server.share(name);
        if (share == null) {
            LOG.debug("TREE_CONNECT to unknown share {}", name);
            return NtStatus.BAD_NETWORK_NAME;
        }
        if (!share.isIpc() && !share.admits(s.user == null ? null : s.user.name())) {
            LOG.info("TREE_CONNECT to {} refused: user {} is not allowed on it", name,
                    s.user == null ? "?" : s.user.name());
            return NtStatus.ACCESS_DENIED;
        }
        if (share.encrypt() && (!Dialect.isSmb3(x.conn.dialect) || x.conn.cipher == 0 || s.encryptionKey == null)) {
            LOG.debug("TREE_CONNECT to {} requiring encryption from a client that cannot encrypt", name);
            return NtStatus.ACCESS_DENIED;
        }
        TreeConnect t = new TreeConnect(s.nextTreeId.getAndIncrement(), share, s);
        s.trees.put(t.id(), t);
        x.header().treeId = t.id();
        ByteBuf out = x.out;
        out.writeShortLE(16);
        out.writeByte(share.isIpc() ? 2 : 1);
        out.writeByte(0);
        out.writeIntLE(s.encryptData || share.encrypt() ? SHAREFLAG_ENCRYPT_DATA : 0);
        out.writeIntLE(0);
        out.writeIntLE(share.isIpc() ? MAXIMAL_ACCESS : share.maximalAccess());
        return NtStatus.SUCCESS;
    }

    private int treeDisconnect(Exchange x) throws SmbProtocolException {
        x.req.expectStructure(4);
        TreeConnect t = x.requireTree();
        for (Open o : x.session.opens.values()) {
            if (o.tree == t) {
                files.release(x.session, o);
            }
        }
        x.session.pipes.values().removeIf(p -> p.tree == t);
        x.session.trees.remove(t.id());
        x.out.writeShortLE(4).writeShortLE(0);
        return NtStatus.SUCCESS;
    }

    private int ioctl(Exchange x) throws SmbProtocolException, VfsException {
        Request r = x.req;
        r.expectStructure(57);
        x.requireTree();
        int code = r.body32(4);
        if (PipeCommands.isPipeControl(code)) {
            return pipes.ioctl(x, code);
        }
        if (code == FSCTL_DFS_GET_REFERRALS || code == FSCTL_DFS_GET_REFERRALS_EX) {
            return NtStatus.FS_DRIVER_REQUIRED;
        }
        if (FsctlCommands.handles(code)) {
            return fsctls.handle(x, code);
        }
        if (code != FSCTL_VALIDATE_NEGOTIATE_INFO) {
            // [MS-SMB2] 3.3.5.15: a control other than those needing no open (the pipe and DFS ones above) first
            // finds its open: a FileId naming none is FILE_CLOSED
            if (code != FSCTL_QUERY_NETWORK_INTERFACE_INFO) {
                x.open(8);
            }
            return NtStatus.NOT_SUPPORTED;
        }
        if (x.conn.dialect == Dialect.SMB_3_1_1 || r.bodyU32(44) < VALIDATE_NEGOTIATE_RESPONSE_BYTES) {
            // [MS-SMB2] 3.3.5.15.12: 3.1.1 has preauth integrity instead; no room for the answer
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "VALIDATE_NEGOTIATE_INFO on 3.1.1 or with"
                    + " MaxOutputResponse " + r.bodyU32(44), true);
        }
        byte[] in = r.bytes(r.bodyU32(24), r.bodyU32(28));
        validateNegotiate(x.conn, in);
        ByteBuf out = x.out;
        out.writeShortLE(49).writeShortLE(0).writeIntLE(code);
        out.writeLongLE(r.body64(8)).writeLongLE(r.body64(16));
        out.writeIntLE(Smb2Header.SIZE + 48).writeIntLE(0);
        out.writeIntLE(Smb2Header.SIZE + 48).writeIntLE(VALIDATE_NEGOTIATE_RESPONSE_BYTES);
        out.writeIntLE(0).writeIntLE(0);
        out.writeIntLE(x.conn.serverCapabilities);
        out.writeBytes(server.serverGuid());
        out.writeShortLE(x.conn.serverSecurityMode);
        out.writeShortLE(x.conn.dialect);
        x.forceSign = true;
        return NtStatus.SUCCESS;
    }

    /** [MS-SMB2] 3.3.5.15.12: any difference from what NEGOTIATE saw is a downgrade attack: disconnect. */
    private static void validateNegotiate(SmbConnection c, byte[] in) throws SmbProtocolException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(in).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean ok = in.length >= 24;
        if (ok) {
            int caps = b.getInt(0);
            byte[] guid = Arrays.copyOfRange(in, 4, 20);
            int mode = b.getShort(20) & 0xFFFF;
            int count = b.getShort(22) & 0xFFFF;
            ok = in.length >= 24 + 2 * count && caps == c.clientCapabilities && Arrays.equals(guid, c.clientGuid)
                    && mode == c.clientSecurityMode;
            if (ok) {
                int[] dialects = new int[count];
                for (int i = 0; i < count; i++) {
                    dialects[i] = b.getShort(24 + 2 * i) & 0xFFFF;
                }
                ok = Arrays.equals(dialects, c.clientDialects);
            }
        }
        if (!ok) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "VALIDATE_NEGOTIATE_INFO mismatch", true);
        }
    }

    static boolean smb3(SmbConnection c) {
        return Dialect.isSmb3(c.dialect);
    }

    static byte[] zeros64() {
        return new byte[64];
    }

    static byte[] sha512Of(byte[] prev, ByteBuf msg) {
        byte[] m = new byte[msg.readableBytes()];
        msg.getBytes(msg.readerIndex(), m);
        return Smb2Crypto.sha512(prev, m, 0, m.length);
    }
}
