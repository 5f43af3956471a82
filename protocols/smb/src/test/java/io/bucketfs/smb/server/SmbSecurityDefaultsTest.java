package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hierynomus.msdtyp.AccessMask;
import com.hierynomus.mssmb2.SMB2CreateDisposition;
import com.hierynomus.mssmb2.SMB2Dialect;
import com.hierynomus.mssmb2.SMB2ShareAccess;
import com.hierynomus.mssmb2.SMBApiException;
import com.hierynomus.smbj.SMBClient;
import com.hierynomus.smbj.SmbConfig;
import com.hierynomus.smbj.auth.AuthenticationContext;
import com.hierynomus.smbj.session.Session;
import com.hierynomus.smbj.share.DiskShare;
import com.hierynomus.smbj.share.File;
import io.bucketfs.backends.ListRequest;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.Payload;
import io.bucketfs.backends.PutOptions;
import io.bucketfs.backends.local.LocalDirectoryStore;
import io.bucketfs.smb.mssmb2.NtStatus;
import io.bucketfs.smb.ntlm.NtlmCrypto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMB server's security defaults (README "Security defaults"): no guest or anonymous session, NTLMv2 only
 * (LM, NTLMv1 and NTLMv1 with extended session security are refused even when computed from the right password),
 * and no name that leaves the share — {@code ..} above the root, a leading separator, NUL, an overlong component,
 * a stream name — in CREATE or in a rename target, with nothing written outside the mount's prefix in the store.
 * Raw NTLMSSP tokens (no library sends LM or anonymous logons on request), SMBJ for the names, smbclient for
 * what a real client does when asked for anonymous or NTLMv1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmbSecurityDefaultsTest {
    private static final String PREFIX = "inside/";

    @TempDir
    Path tmp;
    private ObjectStore store;
    private SmbFixture fixture;

    @BeforeEach
    void start() throws Exception {
        store = LocalDirectoryStore.create(Files.createDirectories(tmp.resolve("bucket")));
        store.put("outside.txt", Payload.ofBytes("not yours".getBytes(StandardCharsets.UTF_8)), PutOptions.NONE);
        fixture = new SmbFixture(tmp, store, SmbSettings.DEFAULTS, null, PREFIX);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    // ---- no guest, no anonymous ----

    @Test
    void noGuestOrAnonymousSession() throws Exception {
        for (int dialect : new int[] {0x0210, 0x0302}) {
            try (RawSmbClient c = new RawSmbClient(fixture.port(), dialect)) {
                // [MS-NLMP] 3.2.5.1.2 anonymous: empty user, empty NT response, LM empty or one zero byte
                assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.authenticate(new byte[0],
                        new byte[0], "", RawSmbClient.FLAGS)), "anonymous");
                assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.authenticate(new byte[1],
                        new byte[0], "", RawSmbClient.FLAGS)), "anonymous with Z(1)");
                assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.ntlmv2(ch, "guest", "")), "guest");
                assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.ntlmv2(ch, "nobody", "x")),
                        "an unknown user is not mapped to guest");
                assertNotEquals(NtStatus.SUCCESS, c.treeConnect(0), "no tree without a session");
                assertEquals(NtStatus.SUCCESS, c.login(0, 0, SmbFixture.PASSWORD).status(), "the control logon");
            }
        }
        assertTrue(smbclient("-N", "-L", "//127.0.0.1").rc() != 0, "smbclient -N (anonymous) lists nothing");
        Run guest = smbclient("-U", "guest%", "//127.0.0.1/default", "-c", "ls");
        assertTrue(guest.rc() != 0 && guest.out().contains("NT_STATUS_LOGON_FAILURE"), guest.out());
        Run ok = smbclient("-U", SmbFixture.USER + "%" + SmbFixture.PASSWORD, "//127.0.0.1/default", "-c", "ls");
        assertEquals(0, ok.rc(), ok.out());
    }

    // ---- NTLMv2 only ----

    @Test
    void ntlmv2OnlyNoLmOrNtlmv1() throws Exception {
        char[] pw = SmbFixture.PASSWORD.toCharArray();
        try (RawSmbClient c = new RawSmbClient(fixture.port(), 0x0302)) {
            assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.authenticate(
                    desResponse(lmHash(SmbFixture.PASSWORD), serverChallenge(ch)),
                    desResponse(NtlmCrypto.ntHash(pw), serverChallenge(ch)), SmbFixture.USER, RawSmbClient.FLAGS
                            & ~0x00080000)), "LM + NTLMv1 responses, right password");
            assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> RawSmbClient.authenticate(
                    desResponse(lmHash(SmbFixture.PASSWORD), serverChallenge(ch)), new byte[0], SmbFixture.USER,
                    RawSmbClient.FLAGS & ~0x00080000)), "an LM response alone, right password");
            assertEquals(NtStatus.LOGON_FAILURE, logon(c, ch -> {
                byte[] clientChallenge = "cli-chal".getBytes(StandardCharsets.US_ASCII);
                byte[] lm = Arrays.copyOf(clientChallenge, 24);
                byte[] mixed = Arrays.copyOf(md5(serverChallenge(ch), clientChallenge), 8);
                return RawSmbClient.authenticate(lm, desResponse(NtlmCrypto.ntHash(pw), mixed), SmbFixture.USER,
                        RawSmbClient.FLAGS);
            }), "NTLMv1 with extended session security (NTLM2 session response), right password");
            assertEquals(NtStatus.SUCCESS, c.login(0, 0, SmbFixture.PASSWORD).status(), "NTLMv2 logs on");
        }
        Run v1 = smbclient("-U", SmbFixture.USER + "%" + SmbFixture.PASSWORD, "--option=client ntlmv2 auth=no",
                "//127.0.0.1/default", "-c", "ls");
        assertTrue(v1.rc() != 0 && v1.out().contains("NT_STATUS_LOGON_FAILURE"), "smbclient with NTLMv1: " + v1.out());
    }

    /** Both round trips with the AUTHENTICATE_MESSAGE {@code auth} makes of the CHALLENGE_MESSAGE. */
    private static int logon(RawSmbClient c, java.util.function.Function<byte[], byte[]> auth) throws Exception {
        RawSmbClient.Answer challenge = c.challenge(0, 0);
        return c.sessionSetup(challenge.sessionId(), 0, 0, auth.apply(RawSmbClient.challengeToken(challenge)))
                .status();
    }

    private static byte[] serverChallenge(byte[] challengeMessage) {
        return Arrays.copyOfRange(challengeMessage, 24, 32);
    }

    /** [MS-NLMP] 3.3.1 DESL: the 16-byte hash, padded to 21, as three DES keys over the 8-byte challenge. */
    private static byte[] desResponse(byte[] hash, byte[] challenge) {
        byte[] k = Arrays.copyOf(hash, 21);
        byte[] out = new byte[24];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(des(Arrays.copyOfRange(k, 7 * i, 7 * i + 7), challenge), 0, out, 8 * i, 8);
        }
        return out;
    }

    /** [MS-NLMP] 3.3.1 LMOWFv1: DES of "KGS!@#$%" under the upper-cased password's two 7-byte halves. */
    private static byte[] lmHash(String password) {
        byte[] p = Arrays.copyOf(password.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII), 14);
        byte[] magic = "KGS!@#$%".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[16];
        System.arraycopy(des(Arrays.copyOf(p, 7), magic), 0, out, 0, 8);
        System.arraycopy(des(Arrays.copyOfRange(p, 7, 14), magic), 0, out, 8, 8);
        return out;
    }

    /** DES-ECB of one block under a 56-bit key spread over 8 bytes (parity bits left as they fall). */
    private static byte[] des(byte[] k7, byte[] block) {
        byte[] k = new byte[8];
        k[0] = k7[0];
        for (int i = 1; i < 7; i++) {
            k[i] = (byte) (((k7[i - 1] & 0xFF) << (8 - i)) | ((k7[i] & 0xFF) >>> i));
        }
        k[7] = (byte) (k7[6] << 1);
        try {
            Cipher c = Cipher.getInstance("DES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "DES"));
            return c.doFinal(block);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(byte[] a, byte[] b) {
        try {
            MessageDigest d = MessageDigest.getInstance("MD5");
            d.update(a);
            return d.digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- path traversal ----

    @Test
    void pathTraversalRefusedInCreateAndRename() throws Exception {
        SMBClient client = new SMBClient(SmbConfig.builder().withDialects(SMB2Dialect.SMB_3_1_1)
                .withTimeout(20, TimeUnit.SECONDS).build());
        try (client; Session s = client.connect("127.0.0.1", fixture.port()).authenticate(
                new AuthenticationContext(SmbFixture.USER, SmbFixture.PASSWORD.toCharArray(), ""));
             DiskShare share = (DiskShare) s.connectShare("default")) {
            share.mkdir("a");
            assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, createStatus(share, "..\\outside.txt"));
            assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, createStatus(share, "..\\escape.txt"));
            assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, createStatus(share, "a\\..\\..\\escape.txt"));
            assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, createStatus(share, "a/../../escape.txt"));
            assertEquals(NtStatus.OBJECT_NAME_INVALID, createStatus(share, "nul\0.txt"));
            assertEquals(NtStatus.OBJECT_NAME_INVALID, createStatus(share, "a\\\\double.txt"), "empty component");
            assertEquals(NtStatus.OBJECT_NAME_INVALID, createStatus(share, "file.txt:stream"));
            assertEquals(NtStatus.NAME_TOO_LONG, createStatus(share, "n".repeat(256)), "256 UTF-16 units");
            assertEquals(NtStatus.NAME_TOO_LONG, createStatus(share, "\u00e9".repeat(128)), "128 units, 256 bytes");
            String deep = ("d".repeat(250) + "\\").repeat(130) + "f"; // 32,631 units: deeper than anything here
            assertEquals(NtStatus.OBJECT_PATH_NOT_FOUND, createStatus(share, deep));
            assertEquals(NtStatus.SUCCESS, createStatus(share, "a\\..\\inside-the-share.txt"), "'..' within it");

            try (File f = share.openFile("victim.txt", EnumSet.of(AccessMask.GENERIC_ALL), null,
                    SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_CREATE, null)) {
                for (String target : List.of("..\\escaped.txt", "a\\..\\..\\escaped.txt")) {
                    assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, renameStatus(f, target), target);
                }
                assertEquals(NtStatus.OBJECT_NAME_INVALID, renameStatus(f, "nul\0.txt"));
                assertEquals(NtStatus.OBJECT_NAME_INVALID, renameStatus(f, "victim.txt:stream"));
                assertEquals(NtStatus.NAME_TOO_LONG, renameStatus(f, "n".repeat(256)));
            }
            assertTrue(share.fileExists("victim.txt"), "every refused rename left it where it was");
        }
        try (RawSmbClient raw = new RawSmbClient(fixture.port(), 0x0210)) { // SMBJ drops a leading separator
            long session = raw.login(0, 0, SmbFixture.PASSWORD).sessionId();
            int tree = java.nio.ByteBuffer.wrap(raw.treeConnectAnswer(session).bytes())
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(36);
            for (String name : List.of("\\escape.txt", "\\..\\escape.txt", "\\\\127.0.0.1\\c$\\escape.txt")) {
                assertEquals(NtStatus.INVALID_PARAMETER, raw.create(session, tree, name), "[MS-SMB2] 3.3.5.9: " + name);
            }
            assertEquals(NtStatus.OBJECT_PATH_SYNTAX_BAD, raw.create(session, tree, "..\\escape.txt"));
            assertEquals(NtStatus.OBJECT_NAME_INVALID, raw.create(session, tree, "a\\nul\0"));
            assertEquals(NtStatus.SUCCESS, raw.create(session, tree, "a\\raw.txt"), "the control create");
        }
        fixture.runtime.sync(30, TimeUnit.SECONDS);
        List<String> keys = new ArrayList<>();
        store.list(ListRequest.flat("")).objects().forEach(o -> keys.add(o.key()));
        assertTrue(keys.contains(PREFIX + "inside-the-share.txt") && keys.contains(PREFIX + "victim.txt")
                && keys.contains(PREFIX + "a/raw.txt"), "" + keys);
        for (String k : keys) {
            assertTrue(k.startsWith(PREFIX) || k.equals("outside.txt"), "a key outside the mount's prefix: " + k);
        }
    }

    private static long createStatus(DiskShare share, String path) {
        try (File f = share.openFile(path, EnumSet.of(AccessMask.GENERIC_READ, AccessMask.GENERIC_WRITE), null,
                SMB2ShareAccess.ALL, SMB2CreateDisposition.FILE_OPEN_IF, null)) {
            return NtStatus.SUCCESS;
        } catch (SMBApiException e) {
            return (int) e.getStatusCode();
        }
    }

    private static long renameStatus(File f, String target) {
        SMBApiException e = assertThrows(SMBApiException.class, () -> f.rename(target, false), target);
        return (int) e.getStatusCode();
    }

    // ---- smbclient ----

    private record Run(int rc, String out) {
    }

    private Run smbclient(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("smbclient", "-p", String.valueOf(fixture.port()), "-m", "SMB3"));
        cmd.addAll(List.of(args));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/smbclient")),
                "smbclient is installed");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "smbclient finished");
        return new Run(p.exitValue(), out);
    }
}
