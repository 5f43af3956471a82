package io.bucketfs.backends.azure;

/**
 * Maps object keys to blob names and back. Azure turns a {@code \} in a blob name into {@code /}, which would
 * silently alias {@code a\b} with {@code a/b}; so a key's {@code \} is stored as {@value #FULLWIDTH_BACKSLASH}
 * (U+FF3C, FULLWIDTH REVERSE SOLIDUS, as rclone does), a literal U+FF3C as {@value #QUOTE}U+FF3C and a literal
 * {@value #QUOTE} (U+201B) as two. Keys without these three characters — nearly all — are stored as they are, so
 * the bucket stays readable by any tool.
 *
 * <p>Decoding reads {@value #QUOTE} as "the next character is literal" and an unquoted U+FF3C as {@code \}: the
 * mapping is one-to-one.
 */
final class AzureNames {

    static final char FULLWIDTH_BACKSLASH = '\uFF3C';
    static final char QUOTE = '\u201B';

    private AzureNames() {
    }

    /** The blob name of {@code key} (also used for prefixes and delimiters). */
    static String toBlob(String key) {
        if (key == null || !needsEncoding(key)) {
            return key;
        }
        StringBuilder b = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                b.append(FULLWIDTH_BACKSLASH);
            } else if (c == FULLWIDTH_BACKSLASH || c == QUOTE) {
                b.append(QUOTE).append(c);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The key of blob {@code name}. */
    static String toKey(String name) {
        if (name == null || (name.indexOf(FULLWIDTH_BACKSLASH) < 0 && name.indexOf(QUOTE) < 0)) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == QUOTE && i + 1 < name.length()) {
                b.append(name.charAt(++i));
            } else if (c == FULLWIDTH_BACKSLASH) {
                b.append('\\');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean needsEncoding(String key) {
        return key.indexOf('\\') >= 0 || key.indexOf(FULLWIDTH_BACKSLASH) >= 0 || key.indexOf(QUOTE) >= 0;
    }
}
