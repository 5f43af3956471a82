package io.bucketfs.smb.ntlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.vfs.Caller;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** NTLMv2 against the [MS-NLMP] 4.2.4 example (User/Domain/Password) and the exact CHALLENGE bytes. */
@Timeout(10)
class NtlmServerTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SERVER_CHALLENGE = HEX.parseHex("0123456789abcdef");
    private static final int FLAGS = 0xE2888215; // [MS-NLMP] 4.2.4: the example's NegotiateFlags

    private static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    /** The 4.2.4.1.3 "temp": header, time 0, client challenge aa.., AV pairs (Domain, Server), padding. */
    private static byte[] temp() {
        ByteBuffer b = ByteBuffer.allocate(28 + 4 + 12 + 4 + 12 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {1, 1, 0, 0, 0, 0, 0, 0}).putLong(0);
        b.put(HEX.parseHex("aaaaaaaaaaaaaaaa")).putInt(0);
        b.putShort((short) 2).putShort((short) 12).put(utf16("Domain"));
        b.putShort((short) 1).putShort((short) 12).put(utf16("Server"));
        b.putInt(0).putInt(0);
        return b.array();
    }

    @Test
    void ntlmv2Functions() {
        byte[] nt = NtlmCrypto.ntHash("Password".toCharArray());
        assertEquals("a4f49c406510bdcab6824ee7c30fd852", HEX.formatHex(nt));
        byte[] ntowf = NtlmCrypto.ntowfv2(nt, "User", "Domain");
        assertEquals("0c868a403bfd7a93a3001ef22ef02e3f", HEX.formatHex(ntowf));
        byte[] proof = NtlmCrypto.hmacMd5(ntowf, SERVER_CHALLENGE, temp());
        assertEquals("68cd0ab851e51c96aabc927bebef6a1c", HEX.formatHex(proof));
        assertEquals("8de40ccadbc14a82f15cb0ad0de95ca3", HEX.formatHex(NtlmCrypto.hmacMd5(ntowf, proof)));
        assertEquals("c5dad2544fc9799094ce1ce90bc9d03e",
                HEX.formatHex(NtlmCrypto.rc4(NtlmCrypto.hmacMd5(ntowf, proof), HEX.parseHex("55".repeat(16)))));
    }

    /** An AUTHENTICATE_MESSAGE with the example's response and encrypted session key (no MIC). */
    private static byte[] authenticate(String user, byte[] proof) {
        return authenticateWith(user, ByteBuffer.allocate(16 + temp().length).put(proof).put(temp()).array());
    }

    private static byte[] authenticateWith(String user, byte[] ntResponse) {
        byte[] domain = utf16("Domain");
        byte[] u = utf16(user);
        byte[] key = HEX.parseHex("c5dad2544fc9799094ce1ce90bc9d03e");
        int off = 88;
        ByteBuffer b = ByteBuffer.allocate(off + ntResponse.length + domain.length + u.length + key.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(NtlmServer.SIGNATURE).putInt(3);
        b.putShort((short) 0).putShort((short) 0).putInt(off);
        b.putShort((short) ntResponse.length).putShort((short) ntResponse.length).putInt(off);
        int at = off + ntResponse.length;
        b.putShort((short) domain.length).putShort((short) domain.length).putInt(at);
        at += domain.length;
        b.putShort((short) u.length).putShort((short) u.length).putInt(at);
        at += u.length;
        b.putShort((short) 0).putShort((short) 0).putInt(at);
        b.putShort((short) key.length).putShort((short) key.length).putInt(at);
        b.putInt(FLAGS);
        b.put(new byte[8]).put(new byte[16]);
        b.put(ntResponse).put(domain).put(u).put(key);
        return b.array();
    }

    private static NtlmServer server() {
        InMemorySmbUsers users = new InMemorySmbUsers().add("user", "Password".toCharArray(), Caller.ROOT);
        NtlmServer s = new NtlmServer(users, "SERVER", SERVER_CHALLENGE);
        byte[] negotiate = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).put(NtlmServer.SIGNATURE)
                .putInt(1).putInt(FLAGS).array();
        s.challenge(negotiate, FLAGS, 0);
        return s;
    }

    @Test
    void verifiesTheSpecExampleAndExportsTheRandomSessionKey() {
        Optional<NtlmServer.Result> r = server().authenticate(
                authenticate("User", HEX.parseHex("68cd0ab851e51c96aabc927bebef6a1c")));
        assertTrue(r.isPresent());
        assertEquals("user", r.get().user().name());
        assertArrayEquals(HEX.parseHex("55".repeat(16)), r.get().sessionKey());
    }

    @Test
    void wrongProofUnknownUserAndGarbageFail() {
        byte[] bad = HEX.parseHex("68cd0ab851e51c96aabc927bebef6a1d");
        assertTrue(server().authenticate(authenticate("User", bad)).isEmpty());
        assertTrue(server().authenticate(authenticate("Nobody",
                HEX.parseHex("68cd0ab851e51c96aabc927bebef6a1c"))).isEmpty());
        assertTrue(server().authenticate(new byte[] {1, 2, 3}).isEmpty());
        byte[] truncated = authenticate("User", HEX.parseHex("68cd0ab851e51c96aabc927bebef6a1c"));
        assertTrue(server().authenticate(java.util.Arrays.copyOf(truncated, 100)).isEmpty());
    }

    @Test
    void malformedNtlmv2ClientChallengesAreTold() {
        assertFalse(NtlmServer.malformedNtlmv2Response(
                authenticate("User", HEX.parseHex("68cd0ab851e51c96aabc927bebef6a1c"))));
        assertFalse(NtlmServer.malformedNtlmv2Response(authenticateWith("User", new byte[24])), "NTLMv1 length");
        // Samba bug 14932: a netapp "net diag" response, its AV pairs running past the end
        byte[] netapp = HEX.parseHex("abababababababababababababababab" + "0101000000000000"
                + "3f3f3f3f3f3f3f3f" + "b8823af1b3dd0815" + "0000000011a20881" + "503822782b9447fe"
                + "54947bff17275ab4" + "f418badc2c38fd5b" + "fb0ec1851ecc92bb" + "9bb1c4d55314ff8c"
                + "7649f5459019a2");
        assertTrue(NtlmServer.malformedNtlmv2Response(authenticateWith("User", netapp)));
        byte[] temp = temp();
        byte[] cut = ByteBuffer.allocate(16 + temp.length - 8).put(new byte[16]).put(temp, 0, temp.length - 8)
                .array();
        assertTrue(NtlmServer.malformedNtlmv2Response(authenticateWith("User", cut)), "no MsvAvEOL");
        byte[] badType = ByteBuffer.allocate(16 + temp.length).put(new byte[16]).put(temp).array();
        badType[16] = 2;
        assertTrue(NtlmServer.malformedNtlmv2Response(authenticateWith("User", badType)), "RespType 2");
    }

    @Test
    void challengeBytes() throws Exception {
        NtlmServer s = new NtlmServer(new InMemorySmbUsers(), "SRV", SERVER_CHALLENGE);
        byte[] negotiate = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).put(NtlmServer.SIGNATURE)
                .putInt(1).putInt(FLAGS).array();
        byte[] got = s.challenge(negotiate, 0x00000201, 0x0102030405060708L);
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(HEX.parseHex("4e544c4d53535000" + "02000000"));        // signature, type 2
        want.write(HEX.parseHex("0600" + "0600" + "38000000"));           // TargetName: 6 bytes at 56
        want.write(HEX.parseHex("01020000"));                             // NegotiateFlags
        want.write(HEX.parseHex("0123456789abcdef" + "0000000000000000")); // ServerChallenge, Reserved
        want.write(HEX.parseHex("3800" + "3800" + "3e000000"));           // TargetInfo: 56 bytes at 62
        want.write(HEX.parseHex("0a0063450000000f"));                     // Version 10.0.17763, rev 15
        want.write(utf16("SRV"));
        want.write(HEX.parseHex("0200" + "0600"));
        want.write(utf16("SRV"));
        want.write(HEX.parseHex("0100" + "0600"));
        want.write(utf16("SRV"));
        want.write(HEX.parseHex("0400" + "0600"));
        want.write(utf16("srv"));
        want.write(HEX.parseHex("0300" + "0600"));
        want.write(utf16("srv"));
        want.write(HEX.parseHex("0700" + "0800" + "0807060504030201"));
        want.write(HEX.parseHex("0000" + "0000"));
        assertEquals(HEX.formatHex(want.toByteArray()), HEX.formatHex(got));
    }
}
