package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.Dialect;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.ntlm.NtlmServer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [MS-SMB2] 3.3.5.5 SESSION_SETUP (request 2.2.5, response 2.2.6): SPNEGO-wrapped or raw NTLMSSP, two round
 * trips; on success the keys of 3.3.5.5.3 (signing, and for 3.x the cipher keys; 3.1.1 from the preauth
 * integrity hash). A SESSION_SETUP on a valid session re-authenticates it (same user; the keys stay; a failure
 * ends the session). A PreviousSessionId of the same user is logged off (a client reconnecting after losing
 * its connection). No guest, no anonymous; no multichannel: binding requests get what a server without
 * multichannel answers (3.3.5.5 and Samba's order of checks).
 */
final class SessionSetup {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSetup.class);
    static final int FLAG_BINDING = 0x1;
    static final int SESSION_FLAG_ENCRYPT_DATA = 0x4;

    private SessionSetup() {
    }

    static int handle(SmbServer server, Exchange x) throws SmbProtocolException {
        SmbConnection c = x.conn;
        Request r = x.req;
        r.expectStructure(25);
        if ((r.u8(2) & FLAG_BINDING) != 0) {
            return bind(x);
        }
        Session s = x.session;
        if (x.header().sessionId == 0) {
            s = c.newSession();
            x.session = s;
            x.header().sessionId = s.id;
        } else if (s == null || x.foreignSession) {
            return NtStatus.USER_SESSION_DELETED;
        }
        boolean reauth = s.isValid();
        if (s.preauthHash != null) {
            s.preauthHash = Commands.sha512Of(s.preauthHash, r.message());
        }
        byte[] blob = r.bytes(r.body16(12), r.body16(14));
        Spnego.Token parsed;
        try {
            parsed = Spnego.parse(blob);
        } catch (SmbProtocolException e) {
            c.dropSession(s);
            throw e;
        }
        Integer redirected = startExchange(server, x, s, blob, parsed);
        if (redirected != null) {
            return redirected;
        }
        Authenticator.Step step = s.auth.step(parsed.mechToken());
        if (step instanceof Authenticator.More more) {
            writeResponse(x, 0, s.spnego
                    ? Spnego.negTokenResp(Spnego.ACCEPT_INCOMPLETE, s.mech.oid(), more.token(), null) : more.token());
            return NtStatus.MORE_PROCESSING_REQUIRED;
        }
        Authenticator auth = s.auth;
        s.auth = null;
        if (step instanceof Authenticator.Failed failed) {
            c.dropSession(s);
            if (failed.status() == NtStatus.LOGON_FAILURE) {
                LOG.info("SMB logon failure from {}", c.channel().remoteAddress());
            }
            return failed.status();
        }
        Authenticator.Done result = (Authenticator.Done) step;
        if (reauth) {
            if (!result.user().name().equals(s.user.name())) {
                c.dropSession(s);
                LOG.info("SMB re-authentication of session {} as another user from {}", Long.toHexString(s.id),
                        c.channel().remoteAddress());
                return NtStatus.ACCESS_DENIED;
            }
        } else {
            if (server.settings().encryptData() && c.cipher == 0) {
                c.dropSession(s);
                return NtStatus.ACCESS_DENIED;
            }
            establish(server, c, s, r, result);
            logoffPrevious(server, s, r.body64(16));
        }
        writeResponse(x, s.encryptData ? SESSION_FLAG_ENCRYPT_DATA : 0,
                s.spnego ? Spnego.negTokenResp(Spnego.ACCEPT_COMPLETED, null,
                        s.mechTypes == null ? null : auth.mechListMic(s.mechTypes)) : new byte[0]);
        x.forceSign = true;
        LOG.debug("SMB session {} for {} (dialect {}){}", Long.toHexString(s.id), s.user.name(),
                Dialect.name(c.dialect), reauth ? " re-authenticated" : "");
        return NtStatus.SUCCESS;
    }

    /**
     * [MS-SMB2] 3.3.5.5.3: a new session naming a PreviousSessionId of the same user replaces it; the previous
     * one (on a connection the client lost, typically) is logged off, its opens closed.
     */
    private static void logoffPrevious(SmbServer server, Session s, long previousId) {
        if (previousId == 0 || previousId == s.id) {
            return;
        }
        Session previous = server.session(previousId);
        if (previous != null && previous.isValid() && previous.user.name().equals(s.user.name())) {
            LOG.debug("SMB session {} replaces session {}", Long.toHexString(s.id), Long.toHexString(previousId));
            previous.connection.dropSession(previous);
        }
    }

    /**
     * A request to bind a session to this connection (multichannel, [MS-SMB2] 3.3.5.5.2). Multichannel is not
     * offered (no SMB2_GLOBAL_CAP_MULTI_CHANNEL), so every well-formed binding is REQUEST_NOT_ACCEPTED, after the
     * checks that come first: a zero or unknown SessionId, and SMB 3.1.1 signing algorithms that differ.
     */
    private static int bind(Exchange x) {
        if (x.header().sessionId == 0) {
            return NtStatus.INVALID_PARAMETER;
        }
        Session s = x.session;
        if (s == null || !s.isValid()) {
            return NtStatus.USER_SESSION_DELETED;
        }
        int connectionAlgorithm = x.conn.signingAlgorithm;
        if (s.signingAlgorithm >= Smb2Crypto.SIGNING_AES_GMAC && connectionAlgorithm != s.signingAlgorithm) {
            return NtStatus.REQUEST_OUT_OF_SEQUENCE;
        }
        if (connectionAlgorithm >= Smb2Crypto.SIGNING_AES_GMAC && s.signingAlgorithm != connectionAlgorithm) {
            return NtStatus.NOT_SUPPORTED;
        }
        return NtStatus.REQUEST_NOT_ACCEPTED;
    }

    /**
     * Starts a new authentication exchange when the token opens one: a NegTokenInit (the mechanism chosen from
     * the client's list, [RFC 4178] 3.2), a raw or wrapped NTLM NEGOTIATE_MESSAGE, or any token of a session
     * with none under way. When the client's preferred mechanism is not one the server has but a later one is,
     * answers accept-incomplete naming that one, without a token (the optimistic token is dropped; 4.2.2) and
     * returns MORE_PROCESSING_REQUIRED; returns LOGON_FAILURE when none of the client's is; else null (the
     * token goes to {@link Session#auth}).
     */
    private static Integer startExchange(SmbServer server, Exchange x, Session s, byte[] blob, Spnego.Token parsed) {
        byte[] token = parsed.mechToken();
        boolean ntlmNegotiate = NtlmServer.isNtlm(token) && token[8] == 1;
        if (parsed.offered() == null && s.auth != null && !ntlmNegotiate) {
            return null;
        }
        Authenticators.Entry mech = s.mech != null ? s.mech : server.authenticators().get(Spnego.NTLMSSP)
                .orElseThrow();
        boolean redirect = false;
        if (parsed.offered() != null) {
            s.mechTypes = Spnego.mechTypesDer(blob);
            if (!parsed.offered().isEmpty()) {
                Optional<Authenticators.Entry> chosen = server.authenticators().choose(parsed.offered());
                if (chosen.isEmpty()) {
                    x.conn.dropSession(s);
                    LOG.info("SMB logon from {} offers no mechanism of ours: {}", x.conn.channel().remoteAddress(),
                            parsed.offered().stream().map(o -> o.getValue()).toList());
                    return NtStatus.LOGON_FAILURE;
                }
                mech = chosen.get();
                redirect = !mech.oid().getValue().equals(parsed.offered().get(0).getValue());
            }
        } else if (NtlmServer.isNtlm(blob)) {
            s.mechTypes = null;
        }
        s.spnego = !NtlmServer.isNtlm(blob);
        s.mech = mech;
        s.auth = mech.factory().get();
        if (redirect) {
            LOG.debug("SMB session {}: the client prefers {}; selecting {}", Long.toHexString(s.id),
                    parsed.offered().get(0).getValue(), mech.oid().getValue());
            writeResponse(x, 0, Spnego.negTokenResp(Spnego.ACCEPT_INCOMPLETE, mech.oid(), null, null));
            return NtStatus.MORE_PROCESSING_REQUIRED;
        }
        return null;
    }

    private static void establish(SmbServer server, SmbConnection c, Session s, Request r, Authenticator.Done ok)
            throws SmbProtocolException {
        s.user = ok.user();
        byte[] key = ok.sessionKey();
        s.sessionKey = key;
        int bits = Smb2Crypto.keyBits(c.cipher);
        if (c.dialect == Dialect.SMB_3_1_1) {
            byte[] ctx = s.preauthHash;
            s.signingKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBSigningKey"), ctx, 128);
            s.signingAlgorithm = c.signingAlgorithm;
            if (c.cipher != 0) {
                s.decryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBC2SCipherKey"), ctx, bits);
                s.encryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBS2CCipherKey"), ctx, bits);
            }
        } else if (Dialect.isSmb3(c.dialect)) {
            s.signingKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCMAC"), Smb2Crypto.label("SmbSign"), 128);
            s.signingAlgorithm = Smb2Crypto.SIGNING_AES_CMAC;
            if (c.cipher != 0) {
                s.decryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCCM"),
                        Smb2Crypto.label("ServerIn "), 128);
                s.encryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCCM"),
                        Smb2Crypto.label("ServerOut"), 128);
            }
        } else {
            s.signingKey = key;
            s.signingAlgorithm = Smb2Crypto.SIGNING_HMAC_SHA256;
        }
        int clientMode = r.u8(3);
        s.signingRequired = server.settings().signing().requiredFor(c.dialect)
                || (clientMode & Negotiate.SECURITY_SIGNING_REQUIRED) != 0;
        s.encryptData = server.settings().encryptData() && s.encryptionKey != null;
        s.preauthHash = null;
        s.state = Session.State.VALID;
    }

    private static void writeResponse(Exchange x, int flags, byte[] token) {
        x.out.writeShortLE(9);
        x.out.writeShortLE(flags);
        x.out.writeShortLE(token.length == 0 ? 0 : Smb2Header.SIZE + 8);
        x.out.writeShortLE(token.length);
        x.out.writeBytes(token);
    }
}
