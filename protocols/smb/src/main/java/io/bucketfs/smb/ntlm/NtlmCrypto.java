package io.bucketfs.smb.ntlm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/** [MS-NLMP] 3.3.2 NTLMv2 functions (the JDK has neither MD4 nor RC4: Bouncy Castle's lightweight API). */
public final class NtlmCrypto {
    private NtlmCrypto() {
    }

    /** NTOWFv1: MD4 of the UTF-16LE password. */
    public static byte[] ntHash(char[] password) {
        byte[] pw = new String(password).getBytes(StandardCharsets.UTF_16LE);
        MD4Digest md4 = new MD4Digest();
        md4.update(pw, 0, pw.length);
        byte[] out = new byte[16];
        md4.doFinal(out, 0);
        java.util.Arrays.fill(pw, (byte) 0);
        return out;
    }

    /** NTOWFv2 from the NT hash: HMAC_MD5(hash, UNICODE(Uppercase(user) + domain)). */
    public static byte[] ntowfv2(byte[] ntHash, String user, String domain) {
        return hmacMd5(ntHash, (user.toUpperCase(Locale.ROOT) + domain).getBytes(StandardCharsets.UTF_16LE));
    }

    public static byte[] hmacMd5(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 unavailable", e);
        }
    }

    public static byte[] rc4(byte[] key, byte[] data) {
        RC4Engine rc4 = new RC4Engine();
        rc4.init(true, new KeyParameter(key));
        byte[] out = new byte[data.length];
        rc4.processBytes(data, 0, data.length, out, 0);
        return out;
    }
}
