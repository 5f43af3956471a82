package io.bucketfs.gateway;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as users write them: {@code 500GB}, {@code 2TiB}, {@code 512M}, {@code 1048576}. Decimal units (KB, MB,
 * GB, TB) are powers of 1000, binary ones (KiB … TiB, and the bare K/M/G/T) powers of 1024.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTP]?)(I?B?)");

    private Sizes() {
    }

    /** Parses a size; {@link IllegalArgumentException} with a message meant for one line after the field name. */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a size is required, e.g. 500GB or 2TiB");
        }
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 500GB, 2TiB, 512MiB)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        boolean decimal = m.group(3).equals("B") && !unit.isEmpty();
        int power = unit.isEmpty() ? 0 : "KMGTP".indexOf(unit) + 1;
        double bytes = n * Math.pow(decimal ? 1000 : 1024, power);
        if (bytes > Long.MAX_VALUE || bytes < 0) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return (long) bytes;
    }

    /** A short human form: {@code 10.0 GiB}. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
