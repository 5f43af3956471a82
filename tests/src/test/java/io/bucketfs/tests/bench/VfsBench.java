package io.bucketfs.tests.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The VFS benchmarks, each printed as a ratio against a peer measured in the same run (see README, "Benchmarks"):
 * <ol>
 *   <li>{@code warm-read}: {@code Vfs.read} of a file whose chunks are all cached vs positional {@code FileChannel}
 *       reads of a file of the same size on the cache disk, same buffer, page cache warm for both;</li>
 *   <li>{@code cold-read}: a sequential {@code Vfs.read} of an object through a fresh runtime with an empty cache vs
 *       16 threads doing ranged GETs of the same object, both from one in-process S3Proxy;</li>
 *   <li>{@code small-files}: create + write + commit of many small files through the VFS with local durability vs
 *       create + write + {@code force} of as many plain files on the same disk.</li>
 * </ol>
 * Every measurement is warmed up once, then timed {@link Config#runs()} times (VFS and peer alternating); the
 * medians are printed. Run it with {@code tests/bench/run}; sizes come from system properties (see
 * {@link Config#fromSystemProperties()}). Not a test: {@code VfsBenchSmokeTest} runs it with tiny sizes.
 */
public final class VfsBench {

    /**
     * What to measure, and where.
     *
     * @param workDir  scratch directory (buckets, caches, peer files); emptied and removed at the end
     * @param results  file the result lines are written to (null: not written)
     * @param warmMiB  size of the warm-read file
     * @param coldMiB  size of the cold-read object
     * @param files    number of small files
     * @param fileKiB  size of each small file
     * @param readKiB  size of each read call (the buffer both sides read into)
     * @param runs     timed runs per measurement (the median is reported)
     * @param only     the measurements to run by name ({@code warm-read}, {@code cold-read}, {@code small-files});
     *                 empty: all
     */
    public record Config(Path workDir, Path results, int warmMiB, int coldMiB, int files, int fileKiB, int readKiB,
                         int runs, Set<String> only) {
        public Config {
            if (warmMiB < 1 || coldMiB < 1 || files < 1 || fileKiB < 1 || readKiB < 1 || runs < 1) {
                throw new IllegalArgumentException("every size and count must be >= 1: " + this);
            }
            only = Set.copyOf(only);
        }

        boolean wants(String name) {
            return only.isEmpty() || only.contains(name);
        }

        /**
         * From {@code -Dbucketfs.bench.*}: {@code dir} (default {@code target/bench-work}), {@code results}
         * ({@code target/bench-results.txt}), {@code warmMiB} (256), {@code coldMiB} (1024), {@code files}
         * (10000), {@code fileKiB} (4), {@code readKiB} (1024), {@code runs} (3), {@code only} (comma-separated
         * measurement names; default all).
         */
        public static Config fromSystemProperties() {
            Set<String> only = new LinkedHashSet<>();
            for (String name : prop("only", "").split(",")) {
                if (!name.isBlank()) {
                    only.add(name.trim());
                }
            }
            return new Config(Path.of(prop("dir", "target/bench-work")).toAbsolutePath(),
                    Path.of(prop("results", "target/bench-results.txt")).toAbsolutePath(),
                    intProp("warmMiB", 256), intProp("coldMiB", 1024), intProp("files", 10_000),
                    intProp("fileKiB", 4), intProp("readKiB", 1024), intProp("runs", 3), only);
        }

        private static String prop(String name, String dflt) {
            return System.getProperty("bucketfs.bench." + name, dflt);
        }

        private static int intProp(String name, int dflt) {
            return Integer.parseInt(prop(name, Integer.toString(dflt)).trim());
        }
    }

    /** One measurement: both sides' medians, their unit and what was compared. */
    public record Result(String name, String vfsLabel, double vfs, String peerLabel, double peer, String unit,
                         String detail) {
        /** {@code vfs / peer}: above 1 the VFS is faster. */
        public double ratio() {
            return peer == 0 ? Double.NaN : vfs / peer;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-12s %s %9.1f %s   %s %9.1f %s   ratio %.2f   (%s)", name, vfsLabel,
                    vfs, unit, peerLabel, peer, unit, ratio(), detail);
        }
    }

    private final Config config;
    private final PrintStream out;
    private final List<String> lines = new ArrayList<>();

    public VfsBench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        quietLogsUnlessTold();
        Config c = Config.fromSystemProperties();
        new VfsBench(c, System.out).runAll();
    }

    /** Runs the three measurements, prints and returns every line (also written to {@link Config#results()}). */
    public List<String> runAll() throws Exception {
        Files.createDirectories(config.workDir());
        try {
            emit(String.format(Locale.ROOT, "bucketfs VfsBench: %d cores, java %s, -Xmx %d MiB, %d timed runs per "
                    + "measurement after one warm-up, medians; ratio = vfs / peer", Runtime.getRuntime()
                    .availableProcessors(), System.getProperty("java.version"),
                    Runtime.getRuntime().maxMemory() >> 20, config.runs()));
            BenchCases cases = new BenchCases(config, this::emit);
            measure("warm-read", cases::warmRead);
            measure("cold-read", cases::coldRead);
            measure("small-files", cases::smallFiles);
        } finally {
            deleteRecursively(config.workDir());
        }
        if (config.results() != null) {
            Files.createDirectories(config.results().toAbsolutePath().getParent());
            Files.write(config.results(), lines, StandardCharsets.UTF_8);
            out.println("results written to " + config.results());
        }
        return List.copyOf(lines);
    }

    /** A measurement that returns its result. */
    @FunctionalInterface
    interface Case {
        Result run() throws Exception;
    }

    private void measure(String name, Case c) throws Exception {
        if (!config.wants(name)) {
            return;
        }
        System.gc();
        resetHeapPeaks();
        Result r = c.run();
        emit(r.line());
        emit(String.format(Locale.ROOT, "%-12s heap used %d MiB now, peak %d MiB during the measurement "
                + "(sum of heap pool peaks), max %d MiB", r.name(), heapUsedMiB(), heapPeakMiB(),
                Runtime.getRuntime().maxMemory() >> 20));
    }

    void emit(String line) {
        lines.add(line);
        out.println(line);
        out.flush();
    }

    // ------------------------------------------------------------------ helpers shared with BenchCases

    /** The median of {@code values} (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String formatRuns(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return b.toString();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void quietLogsUnlessTold() {
        String[][] levels = {
            {"org.slf4j.simpleLogger.defaultLogLevel", "warn"},
            {"org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn"},
            {"org.slf4j.simpleLogger.log.org.gaul", "warn"},
            {"org.slf4j.simpleLogger.log.org.jclouds", "warn"},
        };
        for (String[] l : levels) {
            if (System.getProperty(l[0]) == null) {
                System.setProperty(l[0], l[1]);
            }
        }
    }

    private static void resetHeapPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long heapPeakMiB() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }

    private static long heapUsedMiB() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
