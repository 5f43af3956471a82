package io.bucketfs.smb.ntlm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The acceptor side of one NTLM authentication ([MS-NLMP] 3.2.5): NEGOTIATE in, CHALLENGE out (2.2.1.2),
 * AUTHENTICATE in (2.2.1.3), verified as NTLMv2 only (3.3.2) against {@link SmbUsers}. NTLMv1, anonymous and
 * unknown users fail the same way. Secrets never reach a log or an exception message. One instance per
 * authentication; not thread-safe.
 */
public final class NtlmServer {
    public static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
    static final int NEGOTIATE_UNICODE = 0x00000001;
    static final int REQUEST_TARGET = 0x00000004;
    static final int NEGOTIATE_SIGN = 0x00000010;
    static final int NEGOTIATE_SEAL = 0x00000020;
    static final int NEGOTIATE_NTLM = 0x00000200;
    static final int NEGOTIATE_ALWAYS_SIGN = 0x00008000;
    static final int TARGET_TYPE_SERVER = 0x00020000;
    static final int EXTENDED_SESSIONSECURITY = 0x00080000;
    static final int NEGOTIATE_TARGET_INFO = 0x00800000;
    static final int NEGOTIATE_VERSION = 0x02000000;
    static final int NEGOTIATE_128 = 0x20000000;
    static final int NEGOTIATE_KEY_EXCH = 0x40000000;
    static final int NEGOTIATE_56 = 0x80000000;
    private static final int AV_EOL = 0;
    private static final int AV_NB_COMPUTER = 1;
    private static final int AV_NB_DOMAIN = 2;
    private static final int AV_DNS_COMPUTER = 3;
    private static final int AV_DNS_DOMAIN = 4;
    private static final int AV_FLAGS = 6;
    private static final int AV_TIMESTAMP = 7;
    private static final int AV_FLAG_MIC = 0x2;

    /** The outcome of AUTHENTICATE: the user and the exported session key, or empty on any failure. */
    public record Result(SmbUser user, byte[] sessionKey) {
    }

    private final SmbUsers users;
    private final String serverName;
    private final byte[] serverChallenge = new byte[8];
    private byte[] negotiateMessage;
    private byte[] challengeMessage;
    private byte[] exportedKey;
    private int flags;
    private int serverSeq;
    private org.bouncycastle.crypto.engines.RC4Engine serverSeal;

    public NtlmServer(SmbUsers users, String serverName, SecureRandom random) {
        this.users = users;
        this.serverName = serverName;
        random.nextBytes(serverChallenge);
    }

    /** Test seam: a fixed server challenge. */
    NtlmServer(SmbUsers users, String serverName, byte[] challenge) {
        this.users = users;
        this.serverName = serverName;
        System.arraycopy(challenge, 0, serverChallenge, 0, 8);
    }

    public static boolean isNtlm(byte[] token) {
        return token.length >= 12 && Arrays.equals(Arrays.copyOf(token, 8), SIGNATURE);
    }

    private static int messageType(byte[] m) {
        return ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }

    /**
     * Answers a NEGOTIATE_MESSAGE with a CHALLENGE_MESSAGE.
     *
     * @throws IllegalArgumentException not a NEGOTIATE_MESSAGE
     */
    public byte[] challenge(byte[] negotiate, Instant now) {
        if (!isNtlm(negotiate) || messageType(negotiate) != 1 || negotiate.length < 16) {
            throw new IllegalArgumentException("not an NTLM NEGOTIATE_MESSAGE");
        }
        int clientFlags = ByteBuffer.wrap(negotiate).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        int flags = NEGOTIATE_UNICODE | REQUEST_TARGET | NEGOTIATE_NTLM | TARGET_TYPE_SERVER
                | EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO | NEGOTIATE_VERSION
                | (clientFlags & (NEGOTIATE_SIGN | NEGOTIATE_SEAL | NEGOTIATE_ALWAYS_SIGN | NEGOTIATE_128
                | NEGOTIATE_56 | NEGOTIATE_KEY_EXCH));
        return challenge(negotiate, flags, filetime(now));
    }

