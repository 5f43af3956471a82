package io.bucketfs.smb.server;

import io.bucketfs.smb.ntlm.SmbUser;

/**
 * One GSS-API security mechanism behind SPNEGO ([MS-SPNG], RFC 4178) for one authentication exchange of a
 * SESSION_SETUP ([MS-SMB2] 3.3.5.5.3): it takes the client's mechanism tokens in turn and answers each with a
 * {@link Step}. A new exchange (and re-authentication) gets a new instance from its {@link Authenticators}
 * entry, chosen by the mechanism's OID. NTLMSSP is the one implemented ({@link NtlmAuthenticator}); Kerberos
 * would be another implementation registered under its OIDs.
 */
interface Authenticator {
    /** The answer to one client token. */
    sealed interface Step permits More, Done, Failed {
    }

    /** The exchange goes on: send {@code token} with STATUS_MORE_PROCESSING_REQUIRED. */
    record More(byte[] token) implements Step {
    }

    /** The client is {@code user}; {@code sessionKey} is the session base key the SMB keys derive from. */
    record Done(SmbUser user, byte[] sessionKey) implements Step {
    }

    /** The exchange failed with the NTSTATUS {@code status}; the session ends. */
    record Failed(int status) implements Step {
    }

    /** Answers the client's next mechanism token. */
    Step step(byte[] token);

    /**
     * The mechListMIC of the final SPNEGO answer over the DER {@code mechTypes} the client offered, or null when
     * the mechanism has no integrity protection to give.
     */
    byte[] mechListMic(byte[] mechTypes);
}
