package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.hierynomus.protocol.commons.buffer.Buffer;
import com.hierynomus.protocol.commons.buffer.Endian;
import com.hierynomus.spnego.NegTokenInit;
import io.bucketfs.smb.mssmb2.SmbProtocolException;
import io.bucketfs.smb.ntlm.InMemorySmbUsers;
import io.bucketfs.smb.ntlm.NtlmServer;
import io.bucketfs.testing.DecodeOracle;
import io.bucketfs.vfs.Caller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (README "Hostile input"): the security tokens of SESSION_SETUP. The first input byte picks the
 * decoder, the rest is the token: 0, SPNEGO ([RFC 4178] NegTokenInit / NegTokenResp, {@link Spnego#mechToken} and
 * {@link Spnego#mechTypesDer}); 1, an NTLMSSP NEGOTIATE_MESSAGE to {@link NtlmServer#challenge}; 2, an
 * AUTHENTICATE_MESSAGE to {@link NtlmServer#authenticate} (after a challenge from a server whose random source is
 * seeded, so a seed answering that challenge logs on). Proves each returns or throws its documented error only
 * (SmbProtocolException from SPNEGO, IllegalArgumentException from a malformed NEGOTIATE_MESSAGE, nothing from
 * AUTHENTICATE, which answers a malformed message with no user), within the allocation allowance.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NtlmSpnegoFuzzTest {

    static final DecodeOracle ORACLE = new DecodeOracle(List.of(SmbProtocolException.class,
            IllegalArgumentException.class), 4L << 20, 64);
    static final InMemorySmbUsers USERS = new InMemorySmbUsers().add(SmbFixture.USER,
            SmbFixture.PASSWORD.toCharArray(), new Caller(0, 0, null));
    static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        ORACLE.check(input, () -> decodeToken(input));
    }

    static Object decodeToken(byte[] input) throws SmbProtocolException {
        if (input.length == 0) {
            return null;
        }
        byte[] token = Arrays.copyOfRange(input, 1, input.length);
        switch (Byte.toUnsignedInt(input[0]) % 3) {
            case 0 -> {
                Spnego.mechTypesDer(token);
                return Spnego.mechToken(token);
            }
            case 1 -> {
                return server().challenge(token, NOW);
            }
            default -> {
                NtlmServer s = server();
                s.challenge(negotiateMessage(), NOW);
                NtlmServer.malformedNtlmv2Response(token);
                return s.authenticate(token).orElse(null);
            }
        }
    }

    /** A server with a seeded random source: the same challenge every time. */
    private static NtlmServer server() {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(42);
            return new NtlmServer(USERS, "FUZZSRV", r);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** An NTLMSSP NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1) with no domain or workstation. */
    static byte[] negotiateMessage() {
        return ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                .put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(RawSmbClient.FLAGS)
                .array();
    }

    @Test
    void theAuthenticateSeedLogsOn() throws Exception {
        byte[] auth = (byte[]) ((Named<?>) seeds().toList().get(3).get()[0]).getPayload();
        assertTrue(decodeToken(auth) != null, "AUTHENTICATE of the seeded challenge logs on");
    }

    /** SPNEGO NegTokenInit with and without an NTLM token, NegTokenResp, NEGOTIATE and AUTHENTICATE messages. */
    static Stream<Arguments> seeds() throws Exception {
        byte[] negotiate = negotiateMessage();
        byte[] challenge = server().challenge(negotiate, NOW);
        byte[] auth = RawSmbClient.ntlmv2(challenge, SmbFixture.USER, SmbFixture.PASSWORD);
        NegTokenInit init = new NegTokenInit();
        init.addSupportedMech(Spnego.NTLMSSP);
        init.setMechToken(negotiate);
        Buffer.PlainBuffer b = new Buffer.PlainBuffer(Endian.LE);
        init.write(b);
        return Stream.of(
                seed("SPNEGO NegTokenInit with NTLM", 0, b.getCompactData()),
                seed("SPNEGO NegTokenResp with NTLM", 0, Spnego.negTokenResp(Spnego.ACCEPT_INCOMPLETE, auth)),
                seed("NTLM NEGOTIATE_MESSAGE", 1, negotiate),
                seed("NTLM AUTHENTICATE_MESSAGE", 2, auth),
                seed("SPNEGO NegTokenInit, no token", 0, Spnego.negTokenInit()));
    }

    private static Arguments seed(String name, int decoder, byte[] token) {
        byte[] s = new byte[1 + token.length];
        s[0] = (byte) decoder;
        System.arraycopy(token, 0, s, 1, token.length);
        return Arguments.of(Named.of(name, s));
    }
}
