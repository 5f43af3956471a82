package io.bucketfs.backends;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/** Rules for object keys shared by every backend, and the order listings use. */
public final class ObjectKeys {

    /** S3's limit on a key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    /**
     * Keys ordered as S3 lists them: by their UTF-8 bytes, unsigned. (Java's {@code String.compareTo} orders by
     * UTF-16 units, which differs for characters above U+FFFF against U+E000..U+FFFF.)
     */
    public static final Comparator<String> UTF8_ORDER = ObjectKeys::compareUtf8;

    private ObjectKeys() {
    }

    /** Throws {@link IllegalArgumentException} if {@code key} is empty, too long or not well-formed Unicode. */
    public static void validate(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        int bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(key)).remaining();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("object key is not well-formed Unicode: " + e.getMessage());
        }
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("object key is " + bytes + " UTF-8 bytes; the limit is " + MAX_KEY_BYTES);
        }
        if (key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("object key must not contain NUL");
        }
    }

    /** Compares by code point, which is the same order as comparing the UTF-8 encodings byte by byte. */
    public static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
