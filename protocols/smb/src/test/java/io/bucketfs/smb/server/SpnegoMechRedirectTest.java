package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.asn1.types.primitive.ASN1ObjectIdentifier;
import com.hierynomus.protocol.commons.buffer.Buffer;
import com.hierynomus.protocol.commons.buffer.Endian;
import com.hierynomus.spnego.NegTokenInit;
import com.hierynomus.spnego.NegTokenTarg;
import io.bucketfs.smb.mssmb2.NtStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPNEGO mechanism selection ([RFC 4178] 3.2, 4.2.2) from a raw client with hand-built tokens: a NegTokenInit
 * that prefers Kerberos (with an optimistic Kerberos token) but also lists NTLMSSP is answered accept-incomplete
 * naming NTLMSSP, with no token, after which NTLM completes and the session works; a NegTokenInit listing only
 * Kerberos is LOGON_FAILURE.
 */
class SpnegoMechRedirectTest extends LocalServerTest {

    /** A GSS-wrapped NegTokenInit listing {@code mechs} with an optimistic token (an AP-REQ lookalike). */
    private static byte[] init(byte[] optimistic, ASN1ObjectIdentifier... mechs) throws Exception {
        NegTokenInit t = new NegTokenInit();
        for (ASN1ObjectIdentifier m : mechs) {
            t.addSupportedMech(m);
        }
        t.setMechToken(optimistic);
        Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
        t.write(b);
        return b.getCompactData();
    }

    private static byte[] resp(byte[] token) throws Exception {
        NegTokenTarg t = new NegTokenTarg();
        t.setResponseToken(token);
        Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
        t.write(b);
        return b.getCompactData();
    }

    /** The NegTokenTarg of a SESSION_SETUP response's security buffer. */
    private static NegTokenTarg answer(RawSmbClient.Answer a) throws Exception {
        byte[] blob = Arrays.copyOfRange(a.bytes(), 64 + 8, a.bytes().length);
        return new NegTokenTarg().read(blob);
    }

    private static byte[] krb5ApReq() {
        byte[] t = new byte[64];
        t[0] = 0x60; // looks like a GSS-wrapped Kerberos AP-REQ to nobody who checks; the server must not look
        return t;
    }

    @Test
    @Timeout(30)
    void kerberosFirstIsRedirectedToNtlm() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x210)) {
            RawSmbClient.Answer first = c.sessionSetup(0, 0, 0,
                    init(krb5ApReq(), Authenticators.MS_KRB5, Authenticators.KRB5, Spnego.NTLMSSP));
            assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, first.status());
            NegTokenTarg redirect = answer(first);
            assertEquals(Spnego.ACCEPT_INCOMPLETE, redirect.getNegotiationResult());
            assertEquals(Spnego.NTLMSSP.getValue(), redirect.getSupportedMech().getValue());
            assertNull(redirect.getResponseToken(), "no mechanism token with the redirect");

            long session = first.sessionId();
            RawSmbClient.Answer challenge = c.sessionSetup(session, 0, 0, resp(RawSmbClient.negotiateToken()));
            assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, challenge.status());
            byte[] ntlmChallenge = answer(challenge).getResponseToken();
            assertNotNull(ntlmChallenge);
            assertArrayEquals(RawSmbClient.NTLMSSP, Arrays.copyOf(ntlmChallenge, 8));
            assertEquals(2, ntlmChallenge[8], "CHALLENGE_MESSAGE");

            RawSmbClient.Answer done = c.sessionSetup(session, 0, 0,
                    resp(RawSmbClient.ntlmv2(ntlmChallenge, SmbFixture.USER, SmbFixture.PASSWORD)));
            assertEquals(NtStatus.SUCCESS, done.status());
            assertEquals(Spnego.ACCEPT_COMPLETED, answer(done).getNegotiationResult());
            assertEquals(NtStatus.SUCCESS, c.treeConnect(session));
            assertTrue(c.treeId != 0);
        }
    }

    @Test
    @Timeout(30)
    void kerberosOnlyIsLogonFailure() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x210)) {
            RawSmbClient.Answer a = c.sessionSetup(0, 0, 0,
                    init(krb5ApReq(), Authenticators.MS_KRB5, Authenticators.KRB5));
            assertEquals(NtStatus.LOGON_FAILURE, a.status());
        }
    }

    @Test
    @Timeout(30)
    void ntlmFirstUsesItsOptimisticToken() throws Exception {
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x210)) {
            RawSmbClient.Answer a = c.sessionSetup(0, 0, 0,
                    init(RawSmbClient.negotiateToken(), Spnego.NTLMSSP, Authenticators.KRB5));
            assertEquals(NtStatus.MORE_PROCESSING_REQUIRED, a.status());
            byte[] challenge = answer(a).getResponseToken();
            assertEquals(2, challenge[8], "CHALLENGE_MESSAGE straight away");
            RawSmbClient.Answer done = c.sessionSetup(a.sessionId(), 0, 0,
                    resp(RawSmbClient.ntlmv2(challenge, SmbFixture.USER, SmbFixture.PASSWORD)));
            assertEquals(NtStatus.SUCCESS, done.status());
        }
    }
}
