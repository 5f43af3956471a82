package io.bucketfs.backends.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Maps object keys to paths below the store's {@code objects/} directory and back, so that every key — including
 * {@code a} next to {@code a/b}, {@code a/} (a directory marker), {@code a//b}, {@code ..}, unicode — has a path
 * of its own and no two keys share one.
 *
 * <p>A key is split at {@code /}. Every segment but the last becomes a directory named {@code d<enc(segment)>};
 * the last becomes a file named {@code o<enc(segment)>}, so a directory and an object never collide. {@code enc}
 * keeps {@code [A-Za-z0-9._-]} and writes every other UTF-8 byte as {@code %XX}: names stay ASCII (safe under any
 * JVM file-name encoding) and {@code .}/{@code ..} never appear as a whole name because of the prefix letter.
 *
 * <p>Limit: one encoded segment must fit in a file name ({@value #MAX_NAME_BYTES} bytes); a longer segment is
 * refused with {@link IllegalArgumentException}.
 */
final class KeyPaths {

    static final int MAX_NAME_BYTES = 255;
    static final char DIR = 'd';
    static final char OBJ = 'o';

    private KeyPaths() {
    }

    /** The object file of {@code key} below {@code objectsRoot}. */
    static Path objectPath(Path objectsRoot, String key) {
        String[] segs = key.split("/", -1);
        Path p = objectsRoot;
        for (int i = 0; i < segs.length - 1; i++) {
            p = p.resolve(name(DIR, segs[i]));
        }
        return p.resolve(name(OBJ, segs[segs.length - 1]));
    }

    /** The directory holding every key that starts with {@code dirPrefix} (which is empty or ends with '/'). */
    static Path dirPath(Path objectsRoot, String dirPrefix) {
        Path p = objectsRoot;
        if (dirPrefix.isEmpty()) {
            return p;
        }
        String[] segs = dirPrefix.substring(0, dirPrefix.length() - 1).split("/", -1);
        for (String s : segs) {
            p = p.resolve(name(DIR, s));
        }
        return p;
    }

    static String name(char kind, String segment) {
        String n = kind + encode(segment);
        if (n.length() > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("key segment '" + segment.substring(0, 32)
                    + "…' is too long for the local store (" + n.length() + " encoded bytes, limit " + MAX_NAME_BYTES + ")");
        }
        return n;
    }

    static String encode(String segment) {
        byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(utf8.length + 8);
        for (byte b : utf8) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** Decodes a name's segment (without the kind letter), or returns null if it is not one we wrote. */
    static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return null;
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                return null;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
