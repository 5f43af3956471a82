package io.bucketfs.smb.mssmb2;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The cryptographic primitives of [MS-SMB2] 3.1.4: the SP800-108 counter-mode KDF with HMAC-SHA256
 * (3.1.4.2), message signatures (3.1.4.1: HMAC-SHA256 for 2.x, AES-CMAC for 3.x, or on 3.1.1 the algorithm of
 * the SIGNING_CAPABILITIES context, AES-GMAC included) and the AEAD ciphers of the transform header (3.1.4.3:
 * AES-CCM, AES-GCM, 128 or 256 bits). Stateless; thread-safe.
 */
public final class Smb2Crypto {
    public static final int CIPHER_AES_128_CCM = 0x0001;
    public static final int CIPHER_AES_128_GCM = 0x0002;
    public static final int CIPHER_AES_256_CCM = 0x0003;
    public static final int CIPHER_AES_256_GCM = 0x0004;
    public static final int SIGNING_HMAC_SHA256 = 0x0000;
    public static final int SIGNING_AES_CMAC = 0x0001;
    public static final int SIGNING_AES_GMAC = 0x0002;

    private Smb2Crypto() {
    }

    /** A KDF label or context given as ASCII with its terminating NUL, as the spec writes them. */
    public static byte[] label(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** SP800-108 KDF in counter mode, PRF HMAC-SHA256, r=32, one or two iterations for L = 128 or 256. */
    public static byte[] kdf(byte[] key, byte[] label, byte[] context, int bits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] out = new byte[bits / 8];
            int done = 0;
            for (int i = 1; done < out.length; i++) {
                mac.update(new byte[] {0, 0, 0, (byte) i});
                mac.update(label);
                mac.update((byte) 0);
                mac.update(context);
                mac.update(new byte[] {0, 0, (byte) (bits >>> 8), (byte) bits});
                byte[] block = mac.doFinal();
                int n = Math.min(block.length, out.length - done);
                System.arraycopy(block, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * The 16-byte signature of one message (its signature field must already be zero), over
     * {@code msg[off, off+len)} with a {@code SIGNING_*} algorithm. AES-GMAC's nonce comes from the message's
     * own header: its MessageId, whether it is a response, whether it is a CANCEL request.
     */
    public static byte[] sign(int algorithm, byte[] key, byte[] msg, int off, int len) {
        switch (algorithm) {
            case SIGNING_AES_CMAC -> {
                return JceAes.cmac(key, msg, off, len);
            }
            case SIGNING_AES_GMAC -> {
                return gmac(key, msg, off, len);
            }
            default -> {
                try {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(key, "HmacSHA256"));
                    mac.update(msg, off, len);
                    return Arrays.copyOf(mac.doFinal(), 16);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 unavailable", e);
                }
            }
        }
    }

    /** AES-128-GMAC (RFC 4543: GCM over an empty plaintext, the message as AAD) with the 3.1.4.1 nonce. */
    private static byte[] gmac(byte[] key, byte[] msg, int off, int len) {
        byte[] nonce = new byte[12];
        System.arraycopy(msg, off + 24, nonce, 0, 8); // MessageId, little-endian as on the wire
        boolean response = (msg[off + 16] & Smb2Header.FLAGS_SERVER_TO_REDIR) != 0;
        int command = (msg[off + 12] & 0xFF) | (msg[off + 13] & 0xFF) << 8;
        nonce[8] = (byte) ((response ? 1 : 0) | (!response && command == Smb2Command.CANCEL ? 2 : 0));
        return JceAes.gmac(key, nonce, msg, off, len);
    }

    public static boolean isGcm(int cipher) {
        return cipher == CIPHER_AES_128_GCM || cipher == CIPHER_AES_256_GCM;
    }

    public static int keyBits(int cipher) {
        return cipher == CIPHER_AES_256_CCM || cipher == CIPHER_AES_256_GCM ? 256 : 128;
    }

    /** Nonce bytes used by a cipher: 12 for GCM, 11 for CCM (the rest of the 16-byte field is zero). */
    public static int nonceLength(int cipher) {
        return isGcm(cipher) ? 12 : 11;
    }

    /** CCM on Bouncy Castle (the JDK has none); GCM goes to {@link JceAes}. */
    private static AEADBlockCipher ccm() {
        return CCMBlockCipher.newInstance(AESEngine.newInstance());
    }

    /** Encrypts in place semantics: returns ciphertext (same length) and writes the 16-byte tag to {@code tag}. */
    public static byte[] encrypt(int cipher, byte[] key, byte[] nonce, byte[] aad, byte[] plain, byte[] tag) {
        if (isGcm(cipher)) {
            return JceAes.gcmEncrypt(key, Arrays.copyOf(nonce, 12), aad, plain, tag);
        }
        AEADBlockCipher c = ccm();
        c.init(true, new AEADParameters(new KeyParameter(key), 128,
                Arrays.copyOf(nonce, nonceLength(cipher)), aad));
        byte[] out = new byte[c.getOutputSize(plain.length)];
        int n = c.processBytes(plain, 0, plain.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(out, plain.length, tag, 0, 16);
        return Arrays.copyOf(out, plain.length);
    }

    /** Decrypts and authenticates; null when the tag does not verify. */
    public static byte[] decrypt(int cipher, byte[] key, byte[] nonce, byte[] aad, byte[] cipherText, byte[] tag) {
        if (isGcm(cipher)) {
            return JceAes.gcmDecrypt(key, Arrays.copyOf(nonce, 12), aad, cipherText, tag);
        }
        AEADBlockCipher c = ccm();
        c.init(false, new AEADParameters(new KeyParameter(key), 128,
                Arrays.copyOf(nonce, nonceLength(cipher)), aad));
        byte[] in = Arrays.copyOf(cipherText, cipherText.length + 16);
        System.arraycopy(tag, 0, in, cipherText.length, 16);
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            return null;
        }
        return out;
    }

    public static byte[] sha512(byte[] a, byte[] b, int off, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-512");
            d.update(a);
            d.update(b, off, len);
            return d.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 unavailable", e);
        }
    }
}
