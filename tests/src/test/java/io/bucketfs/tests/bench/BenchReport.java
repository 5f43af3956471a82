package io.bucketfs.tests.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * What a benchmark of servers ({@link NfsBench}, {@link SmbBench}, {@link S3Bench}) prints and keeps: its log lines,
 * printed as they come, its results, and at the end a markdown report — a title, a paragraph about the run, the
 * table, the log lines with the single runs — printed and written to a file ({@code tests/bench/all} reads its
 * table). Also the parsing of the properties they share.
 */
final class BenchReport {

    private final PrintStream out;
    private final List<String> lines = new ArrayList<>();
    private final List<VfsBench.Result> results = new ArrayList<>();

    BenchReport(PrintStream out) {
        this.out = out;
    }

    /** Prints {@code line} at once and keeps it for the report. */
    void emit(String line) {
        lines.add(line);
        out.println(line);
        out.flush();
    }

    /** Keeps {@code r} for the table and emits its line. */
    void record(VfsBench.Result r) {
        results.add(r);
        emit(r.line());
    }

    /** The load average the first line told ("load average X Y Z, ..."), or "?". */
    String loadAtStart() {
        return lines.isEmpty() ? "?" : lines.get(0).replaceAll(".*load average ([^,]*),.*", "$1");
    }

    /**
     * Ends the run started at {@code startedNanos}: emits "{@code who} done in N s", then prints the report and writes
     * it to {@code file} (unless null). {@code about} gives the paragraph under the title from the seconds the run
     * took; {@code header} is the table's header and separator rows; {@code row} makes one row of a result.
     *
     * @return every line emitted
     */
    List<String> finish(String who, long startedNanos, String title, LongFunction<String> about, String header,
                        Function<VfsBench.Result, String> row, Path file) throws IOException {
        long seconds = (System.nanoTime() - startedNanos) / 1_000_000_000L;
        emit(who + " done in " + seconds + " s");
        StringBuilder b = new StringBuilder("# ").append(title).append("\n\n").append(about.apply(seconds))
                .append("\n\n").append(header);
        for (VfsBench.Result r : results) {
            b.append(row.apply(r)).append('\n');
        }
        b.append("\n```\n");
        for (String l : lines) {
            b.append(l).append('\n');
        }
        b.append("```\n");
        out.println();
        out.print(b);
        if (file != null) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
            out.println("results written to " + file);
        }
        return List.copyOf(lines);
    }

    /** The names of a comma-separated list, trimmed, blanks dropped, in their order. */
    static Set<String> names(String csv) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : csv.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }

    /** The words of a space-separated list (e.g. JVM options). */
    static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /** SLF4J simple's default level "warn", unless told otherwise: a benchmark prints its own lines. */
    static void quietLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }
}
