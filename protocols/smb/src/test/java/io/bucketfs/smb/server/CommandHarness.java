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
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The state {@link SmbCommandFuzzTest} runs requests against, without sockets: an {@link SmbConnection} on an
 * {@link EmbeddedChannel} of the fixture's server (3.0.2 negotiated, AES-128-GCM), a valid session of the fixture's
 * user with fixed keys, a tree on the share and two opens made by real CREATEs: {@link #FILE} and the root
 * directory. Whatever a request ends (the session, the tree, an open) is made again before the next one.
 * NEGOTIATE runs on a fresh connection, as it would only on a new one.
 */
final class CommandHarness implements AutoCloseable {
    static final String FILE = "fuzz.txt";
    private static final byte[] KEY = new byte[16];

    private final SmbFixture fx;
    private EmbeddedChannel channel;
    private SmbConnection conn;
    private Session session;
    private TreeConnect tree;
    private long file;
    private long dir;

    CommandHarness(SmbFixture fx) {
        this.fx = fx;
    }

    /** Runs one message; returns its status. */
    int run(byte[] input) throws SmbProtocolException, VfsException {
        ready();
        ByteBuf msg = Unpooled.wrappedBuffer(input);
        if (input.length >= 4 && msg.getIntLE(0) == Transform.PROTOCOL_ID) {
            if (input.length >= Transform.SIZE) {
                msg = Unpooled.copiedBuffer(input).setLongLE(44, session.id); // the fuzzer cannot guess the id
            }
            Transform.decrypt(conn, msg);
            return NtStatus.SUCCESS;
        }
        Smb2Header h = Smb2Header.decode(msg);
        int length = h.nextCommand >= Smb2Header.SIZE && h.nextCommand < input.length ? h.nextCommand : input.length;
        Request req = new Request(h, msg.slice(0, length));
        if (h.command == Smb2Command.NEGOTIATE) {
            SmbConnection c = new SmbConnection(fx.server);
            EmbeddedChannel fresh = new EmbeddedChannel(c);
            try {
                return dispatch(new Exchange(c, req, response()));
            } finally {
                fresh.finishAndReleaseAll();
            }
        }
        Exchange x = new Exchange(conn, req, response());
        x.session = h.command == Smb2Command.SESSION_SETUP && h.sessionId == 0 ? null : session;
        x.tree = tree;
        boolean onDirectory = h.command == Smb2Command.QUERY_DIRECTORY || h.command == Smb2Command.CHANGE_NOTIFY;
        x.compoundFileId = onDirectory ? dir : file;
        return dispatch(x);
    }

    private int dispatch(Exchange x) throws SmbProtocolException, VfsException {
        try {
            return fx.server.commands().dispatch(x);
        } finally {
            x.out.release();
        }
    }

    private static ByteBuf response() {
        ByteBuf out = Unpooled.buffer(Smb2Header.SIZE + 256);
        out.writerIndex(Smb2Header.SIZE);
        return out;
    }

    private void ready() throws SmbProtocolException, VfsException {
        if (conn != null && session.isValid() && session.trees.get(tree.id()) == tree
                && session.opens.containsKey(file) && session.opens.containsKey(dir)) {
            return;
        }
        if (channel != null) {
            conn.sessions.values().forEach(conn::dropSession); // releases every open now, not later on a worker
            channel.finishAndReleaseAll();
        }
        conn = new SmbConnection(fx.server);
        channel = new EmbeddedChannel(conn);
        conn.dialect = Dialect.SMB_3_0_2;
        conn.cipher = Smb2Crypto.CIPHER_AES_128_GCM;
        session = conn.newSession();
        session.user = fx.server.users().lookup(SmbFixture.USER).orElseThrow();
        session.sessionKey = KEY;
        session.decryptionKey = KEY;
        session.encryptionKey = KEY;
        session.state = Session.State.VALID;
        tree = new TreeConnect(session.nextTreeId.getAndIncrement(), fx.server.share("default"), session);
        session.trees.put(tree.id(), tree);
        file = create(OplockRawTest.createBody(FILE, 0, 0x1 | 0x80, 1));
        byte[] root = OplockRawTest.createBody("", 0, 0x1 | 0x80, 1);
        ByteBuffer.wrap(root).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 0x1); // FILE_DIRECTORY_FILE
        dir = create(root);
    }

    private long create(byte[] body) throws SmbProtocolException, VfsException {
        byte[] m = SmbCommandFuzzTest.message(Smb2Command.CREATE, 0, body);
        Exchange x = new Exchange(conn, new Request(Smb2Header.decode(Unpooled.wrappedBuffer(m)),
                Unpooled.wrappedBuffer(m)), response());
        x.session = session;
        x.tree = tree;
        int status = dispatch(x);
        if (status != NtStatus.SUCCESS || x.resultFileId == null) {
            throw new IllegalStateException("CREATE for the fuzz harness: " + NtStatus.hex(status));
        }
        return x.resultFileId;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        fx.close();
    }
}