    byte[] challenge(byte[] negotiate, int flags, long timestamp) {
        negotiateMessage = negotiate.clone();
        byte[] name = serverName.getBytes(StandardCharsets.UTF_16LE);
        byte[] dns = serverName.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer info = ByteBuffer.allocate(4 * 4 + 2 * name.length + 2 * dns.length + 12 + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        avPair(info, AV_NB_DOMAIN, name);
        avPair(info, AV_NB_COMPUTER, name);
        avPair(info, AV_DNS_DOMAIN, dns);
        avPair(info, AV_DNS_COMPUTER, dns);
        info.putShort((short) AV_TIMESTAMP).putShort((short) 8).putLong(timestamp);
        info.putShort((short) AV_EOL).putShort((short) 0);
        int header = 56;
        ByteBuffer b = ByteBuffer.allocate(header + name.length + info.position()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SIGNATURE).putInt(2);
        b.putShort((short) name.length).putShort((short) name.length).putInt(header);
        b.putInt(flags);
        b.put(serverChallenge);
        b.putLong(0);
        b.putShort((short) info.position()).putShort((short) info.position()).putInt(header + name.length);
        b.put(new byte[] {10, 0, (byte) 0x63, (byte) 0x45, 0, 0, 0, 15});
        b.put(name).put(info.array(), 0, info.position());
        challengeMessage = b.array();
        return challengeMessage.clone();
    }

    private static void avPair(ByteBuffer b, int id, byte[] value) {
        b.putShort((short) id).putShort((short) value.length).put(value);
    }

    /** FILETIME: 100 ns intervals since 1601-01-01. */
    public static long filetime(Instant t) {
        return (t.getEpochSecond() + 11_644_473_600L) * 10_000_000L + t.getNano() / 100;
    }

    /**
     * Verifies an AUTHENTICATE_MESSAGE. Empty for anything but a valid NTLMv2 response of a known user
     * (including malformed messages, NTLMv1, anonymous, a wrong MIC).
     */
    public Optional<Result> authenticate(byte[] auth) {
        if (challengeMessage == null || !isNtlm(auth) || auth.length < 64 || messageType(auth) != 3) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(auth).order(ByteOrder.LITTLE_ENDIAN);
        byte[] nt = field(auth, b, 20);
        byte[] domainB = field(auth, b, 28);
        byte[] userB = field(auth, b, 36);
        byte[] encKey = field(auth, b, 52);
        int flags = b.getInt(60);
        if (nt == null || domainB == null || userB == null || encKey == null || nt.length <= 24
                || userB.length == 0) {
            return Optional.empty();
        }
        boolean unicode = (flags & NEGOTIATE_UNICODE) != 0;
        String user = new String(userB, unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
        String domain = new String(domainB, unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
        Optional<SmbUser> known = users.lookup(user);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        byte[] ntowf = NtlmCrypto.ntowfv2(known.get().ntHash(), user, domain);
        byte[] proof = Arrays.copyOf(nt, 16);
        byte[] blob = Arrays.copyOfRange(nt, 16, nt.length);
        byte[] expected = NtlmCrypto.hmacMd5(ntowf, serverChallenge, blob);
        if (!MessageDigest.isEqual(proof, expected)) {
            return Optional.empty();
        }
        byte[] keyExchangeKey = NtlmCrypto.hmacMd5(ntowf, proof);
        byte[] exported = keyExchangeKey;
        if ((flags & NEGOTIATE_KEY_EXCH) != 0 && encKey.length == 16) {
            exported = NtlmCrypto.rc4(keyExchangeKey, encKey);
        }
        if (hasMic(blob) && auth.length >= 88) {
            byte[] copy = auth.clone();
            byte[] mic = Arrays.copyOfRange(copy, 72, 88);
            Arrays.fill(copy, 72, 88, (byte) 0);
            byte[] want = Arrays.copyOf(NtlmCrypto.hmacMd5(exported, negotiateMessage, challengeMessage, copy), 16);
            if (!MessageDigest.isEqual(mic, want)) {
                return Optional.empty();
            }
        }
        this.exportedKey = exported;
        this.flags = flags;
        return Optional.of(new Result(known.get(), exported));
    }

    /**
     * [MS-NLMP] 3.4.4.2 the server's MAC of a message with extended session security (for SPNEGO's
     * mechListMIC), after a successful {@link #authenticate}: version, 8-byte checksum (RC4-sealed with key
     * exchange), sequence number.
     */
    public byte[] serverMac(byte[] message) {
        if (exportedKey == null) {
            throw new IllegalStateException("not authenticated");
        }
        byte[] signKey = md5(exportedKey, "session key to server-to-client signing key magic constant\0");
        if (serverSeal == null) {
            int n = (flags & NEGOTIATE_128) != 0 ? 16 : (flags & NEGOTIATE_56) != 0 ? 7 : 5;
            byte[] sealKey = md5(Arrays.copyOf(exportedKey, n),
                    "session key to server-to-client sealing key magic constant\0");
            serverSeal = new org.bouncycastle.crypto.engines.RC4Engine();
            serverSeal.init(true, new org.bouncycastle.crypto.params.KeyParameter(sealKey));
        }
        byte[] seq = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(serverSeq++).array();
        byte[] checksum = Arrays.copyOf(NtlmCrypto.hmacMd5(signKey, seq, message), 8);
        if ((flags & NEGOTIATE_KEY_EXCH) != 0) {
            byte[] sealed = new byte[8];
            serverSeal.processBytes(checksum, 0, 8, sealed, 0);
            checksum = sealed;
        }
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1).put(checksum).put(seq).array();
    }

    private static byte[] md5(byte[] key, String magic) {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            d.update(key);
            d.update(magic.getBytes(StandardCharsets.US_ASCII));
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A (Len, MaxLen, Offset) field's bytes; null when it points outside the message. */
    private static byte[] field(byte[] m, ByteBuffer b, int at) {
        int len = b.getShort(at) & 0xFFFF;
        int off = b.getInt(at + 4);
        if (off < 0 || off > m.length - len) {
            return null;
        }
        return Arrays.copyOfRange(m, off, off + len);
    }

    /**
     * Whether an AUTHENTICATE_MESSAGE carries an NTLMv2 response (an NtChallengeResponse longer than NTLMv1's
     * 24 bytes) whose NTLMv2_CLIENT_CHALLENGE ([MS-NLMP] 2.2.2.7) does not parse: RespType or HiRespType not 1,
     * or AV pairs running past its end or not ended by MsvAvEOL. Such a message is malformed rather than a
     * failed logon (what the netapp "net diag" tool sends, Samba bug 14932).
     */
    public static boolean malformedNtlmv2Response(byte[] auth) {
        if (!isNtlm(auth) || auth.length < 64 || messageType(auth) != 3) {
            return false;
        }
        byte[] nt = field(auth, ByteBuffer.wrap(auth).order(ByteOrder.LITTLE_ENDIAN), 20);
        if (nt == null || nt.length <= 24) {
            return false;
        }
        byte[] blob = Arrays.copyOfRange(nt, 16, nt.length);
        if (blob.length < 28 || blob[0] != 1 || blob[1] != 1) {
            return true;
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int at = 28;
        while (at + 4 <= blob.length) {
            int id = b.getShort(at) & 0xFFFF;
            int len = b.getShort(at + 2) & 0xFFFF;
            if (at + 4 + len > blob.length) {
                return true;
            }
            if (id == AV_EOL) {
                return false;
            }
            at += 4 + len;
        }
        return true;
    }

    /** Whether the NTLMv2 client blob's AV pairs carry MsvAvFlags with the MIC bit. */
    private static boolean hasMic(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int at = 28;
        while (at + 4 <= blob.length) {
            int id = b.getShort(at) & 0xFFFF;
            int len = b.getShort(at + 2) & 0xFFFF;
            if (id == AV_EOL || at + 4 + len > blob.length) {
                return false;
            }
            if (id == AV_FLAGS && len == 4) {
                return (b.getInt(at + 4) & AV_FLAG_MIC) != 0;
            }
            at += 4 + len;
        }
        return false;
    }
}
