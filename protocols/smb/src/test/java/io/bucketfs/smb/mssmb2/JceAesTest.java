package io.bucketfs.smb.mssmb2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDK-backed AES primitives agree with RFC 4493's vectors and with Bouncy Castle at every length. */
@Timeout(30)
class JceAesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void cmacMatchesRfc4493Vectors() {
        byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] msg = HEX.parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        assertArrayEquals(HEX.parseHex("bb1d6929e95937287fa37d129b756746"), JceAes.cmac(key, msg, 0, 0));
        assertArrayEquals(HEX.parseHex("070a16b46b4d4144f79bdd9dd04a287c"), JceAes.cmac(key, msg, 0, 16));
        assertArrayEquals(HEX.parseHex("dfa66747de9ae63030ca32611497c827"), JceAes.cmac(key, msg, 0, 40));
        assertArrayEquals(HEX.parseHex("51f0bebf7e3b9d92fc49741779363cfe"), JceAes.cmac(key, msg, 0, 64));
    }

    @Test
    void cmacAndGmacAgreeWithBouncyCastleAtEveryLength() {
        Random rnd = new Random(7);
        byte[] buf = new byte[300_000];
        rnd.nextBytes(buf);
        for (int len : new int[] {1, 15, 16, 17, 31, 32, 33, 64, 65535, 65536, 65537, 65552, 131072 + 5, 299_990}) {
            byte[] key = new byte[16];
            rnd.nextBytes(key);
            int off = rnd.nextInt(7);
            CMac bc = new CMac(AESEngine.newInstance());
            bc.init(new KeyParameter(key));
            bc.update(buf, off, len);
            byte[] want = new byte[16];
            bc.doFinal(want, 0);
            assertArrayEquals(want, JceAes.cmac(key, buf, off, len), "CMAC of " + len + " bytes");

            byte[] nonce = new byte[12];
            rnd.nextBytes(nonce);
            AEADBlockCipher g = GCMBlockCipher.newInstance(AESEngine.newInstance());
            g.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, null));
            g.processAADBytes(buf, off, len);
            byte[] tag = new byte[16];
            try {
                g.doFinal(tag, 0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertArrayEquals(tag, JceAes.gmac(key, nonce, buf, off, len), "GMAC of " + len + " bytes");
            assertArrayEquals(tag, JceAes.gmac(key, nonce, buf, off, len), "the same nonce twice (interim + final)");
        }
    }

    @Test
    void gcmRoundTripsMatchesBouncyCastleAndRejectsATamperedTag() throws Exception {
        Random rnd = new Random(11);
        for (int len : new int[] {0, 1, 16, 100, 65536, 1 << 20}) {
            for (int keyBytes : new int[] {16, 32}) {
                byte[] key = new byte[keyBytes];
                byte[] nonce = new byte[12];
                byte[] aad = new byte[32];
                byte[] plain = new byte[len];
                rnd.nextBytes(key);
                rnd.nextBytes(nonce);
                rnd.nextBytes(aad);
                rnd.nextBytes(plain);
                byte[] tag = new byte[16];
                byte[] ct = JceAes.gcmEncrypt(key, nonce, aad, plain, tag);

                AEADBlockCipher g = GCMBlockCipher.newInstance(AESEngine.newInstance());
                g.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
                byte[] bc = new byte[g.getOutputSize(len)];
                int n = g.processBytes(plain, 0, len, bc, 0);
                g.doFinal(bc, n);
                assertArrayEquals(java.util.Arrays.copyOf(bc, len), ct, "ciphertext of " + len);
                assertArrayEquals(java.util.Arrays.copyOfRange(bc, len, len + 16), tag, "tag of " + len);

                assertArrayEquals(plain, JceAes.gcmDecrypt(key, nonce, aad, ct, tag));
                tag[3] ^= 1;
                assertNull(JceAes.gcmDecrypt(key, nonce, aad, ct, tag), "a tampered tag must not verify");
            }
        }
    }
}
