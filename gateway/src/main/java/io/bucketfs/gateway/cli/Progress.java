package io.bucketfs.gateway.cli;

import io.bucketfs.gateway.Sizes;
import java.io.PrintWriter;

/**
 * A progress display for long CLI commands: on a terminal one line redrawn in place (a bar, bytes, rate, ETA);
 * otherwise (a pipe, a log: {@code System.console() == null}) a plain line at most every
 * {@value #PLAIN_INTERVAL_MILLIS} ms, so logs stay readable.
 */
final class Progress {

    /** How often a plain (non-terminal) progress line is printed at most. */
    static final long PLAIN_INTERVAL_MILLIS = 2000;
    static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private long lastPlain = Long.MIN_VALUE;
    private int lastWidth;

    Progress(PrintWriter out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** Shows {@code done} of {@code total} bytes after {@code millis}; {@code total} 0: not known yet. */
    void update(long done, long total, long millis) {
        String line = line(label, done, total, millis, terminal);
        if (terminal) {
            String pad = " ".repeat(Math.max(0, lastWidth - line.length()));
            out.print("\r" + line + pad);
            lastWidth = line.length();
            out.flush();
        } else if (lastPlain == Long.MIN_VALUE || millis - lastPlain >= PLAIN_INTERVAL_MILLIS) {
            out.println(line);
            out.flush();
            lastPlain = millis;
        }
    }

    /** Ends the display: the terminal line is kept and the cursor moves to the next line. */
    void finish() {
        if (terminal && lastWidth > 0) {
            out.println();
            out.flush();
        }
    }

    /** The text of one report, e.g. {@code preload [######------] 48% 12.0 MiB of 25.0 MiB, 3.1 MiB/s, ETA 4 s}. */
    static String line(String label, long done, long total, long millis, boolean bar) {
        StringBuilder b = new StringBuilder(label).append(' ');
        double frac = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        if (bar) {
            int filled = (int) Math.round(frac * BAR_WIDTH);
            b.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        }
        b.append((int) Math.floor(frac * 100)).append("% ");
        b.append(Sizes.format(done)).append(" of ").append(Sizes.format(total));
        long rate = millis <= 0 ? 0 : done * 1000 / millis;
        b.append(", ").append(Sizes.format(rate)).append("/s");
        if (rate > 0 && total > done) {
            b.append(", ETA ").append(duration((total - done) / rate));
        } else if (total > 0 && done >= total) {
            b.append(", done");
        }
        return b.toString();
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format("%d:%02d", seconds / 60, seconds % 60);
        }
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
