package io.bucketfs.smb.mssmb2;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CMAC (RFC 4493), AES-GMAC (RFC 4543) and AES-GCM on the JDK's own provider, whose AES and GHASH run on the
 * CPU's AES-NI/CLMUL instructions: several times the throughput of a pure-Java AES on every signed or encrypted
 * READ and WRITE. CCM, which the JDK lacks, stays on Bouncy Castle ({@link Smb2Crypto}). Ciphers are kept per
 * thread and initialised for each message; thread-safe.
 */
final class JceAes {
    private static final int BLOCK = 16;
    /** CBC-MAC input is fed in slices of this size, so no message-sized output buffer is ever allocated */
    private static final int SLICE = 64 << 10;
    private static final byte[] ZERO_IV = new byte[BLOCK];

    private static final ThreadLocal<Cipher> ECB = ThreadLocal.withInitial(() -> cipher("AES/ECB/NoPadding"));
    private static final ThreadLocal<Cipher> CBC = ThreadLocal.withInitial(() -> cipher("AES/CBC/NoPadding"));
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> cipher("AES/GCM/NoPadding"));
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SLICE]);

    private JceAes() {
    }

    private static Cipher cipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(transformation + " unavailable", e);
        }
    }

    /** The 16-byte AES-CMAC of {@code msg[off, off+len)} (RFC 4493). */
    static byte[] cmac(byte[] key, byte[] msg, int off, int len) {
        try {
            SecretKeySpec k = new SecretKeySpec(key, "AES");
            Cipher ecb = ECB.get();
            ecb.init(Cipher.ENCRYPT_MODE, k);
            byte[] k1 = doubled(ecb.doFinal(new byte[BLOCK]));
            byte[] k2 = doubled(k1);
            int blocks = Math.max(1, (len + BLOCK - 1) / BLOCK);
            boolean complete = len > 0 && len % BLOCK == 0;
            int head = (blocks - 1) * BLOCK; // the blocks before the last go through plain CBC-MAC
            Cipher cbc = CBC.get();
            cbc.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(ZERO_IV));
            byte[] scratch = SCRATCH.get();
            for (int done = 0; done < head; ) {
                int n = Math.min(SLICE, head - done);
                cbc.update(msg, off + done, n, scratch, 0);
                done += n;
            }
            byte[] last = new byte[BLOCK];
            int tail = len - head;
            System.arraycopy(msg, off + head, last, 0, tail);
            byte[] sub = complete ? k1 : k2;
            if (!complete) {
                last[tail] = (byte) 0x80;
            }
            for (int i = 0; i < BLOCK; i++) {
                last[i] ^= sub[i];
            }
            // the chaining value of the CBC state is the MAC of the head: one more block gives the tag
            return cbc.doFinal(last);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CMAC", e);
        }
    }

    /** RFC 4493 2.3: a block shifted left by one bit, with the 0x87 reduction when the top bit fell off. */
    private static byte[] doubled(byte[] b) {
        byte[] d = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            d[i] = (byte) ((b[i] << 1) | (i + 1 < BLOCK ? (b[i + 1] & 0xFF) >>> 7 : 0));
        }
        if ((b[0] & 0x80) != 0) {
            d[BLOCK - 1] ^= (byte) 0x87;
        }
        return d;
    }

    /**
     * The 16-byte AES-GMAC tag: GCM with the message as additional data and nothing to encrypt. A fresh cipher
     * each time: an interim and a final response share their MessageId, hence the nonce, and the JDK refuses to
     * initialise one GCM cipher twice in a row with the same key and nonce.
     */
    static byte[] gmac(byte[] key, byte[] nonce12, byte[] msg, int off, int len) {
        try {
            Cipher gcm = cipher("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce12));
            gcm.updateAAD(msg, off, len);
            return gcm.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GMAC", e);
        }
    }

    /**
     * AES-GCM: the ciphertext (same length as {@code plain}) and the 16-byte tag written to {@code tag}. The nonce
     * must be new for the key ([MS-SMB2] 3.1.4.3: a per-session counter), as GCM requires.
     */
    static byte[] gcmEncrypt(byte[] key, byte[] nonce12, byte[] aad, byte[] plain, byte[] tag) {
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce12));
            gcm.updateAAD(aad);
            byte[] out = new byte[plain.length];
            int n = gcm.update(plain, 0, plain.length, out, 0);
            byte[] rest = gcm.doFinal(); // what GCM held back (nothing when encrypting) and the tag
            System.arraycopy(rest, 0, out, n, rest.length - BLOCK);
            System.arraycopy(rest, rest.length - BLOCK, tag, 0, BLOCK);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM", e);
        }
    }

    /** AES-GCM decryption and authentication; null when the tag does not verify. */
    static byte[] gcmDecrypt(byte[] key, byte[] nonce12, byte[] aad, byte[] cipherText, byte[] tag) {
        try {
            Cipher gcm = GCM.get();
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce12));
            gcm.updateAAD(aad);
            byte[] out = new byte[cipherText.length];
            int n = gcm.update(cipherText, 0, cipherText.length, out, 0);
            n += gcm.doFinal(tag, 0, BLOCK, out, n);
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM", e);
        }
    }
}
