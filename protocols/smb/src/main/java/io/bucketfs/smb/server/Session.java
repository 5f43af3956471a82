package io.bucketfs.smb.server;

import io.bucketfs.smb.ntlm.SmbUser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * [MS-SMB2] 3.3.1.8 Session. Keys are set once authentication succeeds and never change afterwards; fields
 * written during SESSION_SETUP are read by later requests of the same connection, which the per-connection
 * serial processing orders (volatile for visibility across worker threads).
 */
final class Session {
    /** IN_PROGRESS until authenticated; CLOSED once logged off (or replaced, or its connection lost). */
    enum State { IN_PROGRESS, VALID, CLOSED }

    final long id;
    /** The connection the session was set up on (no multichannel: its only one). */
    final SmbConnection connection;
    volatile State state = State.IN_PROGRESS;
    /** The authentication exchange under way (between MORE_PROCESSING_REQUIRED answers), or null. */
    volatile Authenticator auth;
    /** The SPNEGO mechanism of the exchange: the one chosen from the client's NegTokenInit (NTLMSSP if raw). */
    volatile Authenticators.Entry mech;
    /** The SPNEGO mechTypes were offered (the client wrapped NTLM in SPNEGO): answer in kind. */
    volatile boolean spnego;
    /** The DER mechTypes of the client's NegTokenInit, signed by the final mechListMIC. */
    volatile byte[] mechTypes;
    volatile SmbUser user;
    volatile byte[] sessionKey;
    volatile byte[] signingKey;
    /** The Smb2Crypto.SIGNING_* algorithm of the signatures. */
    volatile int signingAlgorithm;
    /** The server's decryption key (client to server) and encryption key (server to client). */
    volatile byte[] decryptionKey;
    volatile byte[] encryptionKey;
    volatile boolean signingRequired;
    volatile boolean encryptData;
    /** 3.1.1 Session.PreauthIntegrityHashValue while the session is being set up. */
    volatile byte[] preauthHash;
    final AtomicLong nonceCounter = new AtomicLong();
    final AtomicInteger nextTreeId = new AtomicInteger(1);
    final Map<Integer, TreeConnect> trees = new ConcurrentHashMap<>();
    final Map<Long, Open> opens = new ConcurrentHashMap<>();
    /** Named-pipe opens on IPC$ trees (see {@link PipeCommands}). */
    final Map<Long, PipeOpen> pipes = new ConcurrentHashMap<>();

    Session(long id, SmbConnection connection) {
        this.id = id;
        this.connection = connection;
    }

    boolean isValid() {
        return state == State.VALID;
    }
}
