package io.bucketfs.tests.bench;

import io.bucketfs.backends.s3.RawS3Client;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The object-store benchmarks: bucketfs with its default mount on a bucket of S3Proxy (a real S3 server, in a
 * process of its own) against the FUSE file systems users mount over the same bucket instead — s3fs 1.90 (with its
 * local disk cache, {@code use_cache}) and rclone 1.60 ({@code mount --vfs-cache-mode full}) — and against the
 * ceilings: the AWS SDK's own parallel ranged GETs and multipart upload on the same S3Proxy (what the object store
 * gives at most), a plain local read of a cache file and a TCP loopback copy (what the machine gives at most). All
 * are started here on 127.0.0.1, all read and write the same bucket, side by side in one run:
 * <ol>
 *   <li>{@code cold-read}: a 1 GiB object nobody has read yet, read whole once by each (bucketfs over NFS with
 *       {@code nfs-cat}, the FUSE mounts with {@code cat}, raw parallel ranged GETs);</li>
 *   <li>{@code re-read}: the same object read again at once (the caches at work);</li>
 *   <li>{@code small-files}: 64 KiB files written into a new directory by 4 parallel writers, files/s until every
 *       writer's last close, and {@code small-files-durable}: files/s until every object is in the bucket;</li>
 *   <li>{@code list-cold}: the first listing of a prefix of objects put into the bucket by another S3 client;</li>
 *   <li>{@code checkpoint}: a large file written and made durable in the bucket (the write, then the bucket has the
 *       whole object) vs the SDK's multipart upload of the same bytes;</li>
 *   <li>{@code rss-*}: the peak resident set size of each gateway process during the cold reads and the small-file
 *       writes (lower is better; the settings that bound it are printed).</li>
 * </ol>
 * Every measurement has one warm-up, then {@link Config#runs()} timed runs, the systems taking turns within each
 * run; medians are reported. A peer that cannot start fails the run. Run it with {@code tests/bench/s3}; sizes come
 * from system properties (see {@link Config#fromSystemProperties()}). Not a test: {@code S3BenchSmokeTest} runs it
 * with tiny sizes.
 */
public final class S3Bench {

    /** The measurement names, in the order they run. */
    static final List<String> NAMES = List.of("cold-read", "re-read", "small-files", "small-files-durable",
            "list-cold", "checkpoint", "rss-cold-read", "rss-small-files");

    /**
     * What to measure, and where.
     *
     * @param workDir       scratch directory (the bucket's files, the gateway's data, the FUSE caches and mount
     *                      points); emptied first and removed at the end
     * @param results       markdown file the table is written to (null: not written)
     * @param coldMiB       size of each cold-read object
     * @param smallFiles    files written per small-files run and system
     * @param smallKiB      size of each small file
     * @param writers       parallel writers per small-files run
     * @param listEntries   objects in each prefix listed by list-cold
     * @param checkpointMiB size of the checkpoint file
     * @param runs          timed runs per measurement after one warm-up (the median is reported)
     * @param only          the measurements to run by name (see {@link #NAMES}); empty: all
     * @param metaSource    {@code tests/bench/nfs-meta.c}, compiled into the work directory with {@code cc -lnfs}
     * @param gatewayJvm    extra JVM options of the gateway process (after its default {@code -Xmx1g})
     * @param repoRoot      the checkout, whose {@code tests/servers/bucketfs-s3.sh} starts S3Proxy and the gateway
     */
    public record Config(Path workDir, Path results, int coldMiB, int smallFiles, int smallKiB, int writers,
                         int listEntries, int checkpointMiB, int runs, Set<String> only, Path metaSource,
                         List<String> gatewayJvm, Path repoRoot) {
        public Config {
            if (coldMiB < 1 || smallFiles < 1 || smallKiB < 1 || writers < 1 || listEntries < 1 || checkpointMiB < 1
                    || runs < 1) {
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

        /** Files per writer, rounded up: every writer writes as many. */
        int filesPerWriter() {
            return (smallFiles + writers - 1) / writers;
        }

        /**
         * From {@code -Dbucketfs.bench.s3.*}: {@code quick} (false; true changes the size defaults to 64 MiB objects,
         * 200 small files, 1,000 listed objects and a 256 MiB checkpoint), {@code dir}
         * ({@code target/s3-bench-work}), {@code results} ({@code target/s3-bench-results.md}), {@code coldMiB}
         * (1024), {@code smallFiles} (1000), {@code smallKiB} (64), {@code writers} (4), {@code listEntries}
         * (10000), {@code checkpointMiB} (1024; the small files and the checkpoint are scaled to S3Proxy's pace on 2
         * cores, ~250 PUTs/s and ~90 MiB/s of uploads: 10000 files and 4096 MiB take 40 minutes more),
         * {@code runs} (5), {@code only} (comma-separated names),
         * {@code metaSource} ({@code bench/nfs-meta.c}), {@code gatewayJvm} (space-separated JVM options),
         * {@code root} ({@code -Dbucketfs.root}, else {@code ..}).
         */
        public static Config fromSystemProperties() {
            boolean quick = Boolean.parseBoolean(prop("quick", "false"));
            Set<String> only = BenchReport.names(prop("only", ""));
            List<String> jvm = BenchReport.words(prop("gatewayJvm", ""));
            return new Config(Path.of(prop("dir", "target/s3-bench-work")).toAbsolutePath(),
                    Path.of(prop("results", "target/s3-bench-results.md")).toAbsolutePath(),
                    intProp("coldMiB", quick ? 64 : 1024), intProp("smallFiles", quick ? 200 : 1000),
                    intProp("smallKiB", 64), intProp("writers", 4), intProp("listEntries", quick ? 1000 : 10000),
                    intProp("checkpointMiB", quick ? 256 : 1024), intProp("runs", 5), only,
                    Path.of(prop("metaSource", "bench/nfs-meta.c")).toAbsolutePath(), jvm,
                    Path.of(prop("root", System.getProperty("bucketfs.root", ".."))).toAbsolutePath().normalize());
        }

        private static String prop(String name, String dflt) {
            return System.getProperty("bucketfs.bench.s3." + name, dflt);
        }

        private static int intProp(String name, int dflt) {
            return Integer.parseInt(prop(name, Integer.toString(dflt)).trim());
        }
    }

    /** The bucket every system serves. */
    static final String BUCKET = "default";

    private final Config config;
    private final PrintStream out;
    private final BenchReport report;

    public S3Bench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.report = new BenchReport(out);
    }

    public static void main(String[] args) throws Exception {
        BenchReport.quietLogs();
        new S3Bench(Config.fromSystemProperties(), System.out).runAll();
    }

    /**
     * Starts S3Proxy, the gateway and both FUSE mounts, runs the measurements, stops everything; prints and returns
     * every line. The markdown table goes to {@link Config#results()}.
     */
    public List<String> runAll() throws Exception {
        long started = System.nanoTime();
        VfsBench.deleteRecursively(config.workDir());
        Files.createDirectories(config.workDir());
        try (BenchProcesses processes = new BenchProcesses(config.workDir().resolve("pids"))) {
            Path meta = NfsBench.compileMetaClient(processes, config.workDir(), config.metaSource());
            report.emit(String.format(Locale.ROOT, "bucketfs S3Bench: %d cores, load average %s, java %s; bucketfs "
                    + "(NFS, default mount on S3Proxy) vs s3fs %s (use_cache) and rclone %s (mount --vfs-cache-mode full) "
                    + "over the same bucket, and the AWS SDK on the same S3Proxy; 127.0.0.1; %d timed runs per "
                    + "measurement after one warm-up, taking turns, medians; ratio = bucketfs / peer",
                    Runtime.getRuntime().availableProcessors(), NfsBench.loadAverage(),
                    System.getProperty("java.version"), version(processes, "s3fs"), version(processes, "rclone"),
                    config.runs()));
            Path gatewayDir = config.workDir().resolve("bucketfs");
            int port = ServerLauncher.freePortPair(); // S3Proxy listens on port + 1
            try (ServerLauncher.Running gateway = processes.start(ServerLauncher.BUCKETFS_S3.at(config.repoRoot(),
                    gatewayDir, config.workDir().resolve("data"), port,
                    Map.of("JAVA_OPTS", String.join(" ", config.gatewayJvm()))));
                 RawS3Client s3 = RawS3Client.ofS3Proxy("http://127.0.0.1:" + (port + 1), BUCKET, 32)) {
                try (FuseMount s3fs = mountS3fs(processes, port + 1);
                     FuseMount rclone = mountRclone(processes, port + 1)) {
                    S3BenchCases cases = new S3BenchCases(config, processes, meta, gateway, s3, s3fs, rclone,
                            report::emit);
                    for (VfsBench.Result r : cases.runAll()) {
                        report.record(r);
                    }
                }
            }
        } catch (Exception | Error e) {
            NfsBench.keepLogs("S3Bench", config.workDir(), config.workDir().resolveSibling("s3-bench-logs"), out);
            throw e;
        } finally {
            VfsBench.deleteRecursively(config.workDir());
        }
        return report.finish("S3Bench", started, "Object-store benchmark: bucketfs vs s3fs, rclone and the raw SDK, "
                + "on S3Proxy", seconds -> String.format(Locale.ROOT, "%s, %d cores, load average at the start %s; %d "
                + "MiB cold objects; %d files of %d KiB, %d writers; %d objects listed; %d MiB checkpoint; %d timed "
                + "runs after one warm-up, medians; %d s in all.", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(), report.loadAtStart(), config.coldMiB(),
                config.filesPerWriter() * config.writers(), config.smallKiB(), config.writers(), config.listEntries(),
                config.checkpointMiB(), config.runs(), seconds),
                "| measurement | bucketfs | peer | peer's figure | ratio bucketfs/peer | what |\n"
                        + "|---|---:|---|---:|---:|---|\n",
                r -> String.format(Locale.ROOT, "| %s | %.1f %s | %s | %.1f %s | %.2f | %s |", r.name(), r.vfs(),
                        r.unit(), r.peerLabel(), r.peer(), r.unit(), r.ratio(), r.detail()), config.results());
    }

    // ------------------------------------------------------------------ the FUSE peers

    /** A FUSE file system mounted over the bucket: its label, mount point, local cache and process. */
    record FuseMount(String label, Path dir, Path cache, Process process, Path log) implements AutoCloseable {
        /** Unmounts (the process ends with it); a mount that will not go is unmounted lazily. */
        @Override
        public void close() throws IOException, InterruptedException {
            Process u = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
            if (!u.waitFor(60, TimeUnit.SECONDS) || u.exitValue() != 0) {
                u.destroyForcibly();
                new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }

        /** Resident set size of its process now, in MiB, or -1. */
        long rssMiB() {
            return ServerLauncher.rssMiB(process.pid());
        }
    }

    private FuseMount mountS3fs(BenchProcesses processes, int s3Port) throws Exception {
        Path dir = Files.createDirectories(config.workDir().resolve("mnt-s3fs"));
        Path cache = Files.createDirectories(config.workDir().resolve("cache-s3fs"));
        Path passwd = config.workDir().resolve("s3fs.passwd");
        Files.writeString(passwd, S3ProxyServer.IDENTITY + ":" + S3ProxyServer.SECRET + "\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
        Path log = config.workDir().resolve("s3fs.log");
        // -f: in the foreground, so that this process is s3fs itself (its pid for RSS, ended by the unmount)
        Process p = processes.start(new ProcessBuilder("s3fs", BUCKET, dir.toString(), "-f", "-o",
                "passwd_file=" + passwd + ",url=http://127.0.0.1:" + s3Port + ",use_path_request_style,"
                        + "endpoint=" + S3ProxyServer.REGION + ",use_cache=" + cache + ",dbglevel=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()));
        return awaitMounted(new FuseMount("s3fs", dir, cache, p, log));
    }

    private FuseMount mountRclone(BenchProcesses processes, int s3Port) throws Exception {
        Path dir = Files.createDirectories(config.workDir().resolve("mnt-rclone"));
        Path cache = Files.createDirectories(config.workDir().resolve("cache-rclone"));
        Path log = config.workDir().resolve("rclone.log");
        ProcessBuilder b = new ProcessBuilder("rclone", "--config", "/dev/null", "mount", "bench:" + BUCKET,
                dir.toString(), "--vfs-cache-mode", "full", "--cache-dir", cache.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = b.environment();
        env.remove("AWS_CA_BUNDLE"); // a CA bundle for TLS makes rclone's S3 client refuse plain HTTP
        env.put("RCLONE_CONFIG_BENCH_TYPE", "s3");
        env.put("RCLONE_CONFIG_BENCH_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        env.put("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", S3ProxyServer.SECRET);
        env.put("RCLONE_CONFIG_BENCH_ENDPOINT", "http://127.0.0.1:" + s3Port);
        env.put("RCLONE_CONFIG_BENCH_REGION", S3ProxyServer.REGION);
        env.put("RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE", "true");
        return awaitMounted(new FuseMount("rclone", dir, cache, processes.start(b), log));
    }

    /** Waits until {@code m} is in the mount table; fails loudly (with its log) if its process ends or 60 s pass. */
    private static FuseMount awaitMounted(FuseMount m) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals(m.dir().toString())) {
                    return m;
                }
            }
            if (!m.process().isAlive() || System.nanoTime() > deadline) {
                m.process().destroyForcibly();
                throw new IOException(m.label() + " could not mount " + m.dir() + " (exit "
                        + (m.process().isAlive() ? "none, 60 s" : m.process().exitValue()) + "): "
                        + Files.readString(m.log()).strip());
            }
            Thread.sleep(100);
        }
    }

    private String version(BenchProcesses processes, String pkg) throws IOException, InterruptedException {
        BenchProcesses.Run r = processes.run(config.workDir(), 30, List.of("dpkg-query", "-W", "-f", "${Version}",
                pkg));
        if (r.exit() != 0) {
            throw new IOException(pkg + " is not installed (tests/bench/s3 installs it): " + r.stderr().strip());
        }
        return r.stdout().strip();
    }
}
