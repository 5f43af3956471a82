package io.bucketfs.smb.msfscc;

import java.util.Locale;

/**
 * 8.3 short names for FileAlternateNameInformation ([MS-FSCC] 2.1.5.2.1, 2.4.5). Nothing stores them: a name
 * that is already a valid 8.3 name is its own short name (upper-cased); any other gets a derived one, a prefix of
 * its legal characters, '~' and two characters of a hash of the long name, plus the first three legal
 * characters of its extension. Derived names are stable but not guaranteed unique in a directory.
 */
public final class ShortNames {
    private static final String LEGAL_PUNCTUATION = "!#$%&'()-@^_`{}~";
    private static final String HASH_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private ShortNames() {
    }

    public static String of(String name) {
        if (isShort(name)) {
            return name.toUpperCase(Locale.ROOT);
        }
        int dot = name.lastIndexOf('.');
        String base = legal(dot > 0 ? name.substring(0, dot) : name, 5);
        String ext = dot > 0 ? legal(name.substring(dot + 1), 3) : "";
        int h = name.hashCode() & 0x7fffffff;
        String hash = "" + HASH_CHARS.charAt(h % 36) + HASH_CHARS.charAt((h / 36) % 36);
        return (base.isEmpty() ? "_" : base) + "~" + hash + (ext.isEmpty() ? "" : "." + ext);
    }

    /** Whether {@code name} is a valid 8.3 name: a base of 1..8 and an extension of 0..3 legal characters. */
    public static boolean isShort(String name) {
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || (dot >= 0 && ext.isEmpty())) {
            return false;
        }
        return legal(base, 8).length() == base.length() && legal(ext, 3).length() == ext.length();
    }

    /** Up to {@code max} of the legal 8.3 characters of {@code s}, upper-cased. */
    private static String legal(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char ch = s.charAt(i);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || LEGAL_PUNCTUATION.indexOf(ch) >= 0) {
                b.append(Character.toUpperCase(ch));
            }
        }
        return b.toString();
    }
}
