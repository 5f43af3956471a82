package io.bucketfs.vfs.core;

import io.bucketfs.vfs.FileType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSIX and DOS attributes as object user metadata, in the conventions other tools already use so that a bucket
 * written by s3fs or rclone shows its owners, modes and times through bucketfs and the other way round:
 *
 * <pre>
 *   mode   decimal st_mode including the type bits (s3fs)           "33188" = 0100644
 *   uid    decimal                                                   "1000"
 *   gid    decimal                                                   "1000"
 *   mtime  seconds since the epoch with up to 9 decimals (rclone)   "1700000000.123456789"
 *   atime, ctime, btime   the same form
 *   dos    SMB attribute bits, hexadecimal                           "21"
 * </pre>
 * A symlink is an object whose body is the target and whose mode has the S_IFLNK bits (as s3fs writes them).
 * Missing or malformed values fall back to the mount's defaults: foreign objects appear with the configured owner
 * and mode and the object's Last-Modified as their times.
 */
public final class ObjectAttributes {

    static final String MODE = "mode";
    static final String UID = "uid";
    static final String GID = "gid";
    static final String MTIME = "mtime";
    static final String ATIME = "atime";
    static final String CTIME = "ctime";
    static final String BTIME = "btime";
    static final String DOS = "dos";

    /** What an object says about itself, each field {@code null} when absent or malformed. */
    public record Decoded(FileType type, Integer mode, Integer uid, Integer gid, Instant mtime, Instant atime,
                          Instant ctime, Instant btime, Integer dos) {
    }

    private ObjectAttributes() {
    }

    /** The metadata for a file with these attributes. */
    public static Map<String, String> encode(FileType type, int mode, int uid, int gid, Instant mtime, Instant atime,
                                             Instant ctime, Instant btime, int dos) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MODE, Integer.toString(type.modeBits() | (mode & 07777)));
        m.put(UID, Integer.toUnsignedString(uid));
        m.put(GID, Integer.toUnsignedString(gid));
        m.put(MTIME, time(mtime));
        m.put(ATIME, time(atime));
        m.put(CTIME, time(ctime));
        m.put(BTIME, time(btime));
        if (dos != 0) {
            m.put(DOS, Integer.toHexString(dos));
        }
        return m;
    }

    /** Reads what it can; never throws on foreign or damaged metadata. */
    public static Decoded decode(Map<String, String> meta) {
        Integer fullMode = parseInt(meta.get(MODE), 10);
        FileType type = fullMode == null ? null : FileType.ofMode(fullMode);
        Integer mode = fullMode == null ? null : fullMode & 07777;
        return new Decoded(type, mode, parseInt(meta.get(UID), 10), parseInt(meta.get(GID), 10),
                parseTime(meta.get(MTIME)), parseTime(meta.get(ATIME)), parseTime(meta.get(CTIME)),
                parseTime(meta.get(BTIME)), parseInt(meta.get(DOS), 16));
    }

    static String time(Instant t) {
        long s = t.getEpochSecond();
        int n = t.getNano();
        if (n == 0) {
            return Long.toString(s);
        }
        String frac = String.format("%09d", n);
        int end = frac.length();
        while (frac.charAt(end - 1) == '0') {
            end--;
        }
        return s + "." + frac.substring(0, end);
    }

    static Instant parseTime(String v) {
        if (v == null || v.isEmpty() || v.length() > 40) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.trim());
            long secs = d.longValue();
            int nanos = d.subtract(BigDecimal.valueOf(secs)).movePointRight(9).intValue();
            if (nanos < 0) {
                secs -= 1;
                nanos += 1_000_000_000;
            }
            return Instant.ofEpochSecond(secs, nanos);
        } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
            return null;
        }
    }

    private static Integer parseInt(String v, int radix) {
        if (v == null || v.isEmpty() || v.length() > 12) {
            return null;
        }
        try {
            return (int) Long.parseLong(v.trim(), radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
