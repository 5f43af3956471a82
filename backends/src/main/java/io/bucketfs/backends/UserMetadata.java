package io.bucketfs.backends;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Rules for user metadata, the same on every backend so that what one store accepts all do.
 *
 * <ul>
 *   <li>Keys: 1..{@value #MAX_KEY_LENGTH} characters of {@code [a-z0-9-]}, starting with a letter. S3 sends them
 *       as {@code x-amz-meta-<key>}; Azure metadata names cannot hold {@code -}, so the Azure store writes
 *       {@code _} for it (and reads {@code _} back as {@code -}).</li>
 *   <li>Values: printable US-ASCII (0x20..0x7E), no leading or trailing space (HTTP would trim them). Callers
 *       encode anything else (the VFS percent-encodes names and numbers are ASCII already).</li>
 *   <li>At most {@value #MAX_TOTAL_BYTES} bytes of keys plus values in all (S3's limit is 2 KiB).</li>
 * </ul>
 */
public final class UserMetadata {

    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_TOTAL_BYTES = 2048;

    private UserMetadata() {
    }

    /** Throws {@link IllegalArgumentException} naming the offending key if {@code metadata} breaks a rule. */
    public static void validate(Map<String, String> metadata) {
        if (metadata == null) {
            return;
        }
        int total = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k == null || k.isEmpty() || k.length() > MAX_KEY_LENGTH || !isKey(k)) {
                throw new IllegalArgumentException("metadata key '" + k + "' must be 1.." + MAX_KEY_LENGTH
                        + " characters of [a-z0-9-] starting with a letter");
            }
            if (v == null || !isValue(v)) {
                throw new IllegalArgumentException("metadata value of '" + k
                        + "' must be printable US-ASCII without leading or trailing spaces");
            }
            total += k.length() + v.getBytes(StandardCharsets.US_ASCII).length;
        }
        if (total > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("metadata is " + total + " bytes; the limit is " + MAX_TOTAL_BYTES);
        }
    }

    private static boolean isKey(String k) {
        if (k.charAt(0) < 'a' || k.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValue(String v) {
        if (!v.isEmpty() && (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' ')) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
