package io.bucketfs.smb.server;

import com.hierynomus.asn1.types.primitive.ASN1ObjectIdentifier;
import com.hierynomus.protocol.commons.buffer.Buffer;
import com.hierynomus.protocol.commons.buffer.Endian;
import com.hierynomus.spnego.NegTokenInit;
import com.hierynomus.spnego.NegTokenTarg;
import com.hierynomus.spnego.SpnegoException;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.ntlm.NtlmServer;
import java.math.BigInteger;

/**
 * [MS-SPNG] / RFC 4178 tokens around NTLMSSP, built and parsed with SMBJ's SPNEGO types. NTLM is the only
 * mechanism offered now; Kerberos would add its OID to {@link #negTokenInit} and an authenticator beside NTLM.
 */
final class Spnego {
    static final ASN1ObjectIdentifier NTLMSSP = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.2.10");
    static final BigInteger ACCEPT_COMPLETED = BigInteger.ZERO;
    static final BigInteger ACCEPT_INCOMPLETE = BigInteger.ONE;

    private Spnego() {
    }

    /** The NegTokenInit of the NEGOTIATE response's security buffer. */
    static byte[] negTokenInit() {
        try {
            NegTokenInit t = new NegTokenInit();
            t.addSupportedMech(NTLMSSP);
            Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
            t.write(b);
            return b.getCompactData();
        } catch (SpnegoException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The mechanism token of a client's SPNEGO (or raw NTLMSSP) security buffer. */
    static byte[] mechToken(byte[] blob) throws SmbProtocolException {
        if (NtlmServer.isNtlm(blob)) {
            return blob;
        }
        try {
            if (blob.length > 0 && (blob[0] & 0xFF) == 0x60) {
                Init t = new Init();
                t.read(blob);
                if (!t.getSupportedMechTypes().isEmpty() && !t.getSupportedMechTypes().contains(NTLMSSP)) {
                    throw new SmbProtocolException(NtStatus.LOGON_FAILURE, "no supported SPNEGO mechanism");
                }
                return t.token();
            }
            if (blob.length > 0 && (blob[0] & 0xFF) == 0xA1) {
                byte[] r = new NegTokenTarg().read(blob).getResponseToken();
                return r == null ? new byte[0] : r;
            }
        } catch (SpnegoException | RuntimeException e) {
            throw new SmbProtocolException(NtStatus.LOGON_FAILURE, "malformed SPNEGO token");
        }
        throw new SmbProtocolException(NtStatus.LOGON_FAILURE, "unknown security token");
    }

    /** Exposes the mechToken SMBJ parses but keeps protected. */
    private static final class Init extends NegTokenInit {
        byte[] token() {
            return mechToken == null ? new byte[0] : mechToken.clone();
        }
    }

    /** A NegTokenTarg (negTokenResp) with a result and optionally an NTLM token. */
    static byte[] negTokenResp(BigInteger result, byte[] token) {
        try {
            NegTokenTarg t = new NegTokenTarg();
            t.setNegotiationResult(result);
            if (token != null) {
                t.setSupportedMech(NTLMSSP);
                t.setResponseToken(token);
            }
            Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
            t.write(b);
            return b.getCompactData();
        } catch (SpnegoException e) {
            throw new IllegalStateException(e);
        }
    }
}
