package io.bucketfs.smb.server;

import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.ntlm.NtlmServer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * NTLMSSP ([MS-NLMP]) as an {@link Authenticator}: NEGOTIATE_MESSAGE answered with a CHALLENGE_MESSAGE, then an
 * NTLMv2 AUTHENTICATE_MESSAGE checked by {@link NtlmServer}. Any other order of messages fails LOGON_FAILURE; an
 * NTLMv2 response that does not parse fails INVALID_PARAMETER ([MS-NLMP] 2.2.2.7).
 */
final class NtlmAuthenticator implements Authenticator {
    private final NtlmServer ntlm;
    private boolean challenged;

    NtlmAuthenticator(io.bucketfs.smb.ntlm.SmbUsers users, String serverName, SecureRandom random) {
        ntlm = new NtlmServer(users, serverName, random);
    }

    @Override
    public Step step(byte[] token) {
        if (!NtlmServer.isNtlm(token)) {
            return new Failed(NtStatus.LOGON_FAILURE);
        }
        if (!challenged) {
            if (token[8] != 1) {
                return new Failed(NtStatus.LOGON_FAILURE);
            }
            try {
                byte[] challenge = ntlm.challenge(token, Instant.now());
                challenged = true;
                return new More(challenge);
            } catch (IllegalArgumentException e) {
                return new Failed(NtStatus.LOGON_FAILURE);
            }
        }
        if (NtlmServer.malformedNtlmv2Response(token)) {
            return new Failed(NtStatus.INVALID_PARAMETER);
        }
        Optional<NtlmServer.Result> r = ntlm.authenticate(token);
        return r.<Step>map(ok -> new Done(ok.user(), ok.sessionKey())).orElse(new Failed(NtStatus.LOGON_FAILURE));
    }

    @Override
    public byte[] mechListMic(byte[] mechTypes) {
        return ntlm.serverMac(mechTypes);
    }
}
