package io.bucketfs.tests.bench;

import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The NFS benchmarks: bucketfs ({@code bucketfs serve}, local-directory bucket) against nfs-ganesha 4.3 with the
 * VFS FSAL serving the same files from local disk, both on loopback, both started here, measured side by side in
 * one run with the same host-side clients (see README, "Benchmarks"). Both are started by their launchers in
 * {@code tests/servers/} (those of the kernel-client test VM), ganesha with NFSv4.0 allowed for libnfs:
 * <ol>
 *   <li>{@code warm-read}: a file read whole by several parallel {@code nfs-cat} processes (libnfs, NFSv4.0, one
 *       request in flight each), after a warm-up read that also checks its bytes;</li>
 *   <li>{@code creates}, {@code stats}, {@code readdir}, {@code readdir-again}: empty files created (OPEN CREATE +
 *       CLOSE), then each stat'ed (LOOKUP + GETATTR), then the directory listed twice, by several parallel
 *       processes of the project's own libnfs client {@code tests/bench/nfs-meta.c}.</li>
 * </ol>
 * Each measurement is warmed up once, then timed {@link Config#runs()} times, bucketfs and ganesha alternating;
 * medians are printed with the single runs, and the table is written as markdown to {@link Config#results()}.
 * A peer that cannot start fails the run. Run it with {@code tests/bench/nfs}; sizes come from system properties
 * (see {@link Config#fromSystemProperties()}). Not a test: {@code NfsBenchSmokeTest} runs it with tiny sizes.
 */
public final class NfsBench {

    /** The measurement names, in the order they run. */
    static final List<String> NAMES = List.of("warm-read", "creates", "stats", "readdir", "readdir-again");

    /**
     * What to measure, and where.
     *
     * @param workDir    scratch directory (source file, ganesha's export and state, the gateway's data directory);
     *                   emptied first and removed at the end
     * @param results    markdown file the table is written to (null: not written)
     * @param readMiB    size of the warm-read file
     * @param readers    parallel {@code nfs-cat} processes per warm-read run, each reading the whole file
     * @param files      empty files created (then stat'ed) per metadata run, split over {@code clients}
     * @param clients    parallel {@code nfs-meta} processes per metadata phase
     * @param runs       timed runs per measurement after one warm-up (the median is reported)
     * @param only       the measurements to run by name (see {@link #NAMES}); empty: all
     * @param gatewayJar the gateway distribution ({@code gateway/target/bucketfs-gateway.jar})
     * @param metaSource {@code tests/bench/nfs-meta.c}, compiled into the work directory with {@code cc -lnfs}
     * @param gatewayJvm extra JVM options of the gateway process
     * @param repoRoot   the checkout, whose {@code tests/servers/} launchers start the servers
     */
    public record Config(Path workDir, Path results, int readMiB, int readers, int files, int clients, int runs,
                         Set<String> only, Path gatewayJar, Path metaSource, List<String> gatewayJvm,
                         Path repoRoot) {
        public Config {
            if (readMiB < 1 || readers < 1 || files < 1 || clients < 1 || runs < 1) {
                throw new IllegalArgumentException("every size and count must be >= 1: " + this);
            }
            only = Set.copyOf(only);
            for (String n : only) {
                if (!NAMES.contains(n)) {
                    throw new IllegalArgumentException("unknown measurement '" + n + "'; known: " + NAMES);
                }
            }
            gatewayJvm = List.copyOf(gatewayJvm);
        }

        boolean wants(String name) {
            return only.isEmpty() || only.contains(name);
        }

        boolean wantsMetadata() {
            return wants("creates") || wants("stats") || wants("readdir") || wants("readdir-again");
        }

        /** Files per client, rounded up: every client creates as many. */
        int filesPerClient() {
            return (files + clients - 1) / clients;
        }

        /**
         * From {@code -Dbucketfs.bench.nfs.*}: {@code quick} (false; true changes the size defaults to 64 MiB and
         * 400 files), {@code dir} ({@code target/nfs-bench-work}), {@code results}
         * ({@code target/nfs-bench-results.md}), {@code readMiB} (1024), {@code readers} (4), {@code files}
         * (10000), {@code clients} (4), {@code runs} (5), {@code only} (comma-separated names), {@code gatewayJar}
         * ({@code -Dbucketfs.dist}/bucketfs-gateway.jar, else {@code ../gateway/target/...}), {@code metaSource}
         * ({@code bench/nfs-meta.c}), {@code gatewayJvm} (space-separated JVM options of the gateway, none),
         * {@code root} ({@code -Dbucketfs.root}, else {@code ..}).
         */
        public static Config fromSystemProperties() {
            boolean quick = Boolean.parseBoolean(prop("quick", "false"));
            Set<String> only = BenchReport.names(prop("only", ""));
            List<String> jvm = BenchReport.words(prop("gatewayJvm", ""));
            Path dist = Path.of(System.getProperty("bucketfs.dist", "../gateway/target"));
            return new Config(Path.of(prop("dir", "target/nfs-bench-work")).toAbsolutePath(),
                    Path.of(prop("results", "target/nfs-bench-results.md")).toAbsolutePath(),
                    intProp("readMiB", quick ? 64 : 1024), intProp("readers", 4),
                    intProp("files", quick ? 400 : 10000), intProp("clients", 4), intProp("runs", 5), only,
                    Path.of(prop("gatewayJar", dist.resolve("bucketfs-gateway.jar").toString())).toAbsolutePath(),
                    Path.of(prop("metaSource", "bench/nfs-meta.c")).toAbsolutePath(), jvm,
                    Path.of(prop("root", System.getProperty("bucketfs.root", ".."))).toAbsolutePath().normalize());
        }

        private static String prop(String name, String dflt) {
            return System.getProperty("bucketfs.bench.nfs." + name, dflt);
        }

        private static int intProp(String name, int dflt) {
            return Integer.parseInt(prop(name, Integer.toString(dflt)).trim());
        }
    }

    private final Config config;
    private final PrintStream out;
    private final BenchReport report;

    public NfsBench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.report = new BenchReport(out);
    }

    public static void main(String[] args) throws Exception {
        BenchReport.quietLogs();
        new NfsBench(Config.fromSystemProperties(), System.out).runAll();
    }

    /**
     * Starts both servers, runs the measurements, stops the servers; prints and returns every line. The markdown
     * table goes to {@link Config#results()}.
     */
    public List<String> runAll() throws Exception {
        long started = System.nanoTime();
        VfsBench.deleteRecursively(config.workDir());
        Files.createDirectories(config.workDir());
        try (BenchProcesses processes = new BenchProcesses(config.workDir().resolve("pids"))) {
            Path meta = compileMetaClient(processes, config.workDir(), config.metaSource());
            report.emit(String.format(Locale.ROOT, "bucketfs NfsBench: %d cores, load average %s, java %s; bucketfs "
                    + "serve (local-directory bucket) vs nfs-ganesha %s (VFS FSAL, local disk) on 127.0.0.1; %d timed "
                    + "runs per measurement after one warm-up, alternating, medians; ratio = bucketfs / ganesha",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                    ganeshaVersion(processes), config.runs()));
            Path ganeshaDir = config.workDir().resolve("ganesha");
            Path gatewayDir = config.workDir().resolve("bucketfs");
            try (ServerLauncher.Running ganesha = processes.start(ServerLauncher.GANESHA.at(config.repoRoot(),
                    ganeshaDir, ganeshaDir.resolve("export"), ServerLauncher.freePort(),
                    Map.of("GANESHA_MINOR_VERSIONS", "0, 1, 2"))); // libnfs speaks NFSv4.0 only
                 ServerLauncher.Running gateway = processes.start(ServerLauncher.BUCKETFS.at(config.repoRoot(),
                         gatewayDir, gatewayDir.resolve("data"), ServerLauncher.freePort(),
                         Map.of("BUCKETFS_JAR", config.gatewayJar().toString(),
                                 "JAVA_OPTS", String.join(" ", config.gatewayJvm()))))) {
                NfsBenchCases cases = new NfsBenchCases(config, processes, meta, gateway, ganesha, report::emit);
                if (config.wants("warm-read")) {
                    report.record(cases.warmRead());
                }
                if (config.wantsMetadata()) {
                    for (VfsBench.Result r : cases.metadata()) {
                        if (config.wants(r.name())) {
                            report.record(r);
                        }
                    }
                }
                report.emit(String.format(Locale.ROOT, "gateway RSS at the end: %d MiB", gateway.rssMiB()));
            }
        } catch (Exception | Error e) {
            keepLogs();
            throw e;
        } finally {
            VfsBench.deleteRecursively(config.workDir());
        }
        return report.finish("NfsBench", started, "NFS benchmark: bucketfs vs nfs-ganesha", seconds -> String.format(
                Locale.ROOT, "%s, %d cores, load average at the start %s; %d MiB file, %d readers; %d files, %d "
                + "clients; %d timed runs after one warm-up, medians; %d s in all.",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                report.loadAtStart(), config.readMiB(), config.readers(), config.filesPerClient() * config.clients(),
                config.clients(), config.runs(), seconds),
                "| measurement | bucketfs | ganesha | ratio bucketfs/ganesha | what |\n|---|---:|---:|---:|---|\n",
                r -> String.format(Locale.ROOT, "| %s | %.1f %s | %.1f %s | %.2f | %s |", r.name(), r.vfs(), r.unit(),
                        r.peer(), r.unit(), r.ratio(), r.detail()), config.results());
    }

    /** After a failure: the servers' logs into {@code nfs-bench-logs} beside the work directory, and say so. */
    private void keepLogs() {
        keepLogs("NfsBench", config.workDir(), config.workDir().resolveSibling("nfs-bench-logs"), out);
    }

    /** After a failure of {@code who}: the {@code *.log} and {@code *.out} files of {@code workDir} into {@code kept}. */
    static void keepLogs(String who, Path workDir, Path kept, PrintStream out) {
        try {
            VfsBench.deleteRecursively(kept);
            Files.createDirectories(kept);
            try (var files = Files.walk(workDir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")
                        || f.getFileName().toString().endsWith(".out")).toList()) {
                    Files.copy(f, kept.resolve(workDir.relativize(f).toString().replace('/', '-')));
                }
            }
            out.println(who + " failed; the servers' logs are kept in " + kept);
        } catch (IOException | RuntimeException e) {
            out.println(who + " failed; its logs could not be kept: " + e);
        }
    }

    /** {@code tests/bench/nfs-meta.c} ({@code source}) compiled into {@code workDir}; the binary's path. */
    static Path compileMetaClient(BenchProcesses processes, Path workDir, Path source)
            throws IOException, InterruptedException {
        Path bin = workDir.resolve("nfs-meta");
        processes.run(workDir, 120, List.of("cc", "-O2", "-Wall", "-o", bin.toString(), source.toString(), "-lnfs"))
                .orThrow();
        return bin;
    }

    private String ganeshaVersion(BenchProcesses processes) throws IOException, InterruptedException {
        BenchProcesses.Run r = processes.run(config.workDir(), 30, List.of("dpkg-query", "-W", "-f",
                "${Version}", "nfs-ganesha"));
        return r.exit() == 0 ? r.stdout().strip() : "(version unknown)";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
