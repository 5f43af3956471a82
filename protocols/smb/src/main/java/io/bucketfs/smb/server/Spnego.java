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
 * [MS-SPNG] / RFC 4178 tokens around the mechanisms of {@link Authenticators}, built and parsed with SMBJ's
 * SPNEGO types.
 */
final class Spnego {
    static final ASN1ObjectIdentifier NTLMSSP = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.2.10");
    static final BigInteger ACCEPT_COMPLETED = BigInteger.ZERO;
    static final BigInteger ACCEPT_INCOMPLETE = BigInteger.ONE;

    private Spnego() {
    }

    /** The NegTokenInit of the NEGOTIATE response's security buffer, offering NTLMSSP. */
    static byte[] negTokenInit() {
        return negTokenInit(java.util.List.of(NTLMSSP));
    }

    /** The NegTokenInit of the NEGOTIATE response's security buffer, offering {@code mechs}. */
    static byte[] negTokenInit(java.util.List<ASN1ObjectIdentifier> mechs) {
        try {
            NegTokenInit t = new NegTokenInit();
            mechs.forEach(t::addSupportedMech);
            Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
            t.write(b);
            return b.getCompactData();
        } catch (SpnegoException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client's security buffer, parsed.
     *
     * @param offered the mechTypes of a NegTokenInit, in the client's order of preference; null for a raw
     *     NTLMSSP message or a NegTokenResp (which continues the mechanism chosen before)
     * @param mechToken the (optimistic) mechanism token; empty when there is none
     */
    record Token(java.util.List<ASN1ObjectIdentifier> offered, byte[] mechToken) {
    }

    /** The mechanism token of a client's SPNEGO (or raw NTLMSSP) security buffer. */
    static byte[] mechToken(byte[] blob) throws SmbProtocolException {
        return parse(blob).mechToken();
    }

    /** Parses a client's SPNEGO (or raw NTLMSSP) security buffer; a malformed one is LOGON_FAILURE. */
    static Token parse(byte[] blob) throws SmbProtocolException {
        if (NtlmServer.isNtlm(blob)) {
            return new Token(null, blob);
        }
        try {
            if (!tlvsFit(blob, 0, blob.length, 0)) {
                throw new SmbProtocolException(NtStatus.LOGON_FAILURE, "SPNEGO token with a length past its end");
            }
            if (blob.length > 0 && (blob[0] & 0xFF) == 0x60) {
                Init t = new Init();
                t.read(blob);
                return new Token(java.util.List.copyOf(t.getSupportedMechTypes()), t.token());
            }
            if (blob.length > 0 && (blob[0] & 0xFF) == 0xA1) {
                byte[] r = new NegTokenTarg().read(blob).getResponseToken();
                return new Token(null, r == null ? new byte[0] : r);
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

    /**
     * The DER bytes of the mechTypes SEQUENCE of a client's initial NegTokenInit (what mechListMIC signs), or
     * null when the token is not a well-formed GSS-wrapped NegTokenInit.
     */
    static byte[] mechTypesDer(byte[] blob) {
        try {
            int[] at = {0};
            if (blob.length == 0 || blob[0] != 0x60) {
                return null;
            }
            at[0] = 1;
            length(blob, at);
            if (blob[at[0]] != 0x06) {
                return null;
            }
            at[0]++;
            int oidLength = length(blob, at);
            at[0] += oidLength;
            if ((blob[at[0]++] & 0xFF) != 0xA0) {
                return null;
            }
            length(blob, at);
            if (blob[at[0]++] != 0x30) {
                return null;
            }
            length(blob, at);
            if ((blob[at[0]++] & 0xFF) != 0xA0) {
                return null;
            }
            length(blob, at);
            int start = at[0];
            if (blob[at[0]++] != 0x30) {
                return null;
            }
            int len = length(blob, at);
            if (len > blob.length - at[0]) {
                return null;
            }
            return java.util.Arrays.copyOfRange(blob, start, at[0] + len);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** How deeply constructed BER values may nest in a token (a NegTokenInit needs 6). */
    static final int MAX_NESTING = 16;

    /**
     * Whether {@code b[from, to)} starts with BER values (X.690 8.1) whose lengths stay inside their enclosing value,
     * at every level of nesting up to {@link #MAX_NESTING}, with every application or context tag constructed;
     * smbj's ASN.1 decoder allocates a value at its announced length before it reads it, so a token announcing
     * 2 GiB must never reach it.
     */
    static boolean tlvsFit(byte[] b, int from, int to, int depth) {
        int at = from;
        while (at < to) {
            boolean constructed = (b[at] & 0x20) != 0;
            if (!constructed && (b[at] & 0xC0) != 0) {
                return false; // smbj parses a tagged value's content as a value: SPNEGO's tags are all explicit
            }
            if ((b[at++] & 0x1F) == 0x1F) { // high tag number: base-128 digits
                while (at < to && (b[at] & 0x80) != 0) {
                    at++;
                }
                at++;
            }
            if (at >= to) {
                return false;
            }
            int first = b[at++] & 0xFF;
            long len = first;
            if (first >= 0x80) {
                int n = first & 0x7F;
                if (n == 0 || n > 4 || n > to - at) {
                    return false; // indefinite lengths are not DER; 4 length bytes are more than any frame
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[at++] & 0xFF);
                }
            }
            if (len > to - at || constructed && (depth >= MAX_NESTING || !tlvsFit(b, at, at + (int) len, depth + 1))) {
                return false;
            }
            at += (int) len;
            if (depth == 0) {
                return true; // the token is the first value; what follows it is not read
            }
        }
        return true;
    }

    private static int length(byte[] b, int[] at) {
        int first = b[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7F;
        if (n > 3) {
            throw new IllegalArgumentException("DER length");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (b[at[0]++] & 0xFF);
        }
        return len;
    }

    /** A NegTokenTarg (negTokenResp) with a result, optionally an NTLM token and a mechListMIC. */
    static byte[] negTokenResp(BigInteger result, byte[] token) {
        return negTokenResp(result, token, null);
    }

    static byte[] negTokenResp(BigInteger result, byte[] token, byte[] mechListMic) {
        return negTokenResp(result, token == null ? null : NTLMSSP, token, mechListMic);
    }

    /**
     * A NegTokenTarg (negTokenResp) with a result, optionally the supportedMech (the first answer names the
     * mechanism chosen, RFC 4178 4.2.2), a mechanism token and a mechListMIC.
     */
    static byte[] negTokenResp(BigInteger result, ASN1ObjectIdentifier mech, byte[] token, byte[] mechListMic) {
        try {
            NegTokenTarg t = new NegTokenTarg();
            t.setNegotiationResult(result);
            if (mechListMic != null) {
                t.setMechListMic(mechListMic);
            }
            if (mech != null) {
                t.setSupportedMech(mech);
            }
            if (token != null) {
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
