package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * One request of a frame being answered: the request, the response under construction ({@link #out}, its
 * header written last by the connection) and the session/tree/open it runs against.
 */
final class Exchange {
    final SmbConnection conn;
    final Request req;
    /** The response message: 64 header bytes reserved, the handler appends the body. */
    final ByteBuf out;
    Session session;
    /**
     * {@link #session} is another connection's, found for a SESSION_SETUP naming it: the answer is signed with its
     * key only when the request's signature verified (no signing oracle for other connections).
     */
    boolean foreignSession;
    /** The request's signature was checked and matches. */
    boolean signatureVerified;
    TreeConnect tree;
    /** The FileId a related compound request inherits (the last one used or created in the chain), or null. */
    Long compoundFileId;
    /** The error of a failed CREATE earlier in a related chain, or SUCCESS ([MS-SMB2] 3.3.5.2.7.2). */
    int compoundCreateError;
    /** A FileId the request used or the response names, inherited by the next related request. */
    Long resultFileId;
    /** Whether the response is signed even though the request was not (final SESSION_SETUP). */
    boolean forceSign;
    /** The SessionId the response carries when it differs from the request's (a new session). */
    long responseSessionId;
    /** The session whose key decrypted this request, or null if it came in plain. */
    Session encryptedBy;
    /** Set with a STATUS_PENDING answer: the AsyncId the interim response names ([MS-SMB2] 3.3.4.2). */
    long asyncId;
    /** Runs once the response frame holding this exchange's response was handed to the channel, or null. */
    Runnable afterSend;

    /**
     * The SessionId and TreeId as the request carried them, before a related request's are replaced by the
     * chain's ([MS-SMB2] 3.3.5.2.7.2): an error response's header repeats them (3.3.4.4).
     */
    final long requestSessionId;
    final int requestTreeId;

    Exchange(SmbConnection conn, Request req, ByteBuf out) {
        this.conn = conn;
        this.req = req;
        this.out = out;
        this.requestSessionId = req.header.sessionId;
        this.requestTreeId = req.header.treeId;
    }

    Smb2Header header() {
        return req.header;
    }

    Session requireSession() throws SmbProtocolException {
        if (session == null || !session.isValid()) {
            throw new SmbProtocolException(NtStatus.USER_SESSION_DELETED, "no such session");
        }
        return session;
    }

    TreeConnect requireTree() throws SmbProtocolException {
        requireSession();
        if (tree == null) {
            throw new SmbProtocolException(NtStatus.NETWORK_NAME_DELETED, "no such tree");
        }
        return tree;
    }

    /**
     * The open a request's FileId (at {@code bodyOffset}) names, honouring compound inheritance: the all-ones
     * FileId of a related request is the chain's; without one it fails like the chain's failed CREATE did, or
     * FILE_CLOSED. The open found becomes the chain's FileId.
     */
    Open open(int bodyOffset) throws SmbProtocolException {
        TreeConnect t = requireTree();
        long persistent = req.body64(bodyOffset);
        long volatileId = req.body64(bodyOffset + 8);
        if (persistent == -1L && volatileId == -1L && header().isRelated()) {
            if (compoundFileId != null) {
                volatileId = compoundFileId;
                persistent = compoundFileId;
            } else if (compoundCreateError != NtStatus.SUCCESS) {
                throw new SmbProtocolException(compoundCreateError, "the chain's CREATE failed");
            }
        }
        Open o = session.opens.get(volatileId);
        // the persistent half is the open's id too (CREATE answers both): a mismatch names no open
        if (o == null || o.tree != t || persistent != o.id) {
            throw new SmbProtocolException(NtStatus.FILE_CLOSED, "no such open");
        }
        resultFileId = o.id;
        return o;
    }
}
