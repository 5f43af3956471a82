package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.Dialect;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Crypto;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.ntlm.NtlmServer;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [MS-SMB2] 3.3.5.5 SESSION_SETUP (request 2.2.5, response 2.2.6): SPNEGO-wrapped or raw NTLMSSP, two round
 * trips; on success the keys of 3.3.5.5.3 (signing, and for 3.x the cipher keys; 3.1.1 from the preauth
 * integrity hash). No guest, no anonymous, no re-authentication or channel binding yet.
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
            return NtStatus.REQUEST_NOT_ACCEPTED;
        }
        Session s = x.session;
        if (x.header().sessionId == 0) {
            s = new Session(server.newSessionId());
            c.sessions.put(s.id, s);
            x.session = s;
            x.header().sessionId = s.id;
            if (c.dialect == Dialect.SMB_3_1_1) {
                s.preauthHash = c.preauthHash.clone();
            }
        } else if (s == null) {
            return NtStatus.USER_SESSION_DELETED;
        } else if (s.isValid()) {
            return NtStatus.REQUEST_NOT_ACCEPTED;
        }
        if (s.preauthHash != null) {
            s.preauthHash = Commands.sha512Of(s.preauthHash, r.message());
        }
        byte[] blob = r.bytes(r.body16(12), r.body16(14));
        byte[] token;
        try {
            token = Spnego.mechToken(blob);
        } catch (SmbProtocolException e) {
            c.sessions.remove(s.id);
            throw e;
        }
        boolean spnego = !NtlmServer.isNtlm(blob);
        if (NtlmServer.isNtlm(token) && token[8] == 1) {
            s.ntlm = new NtlmServer(server.users(), server.settings().serverName(), server.random());
            s.spnego = spnego;
            s.mechTypes = spnego ? Spnego.mechTypesDer(blob) : null;
            byte[] challenge;
            try {
                challenge = s.ntlm.challenge(token, Instant.now());
            } catch (IllegalArgumentException e) {
                c.sessions.remove(s.id);
                return NtStatus.LOGON_FAILURE;
            }
            writeResponse(x, 0, spnego ? Spnego.negTokenResp(Spnego.ACCEPT_INCOMPLETE, challenge) : challenge);
            return NtStatus.MORE_PROCESSING_REQUIRED;
        }
        NtlmServer ntlm = s.ntlm;
        Optional<NtlmServer.Result> result = ntlm == null || !NtlmServer.isNtlm(token)
                ? Optional.empty() : ntlm.authenticate(token);
        s.ntlm = null;
        if (result.isEmpty()) {
            c.sessions.remove(s.id);
            LOG.info("SMB logon failure from {}", c.channel().remoteAddress());
            return NtStatus.LOGON_FAILURE;
        }
        if (server.settings().encryptData() && c.cipher == 0) {
            c.sessions.remove(s.id);
            return NtStatus.ACCESS_DENIED;
        }
        establish(server, c, s, r, result.get());
        writeResponse(x, s.encryptData ? SESSION_FLAG_ENCRYPT_DATA : 0,
                s.spnego ? Spnego.negTokenResp(Spnego.ACCEPT_COMPLETED, null,
                        s.mechTypes == null ? null : ntlm.serverMac(s.mechTypes)) : new byte[0]);
        x.forceSign = true;
        LOG.debug("SMB session {} for {} (dialect {})", Long.toHexString(s.id), s.user.name(),
                Dialect.name(c.dialect));
        return NtStatus.SUCCESS;
    }

    private static void establish(SmbServer server, SmbConnection c, Session s, Request r, NtlmServer.Result ok)
            throws SmbProtocolException {
        s.user = ok.user();
        byte[] key = ok.sessionKey();
        s.sessionKey = key;
        int bits = Smb2Crypto.keyBits(c.cipher);
        if (c.dialect == Dialect.SMB_3_1_1) {
            byte[] ctx = s.preauthHash;
            s.signingKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBSigningKey"), ctx, 128);
            s.cmac = c.signingCmac;
            if (c.cipher != 0) {
                s.decryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBC2SCipherKey"), ctx, bits);
                s.encryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMBS2CCipherKey"), ctx, bits);
            }
        } else if (Dialect.isSmb3(c.dialect)) {
            s.signingKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCMAC"), Smb2Crypto.label("SmbSign"), 128);
            s.cmac = true;
            if (c.cipher != 0) {
                s.decryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCCM"),
                        Smb2Crypto.label("ServerIn "), 128);
                s.encryptionKey = Smb2Crypto.kdf(key, Smb2Crypto.label("SMB2AESCCM"),
                        Smb2Crypto.label("ServerOut"), 128);
            }
        } else {
            s.signingKey = key;
            s.cmac = false;
        }
        int clientMode = r.u8(3);
        s.signingRequired = server.settings().requireSigning()
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
