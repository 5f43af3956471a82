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
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [MS-SMB2] 3.3.1.7 Connection, and the Netty handler of its channel. The event loop only hands complete frames
 * over; every frame then runs on the worker pool, one frame of a connection at a time, in arrival order:
 * decrypt, per compound element (session/tree lookup, signature check, credits, command, sign), encrypt,
 * write. Reading pauses ({@code autoRead(false)}) while {@link #MAX_QUEUED_FRAMES} frames wait.
 */
final class SmbConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SmbConnection.class);
    /** Frames queued per connection before the socket stops being read. */
    static final int MAX_QUEUED_FRAMES = 16;

    final SmbServer server;
    private Channel channel;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;
    // negotiated state, written by NEGOTIATE on the worker, read by later frames of this connection
    volatile int dialect = -1;
    volatile int clientCapabilities;
    volatile int clientSecurityMode;
    volatile byte[] clientGuid = new byte[16];
    volatile int[] clientDialects = new int[0];
    volatile int serverCapabilities;
    volatile int serverSecurityMode;
    volatile int cipher;
    /** Connection.SigningAlgorithmId: the Smb2Crypto.SIGNING_* algorithm of 3.x sessions. */
    volatile int signingAlgorithm = Smb2Crypto.SIGNING_AES_CMAC;
    /** 3.1.1 Connection.PreauthIntegrityHashValue. */
    volatile byte[] preauthHash;
    final CreditWindow credits;
    final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    /** Requests answered STATUS_PENDING whose final response is still to come, by AsyncId. */
    final Map<Long, AsyncRequest> asyncRequests = new ConcurrentHashMap<>();
    private final AtomicLong nextAsyncId = new AtomicLong(1);

    /**
     * A request answered with an interim response ([MS-SMB2] 3.3.4.2): CANCEL finds it by AsyncId, or by
     * MessageId when sent in the sync form (3.3.5.16).
     *
     * @param cancel withdraws the request; its final response (STATUS_CANCELLED) is sent by its owner
     */
    record AsyncRequest(long messageId, long sessionId, Runnable cancel) {
    }

    long newAsyncId() {
        return nextAsyncId.getAndIncrement();
    }

    SmbConnection(SmbServer server) {
        this.server = server;
        this.credits = new CreditWindow(server.settings().maxCredits());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        server.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        boolean start;
        synchronized (queue) {
            if (closed) {
                frame.release();
                return;
            }
            queue.add(frame);
            if (queue.size() >= MAX_QUEUED_FRAMES) {
                ctx.channel().config().setAutoRead(false);
            }
            start = !draining;
            draining = true;
        }
        if (start) {
            try {
                server.workers().execute(this::drain);
            } catch (RejectedExecutionException e) {
                LOG.info("SMB worker pool shut down; closing {}", ctx.channel().remoteAddress());
                ctx.close();
            }
        }
    }

    private void drain() {
        while (true) {
            ByteBuf frame;
            synchronized (queue) {
                frame = queue.poll();
                if (frame == null) {
                    draining = false;
                    return;
                }
                if (queue.size() < MAX_QUEUED_FRAMES / 2 && !closed) {
                    channel.config().setAutoRead(true);
                }
            }
            try {
                processFrame(frame);
            } catch (SmbProtocolException e) {
                LOG.warn("SMB client {}: {}; closing the connection", channel.remoteAddress(), e.getMessage());
                channel.close();
            } catch (RuntimeException | Error e) {
                // an Error too: the connection must not hang on a drain that never ends
                LOG.error("SMB server fault on {}; closing the connection", channel.remoteAddress(), e);
                channel.close();
            } finally {
                frame.release();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        synchronized (queue) {
            closed = true;
            queue.forEach(ByteBuf::release);
            queue.clear();
        }
        server.connectionClosed();
        server.workers().execute(this::closeAll);
        ctx.fireChannelInactive();
    }

    private void closeAll() {
        for (Session s : sessions.values()) {
            dropSession(s);
        }
    }

    /** A new session of this connection, in the connection's and the server's tables. */
    Session newSession() {
        Session s = new Session(server.newSessionId(), this);
        if (dialect == Dialect.SMB_3_1_1) {
            s.preauthHash = preauthHash.clone();
        }
        sessions.put(s.id, s);
        server.register(s);
        return s;
    }

    /** Ends a session (LOGOFF, failed authentication, replaced, lost connection): closes its opens and trees. */
    void dropSession(Session s) {
        if (sessions.remove(s.id, s)) {
            s.state = Session.State.CLOSED; // requests racing with this one find no session
            server.unregister(s);
            server.commands().logoff(s);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.TooLongFrameException
                || cause instanceof java.io.IOException) {
            LOG.warn("SMB client {}: {}; closing", ctx.channel().remoteAddress(), cause.getMessage());
        } else {
            LOG.error("SMB pipeline fault on {}; closing", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    /** Processes one Direct TCP frame (without its length prefix). */
    private void processFrame(ByteBuf frame) throws SmbProtocolException {
        if (frame.readableBytes() >= 4 && frame.getIntLE(frame.readerIndex()) == Transform.PROTOCOL_ID) {
            Transform.Decrypted d = Transform.decrypt(this, frame);
            ByteBuf plain = Unpooled.wrappedBuffer(d.plain());
            processMessages(plain, d.session());
            return;
        }
        if (frame.readableBytes() >= 4 && frame.getIntLE(frame.readerIndex()) == 0x424D53FF) {
            throw new SmbProtocolException(NtStatus.NOT_SUPPORTED, "SMB1 is not spoken", true);
        }
        processMessages(frame, null);
    }

    /**
     * What a related request of a compound inherits ([MS-SMB2] 3.3.5.2.7.2): the SessionId, TreeId and FileId
     * the previous request used or generated (0 / null when it failed to find or make one), and the error of
     * a failed CREATE earlier in the chain, which requests naming the inherited FileId then fail with.
     */
    private static final class Chain {
        long sessionId;
        int treeId;
        Long fileId;
        int createError;
    }

    /** Runs every request of a (compound) frame and writes the response frame. */
    private void processMessages(ByteBuf frame, Session encryptedBy) throws SmbProtocolException {
        List<ByteBuf> responses = new ArrayList<>();
        List<Runnable> afterSend = new ArrayList<>();
        Chain chain = new Chain();
        boolean first = true;
        int at = frame.readerIndex();
        int end = frame.writerIndex();
        boolean encryptResponse = encryptedBy != null;
        while (true) {
            ByteBuf view = frame.slice(at, end - at);
            Smb2Header h = Smb2Header.decode(view);
            int len = end - at;
            if (h.nextCommand != 0) {
                if (h.nextCommand < Smb2Header.SIZE || (h.nextCommand & 7) != 0 || h.nextCommand > len) {
                    throw new SmbProtocolException(NtStatus.INVALID_PARAMETER, "bad NextCommand", true);
                }
                len = h.nextCommand;
            }
            Request req = new Request(h, frame.slice(at, len));
            ByteBuf out = Unpooled.buffer(Smb2Header.SIZE + 256);
            out.writerIndex(Smb2Header.SIZE);
            Exchange x = new Exchange(this, req, out);
            int status = run(x, chain, first, encryptedBy);
            if (x.afterSend != null) {
                afterSend.add(x.afterSend);
            }
            if (h.command == Smb2Command.CANCEL) {
                // [MS-SMB2] 3.3.5.16: no response
            } else {
                finish(x, status, h.nextCommand != 0);
                responses.add(out);
                if (x.session != null && x.session.encryptData && x.session.encryptionKey != null
                        && h.command != Smb2Command.SESSION_SETUP) {
                    encryptResponse = true;
                }
                if (x.tree != null && x.tree.share().encrypt() && x.session.encryptionKey != null) {
                    encryptResponse = true;
                }
                if (encryptResponse && encryptedBy == null && x.session != null && x.session.encryptionKey != null) {
                    encryptedBy = x.session;
                }
            }
            first = false;
            if (h.nextCommand == 0) {
                break;
            }
            at += h.nextCommand;
        }
        if (!responses.isEmpty()) {
            send(responses, encryptResponse ? encryptedBy : null);
        }
        afterSend.forEach(Runnable::run);
    }

    private void send(List<ByteBuf> responses, Session encryptedBy) {
        ByteBuf all = Unpooled.wrappedBuffer(responses.toArray(new ByteBuf[0]));
        if (encryptedBy != null && encryptedBy.encryptionKey != null) {
            all = Transform.encrypt(this, encryptedBy, all);
        }
        ByteBuf lengthPrefix = Unpooled.buffer(4).writeInt(all.readableBytes());
        channel.writeAndFlush(Unpooled.wrappedBuffer(lengthPrefix, all));
    }

    /**
     * Runs one request; returns its NTSTATUS. Exceptions never escape: they become statuses. A related request
     * takes its ids from {@code chain} (the header's are ignored), which it then updates for the next one.
     */
    private int run(Exchange x, Chain chain, boolean first, Session encryptedBy) throws SmbProtocolException {
        Smb2Header h = x.header();
        boolean related = h.isRelated();
        if (related) {
            // [MS-SMB2] 3.3.5.2.7.2: the first request of a chain cannot be related; its ids are then unusable
            h.sessionId = first ? 0 : chain.sessionId;
            h.treeId = first ? 0 : chain.treeId;
            x.compoundFileId = first ? null : chain.fileId;
            x.compoundCreateError = first ? NtStatus.SUCCESS : chain.createError;
        } else {
            chain.fileId = null;
            chain.createError = NtStatus.SUCCESS;
        }
        x.session = sessions.get(h.sessionId);
        if (x.session == null && h.command == Smb2Command.SESSION_SETUP && h.sessionId != 0) {
            // [MS-SMB2] 3.3.5.2.4: a binding request names a session of another connection; it and the refusal
            // of any other are signed with that session's key
            x.session = server.session(h.sessionId);
            x.foreignSession = x.session != null;
        }
        x.encryptedBy = encryptedBy;
        if (x.session != null && !x.foreignSession) {
            x.tree = x.session.trees.get(h.treeId);
        }
        chain.sessionId = x.session != null && !x.foreignSession ? h.sessionId : 0;
        chain.treeId = x.tree != null ? h.treeId : 0;
        long t0 = System.nanoTime();
        int status = execute(x, related, encryptedBy);
        server.opListener().onOp("smb2", Smb2Command.name(h.command), System.nanoTime() - t0, (status >>> 30) == 3);
        if (x.responseSessionId != 0) {
            chain.sessionId = x.responseSessionId;
        }
        if (h.command == Smb2Command.TREE_CONNECT && status == NtStatus.SUCCESS) {
            chain.treeId = h.treeId;
        }
        if (x.resultFileId != null) {
            chain.fileId = x.resultFileId;
        }
        if (h.command == Smb2Command.CREATE && NtStatus.isError(status)) {
            chain.fileId = null;
            chain.createError = status;
        }
        return status;
    }

    private int execute(Exchange x, boolean related, Session encryptedBy) throws SmbProtocolException {
        Smb2Header h = x.header();
        try {
            if (h.command != Smb2Command.CANCEL) {
                checkCreditCharge(x);
            }
            if (related && x.session == null && h.command != Smb2Command.NEGOTIATE) {
                return NtStatus.INVALID_PARAMETER;
            }
            checkSignature(x, encryptedBy);
            if (x.tree != null && x.tree.share().encrypt() && encryptedBy == null) {
                // [MS-SMB2] 3.3.5.2.11; the error response goes out encrypted
                throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "unencrypted request on an encrypted share");
            }
            return server.commands().dispatch(x);
        } catch (SmbProtocolException e) {
            if (e.disconnect()) {
                throw e;
            }
            LOG.debug("SMB {} from {}: {} ({})", Smb2Command.name(h.command), channel.remoteAddress(),
                    NtStatus.hex(e.status()), e.getMessage());
            x.out.writerIndex(Smb2Header.SIZE);
            return e.status();
        } catch (VfsException e) {
            if (SmbStatus.isServerFault(e.status())) {
                LOG.error("SMB {}: VFS failure", Smb2Command.name(h.command), e);
            } else {
                LOG.debug("SMB {}: {}", Smb2Command.name(h.command), e.getMessage());
            }
            x.out.writerIndex(Smb2Header.SIZE);
            return SmbStatus.of(e.status());
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            LOG.error("SMB {}: server fault", Smb2Command.name(h.command), e);
            x.out.writerIndex(Smb2Header.SIZE);
            return NtStatus.INTERNAL_ERROR;
        }
    }

    /**
     * [MS-SMB2] 3.3.5.2.3 and 3.3.5.2.5: the request's MessageIds must be granted and unused (else the
     * connection is dropped); with multi-credit (2.1 and later) a CreditCharge of 0 counts as 1, and the charge
     * must pay for the payload ({@link CreditCharge}), else INVALID_PARAMETER.
     */
    private void checkCreditCharge(Exchange x) throws SmbProtocolException {
        Smb2Header h = x.header();
        boolean multiCredit = dialect != Dialect.SMB_2_0_2 && dialect >= 0;
        int charge = multiCredit ? Math.max(1, h.creditCharge) : 1;
        if (!credits.consume(h.messageId, charge)) {
            throw new SmbProtocolException(NtStatus.INVALID_PARAMETER,
                    "MessageId " + h.messageId + " (charge " + charge + ") outside the credit window", true);
        }
        if (multiCredit && charge < CreditCharge.required(x.req)) {
            throw SmbProtocolException.invalid("CreditCharge " + charge + " does not pay for the payload of "
                    + Smb2Command.name(h.command));
        }
    }

    /** [MS-SMB2] 3.3.5.2.4: verify a signed request; refuse an unsigned one where signing is required. */
    private void checkSignature(Exchange x, Session encryptedBy) throws SmbProtocolException {
        Session s = x.session;
        Smb2Header h = x.header();
        if (encryptedBy != null) {
            return;
        }
        if (h.isSigned() && h.command == Smb2Command.NEGOTIATE) {
            throw SmbProtocolException.invalid("signed NEGOTIATE");
        }
        if (s == null && h.isSigned() && h.command != Smb2Command.CANCEL) {
            // a signed request needs its session's key; none found (a related request with no session to
            // inherit fails INVALID_PARAMETER before this)
            throw new SmbProtocolException(NtStatus.USER_SESSION_DELETED, "signed request of no session");
        }
        if (s == null || h.command == Smb2Command.NEGOTIATE
                || (h.command == Smb2Command.SESSION_SETUP && !s.isValid())) {
            return;
        }
        if (s.encryptData && s.isValid() && h.command != Smb2Command.SESSION_SETUP) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "unencrypted request on an encrypted session");
        }
        if (!h.isSigned()) {
            // an unsigned 3.1.1 TREE_CONNECT is left to 3.3.5.7, which closes the connection
            if (s.signingRequired && s.isValid() && h.command != Smb2Command.ECHO && !x.foreignSession
                    && !(h.command == Smb2Command.TREE_CONNECT && dialect == Dialect.SMB_3_1_1)) {
                throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "unsigned request on a signed session");
            }
            return;
        }
        if (s.signingKey == null) {
            return;
        }
        ByteBuf m = x.req.message();
        byte[] bytes = new byte[m.readableBytes()];
        m.getBytes(m.readerIndex(), bytes);
        byte[] got = Arrays.copyOfRange(bytes, Smb2Header.SIGNATURE_OFFSET, Smb2Header.SIGNATURE_OFFSET + 16);
        Arrays.fill(bytes, Smb2Header.SIGNATURE_OFFSET, Smb2Header.SIGNATURE_OFFSET + 16, (byte) 0);
        byte[] want = Smb2Crypto.sign(s.signingAlgorithm, s.signingKey, bytes, 0, bytes.length);
        if (!MessageDigest.isEqual(got, want)) {
            throw new SmbProtocolException(NtStatus.ACCESS_DENIED, "bad signature");
        }
        x.signatureVerified = true;
    }

    /** Writes the response header, error body, compound padding, credits; signs. */
    private void finish(Exchange x, int status, boolean more) {
        Smb2Header h = x.header();
        ByteBuf out = x.out;
        if (out.writerIndex() == Smb2Header.SIZE) {
            out.writeShortLE(9).writeByte(0).writeByte(0).writeIntLE(0).writeByte(0);
        }
        if (more) {
            while ((out.writerIndex() & 7) != 0) {
                out.writeByte(0);
            }
        }
        Smb2Header r = h.responseTo(status);
        if (NtStatus.isError(status) && h.isRelated()) {
            // [MS-SMB2] 3.3.4.4: the request's header, not the ids a related request inherited
            r.sessionId = x.requestSessionId;
            r.treeId = x.requestTreeId;
        }
        if (x.responseSessionId != 0) {
            r.sessionId = x.responseSessionId;
        }
        r.nextCommand = more ? out.writerIndex() : 0;
        r.credits = credits.grant(h.command == Smb2Command.NEGOTIATE ? 1 : Math.max(h.credits, 1));
        if (status == NtStatus.PENDING && x.asyncId != 0) {
            r.flags |= Smb2Header.FLAGS_ASYNC_COMMAND;
            r.asyncId = x.asyncId;
        }
        Session s = x.session;
        boolean sign = s != null && s.signingKey != null && s.state != Session.State.IN_PROGRESS
                && (x.foreignSession ? x.signatureVerified : x.forceSign || h.isSigned() || s.signingRequired)
                && status != NtStatus.PENDING;
        if (sign) {
            r.flags |= Smb2Header.FLAGS_SIGNED;
        } else if (h.isSigned() && NtStatus.isError(status)) {
            keepRequestSignature(h, r);
        }
        int end = out.writerIndex();
        out.writerIndex(0);
        r.encode(out);
        out.writerIndex(end);
        if (sign) {
            byte[] sig = Smb2Crypto.sign(s.signingAlgorithm, s.signingKey, out.array(), out.arrayOffset(), end);
            out.setBytes(Smb2Header.SIGNATURE_OFFSET, sig);
        }
        if (h.command == Smb2Command.NEGOTIATE && dialect == Dialect.SMB_3_1_1) {
            preauthHash = Smb2Crypto.sha512(preauthHash, out.array(), out.arrayOffset(), end);
        }
        if (h.command == Smb2Command.SESSION_SETUP && status == NtStatus.MORE_PROCESSING_REQUIRED
                && s != null && s.preauthHash != null) {
            s.preauthHash = Smb2Crypto.sha512(s.preauthHash, out.array(), out.arrayOffset(), end);
        }
    }

    /**
     * [MS-SMB2] 3.3.4.4: an error response's header is the request's with the listed changes, which leave Flags'
     * SMB2_FLAGS_SIGNED and the Signature as they came. When 3.3.4.1.1 then cannot sign it (no session was found, as
     * for USER_SESSION_DELETED, or a related request with nothing to inherit), both stay the request's, as Windows
     * and Samba send them: a client that requires signing takes such an answer's status as the server's (MS-SMB2
     * 3.2.5.1.3 skips the check without a session key) instead of refusing an unsigned response.
     */
    private static void keepRequestSignature(Smb2Header request, Smb2Header response) {
        response.flags |= Smb2Header.FLAGS_SIGNED;
        System.arraycopy(request.signature, 0, response.signature, 0, response.signature.length);
    }

    /**
     * Sends the final response of a request answered STATUS_PENDING ([MS-SMB2] 3.3.4.2): async header with its
     * AsyncId, no credits (the interim response granted them), signed and encrypted like its request was.
     * Callable from any thread but the event loop's work is only the write.
     *
     * @param body the response body for a success, null for an error response
     */
    void sendFinal(Smb2Header request, long asyncId, Session s, Session encryptedBy, int status, byte[] body) {
        asyncRequests.remove(asyncId);
        ByteBuf out = Unpooled.buffer(Smb2Header.SIZE + 16);
        out.writerIndex(Smb2Header.SIZE);
        if (body != null && !NtStatus.isError(status)) {
            out.writeBytes(body);
        } else {
            out.writeShortLE(9).writeByte(0).writeByte(0).writeIntLE(0).writeByte(0);
        }
        Smb2Header r = request.responseTo(status);
        r.flags = (r.flags & ~Smb2Header.FLAGS_RELATED_OPERATIONS) | Smb2Header.FLAGS_ASYNC_COMMAND;
        r.asyncId = asyncId;
        r.nextCommand = 0;
        r.credits = 0;
        boolean sign = s.signingKey != null && s.state != Session.State.IN_PROGRESS
                && (request.isSigned() || s.signingRequired);
        if (sign) {
            r.flags |= Smb2Header.FLAGS_SIGNED;
        }
        int end = out.writerIndex();
        out.writerIndex(0);
        r.encode(out);
        out.writerIndex(end);
        if (sign) {
            out.setBytes(Smb2Header.SIGNATURE_OFFSET,
                    Smb2Crypto.sign(s.signingAlgorithm, s.signingKey, out.array(), out.arrayOffset(), end));
        }
        Session sealWith = encryptedBy != null ? encryptedBy : s.encryptData && s.encryptionKey != null ? s : null;
        synchronized (queue) {
            if (closed) {
                return;
            }
        }
        send(List.of(out), sealWith);
    }

    /**
     * Sends an unsolicited server message ([MS-SMB2] 3.3.4.6, 3.3.4.7: an oplock or lease break notification):
     * MessageId 0xFFFFFFFFFFFFFFFF, no session or tree, unsigned; encrypted when {@code s} encrypts its traffic.
     * Callable from any thread.
     *
     * @param body the message body after the 64-byte header
     */
    void sendNotification(int command, Session s, byte[] body) {
        Smb2Header h = new Smb2Header();
        h.command = command;
        h.flags = Smb2Header.FLAGS_SERVER_TO_REDIR;
        h.messageId = -1L;
        ByteBuf out = Unpooled.buffer(Smb2Header.SIZE + body.length);
        h.encode(out);
        out.writeBytes(body);
        Session sealWith = s != null && s.encryptData && s.encryptionKey != null ? s : null;
        synchronized (queue) {
            if (closed) {
                return;
            }
        }
        send(List.of(out), sealWith);
    }

    /** [MS-SMB2] 3.3.5.16 CANCEL: withdraws the pending request it names; never answered itself. */
    void cancel(Exchange x) {
        Smb2Header h = x.header();
        AsyncRequest found = null;
        if (h.isAsync()) {
            found = asyncRequests.get(h.asyncId);
        } else {
            for (AsyncRequest a : asyncRequests.values()) {
                if (a.messageId() == h.messageId) {
                    found = a;
                }
            }
        }
        if (found != null && found.sessionId() == h.sessionId) {
            found.cancel().run();
        } else {
            LOG.debug("CANCEL of no pending request (async {} id {}, message {})", h.isAsync(), h.asyncId,
                    h.messageId);
        }
    }

    Channel channel() {
        return channel;
    }

    void disconnect() {
        channel.close();
    }
}
