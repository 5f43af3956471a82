package io.bucketfs.tests.bench;

import static io.bucketfs.tests.bench.VfsBench.formatRuns;
import static io.bucketfs.tests.bench.VfsBench.median;

import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The SMB benchmark: bucketfs ({@code bucketfs serve --smb-port}, local-directory bucket) against stock Samba
 * smbd 4.17 sharing a local directory, both on loopback, both started here by their launchers in
 * {@code tests/servers/}, driven by the same host-side client ({@code smbclient}, SMB 3.1.1 as negotiated),
 * side by side in one run (see README, "Benchmarks"):
 * <ol>
 *   <li>{@code warm-read}: a file read whole by {@link Config#clients()} parallel {@code smbclient get}, after a
 *       first read that also checks its bytes;</li>
 *   <li>{@code warm-read-signed}, {@code warm-read-encrypted}: the same with smbclient requiring signing, then
 *       encryption (what Windows 11 24H2 does by default, and what a share requiring encryption gets);</li>
 *   <li>{@code write}: the same number of parallel {@code smbclient put} of a local file of that size, each to a
 *       new file.</li>
 * </ol>
 * Each measurement is warmed up once, then timed {@link Config#runs()} times, bucketfs and Samba alternating;
 * medians are printed with the single runs, and the table is written as markdown to {@link Config#results()}.
 * A peer that cannot start fails the run. Run it with {@code tests/bench/smb}; sizes come from system
 * properties (see {@link Config#fromSystemProperties()}). Not a test: {@code SmbBenchSmokeTest} runs it small.
 */
public final class SmbBench {

    /** The measurement names, in the order they run. */
    static final List<String> NAMES = List.of("warm-read", "warm-read-signed", "warm-read-encrypted", "write");
    private static final double MIB = 1024.0 * 1024.0;
    private static final String BIG = "big";
    private static final long SETTLE_TIMEOUT_SECONDS = 900;

    /**
     * What to measure, and where.
     *
     * @param workDir    scratch directory (source file, both servers' state and data); emptied first, removed at
     *                   the end
     * @param results    markdown file the table is written to (null: not written)
     * @param fileMiB    size of the file read and of each file written
     * @param clients    parallel {@code smbclient} processes per run
     * @param runs       timed runs per measurement after one warm-up (the median is reported)
     * @param only       the measurements to run by name (see {@link #NAMES}); empty: all
     * @param gatewayJar the gateway distribution ({@code gateway/target/bucketfs-gateway.jar})
     * @param gatewayJvm extra JVM options of the gateway process
     * @param repoRoot   the checkout, whose {@code tests/servers/} launchers start the servers
     */
    public record Config(Path workDir, Path results, int fileMiB, int clients, int runs, Set<String> only,
                         Path gatewayJar, List<String> gatewayJvm, Path repoRoot) {
        public Config {
            if (fileMiB < 1 || clients < 1 || runs < 1) {
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

        /**
         * From {@code -Dbucketfs.bench.smb.*}: {@code quick} (false; true makes the file 64 MiB), {@code dir}
         * ({@code target/smb-bench-work}), {@code results} ({@code target/smb-bench-results.md}), {@code fileMiB}
         * (1024), {@code clients} (4), {@code runs} (5), {@code only} (comma-separated names), {@code gatewayJar}
         * ({@code -Dbucketfs.dist}/bucketfs-gateway.jar, else {@code ../gateway/target/...}), {@code gatewayJvm}
         * (space-separated JVM options of the gateway), {@code root} ({@code -Dbucketfs.root}, else {@code ..}).
         */
        public static Config fromSystemProperties() {
            boolean quick = Boolean.parseBoolean(prop("quick", "false"));
            Set<String> only = BenchReport.names(prop("only", ""));
            List<String> jvm = BenchReport.words(prop("gatewayJvm", ""));
            Path dist = Path.of(System.getProperty("bucketfs.dist", "../gateway/target"));
            return new Config(Path.of(prop("dir", "target/smb-bench-work")).toAbsolutePath(),
                    Path.of(prop("results", "target/smb-bench-results.md")).toAbsolutePath(),
                    intProp("fileMiB", quick ? 64 : 1024), intProp("clients", 4), intProp("runs", 5), only,
                    Path.of(prop("gatewayJar", dist.resolve("bucketfs-gateway.jar").toString())).toAbsolutePath(),
                    jvm, Path.of(prop("root", System.getProperty("bucketfs.root", ".."))).toAbsolutePath().normalize());
        }

        private static String prop(String name, String dflt) {
            return System.getProperty("bucketfs.bench.smb." + name, dflt);
        }

        private static int intProp(String name, int dflt) {
            return Integer.parseInt(prop(name, Integer.toString(dflt)).trim());
        }
    }

    /**
     * One server under test: its label, its launcher's server, its SMB port (the gateway's NFS port is the
     * launcher's SERVER_PORT) and the smbclient credentials file for it.
     */
    private record Server(String label, ServerLauncher.Running server, int port, Path auth, List<String> options) {
        Server(String label, ServerLauncher.Running server, int port, Path auth) {
            this(label, server, port, auth, List.of());
        }

        List<String> smbclient(String command) {
            List<String> c = new ArrayList<>(List.of("smbclient", "//127.0.0.1/default", "-p", Integer.toString(port),
                    "-A", auth.toString(), "-m", "SMB3"));
            for (String o : options) {
                c.add("--option=" + o);
            }
            c.addAll(List.of("-c", command));
            return c;
        }

        /** The same server, smbclient run with this smb.conf option too (e.g. "client signing=required"). */
        Server with(String option) {
            List<String> o = new ArrayList<>(options);
            o.add(option);
            return new Server(label, server, port, auth, List.copyOf(o));
        }
    }

    private final Config config;
    private final PrintStream out;
    private final BenchReport report;
    private BenchProcesses processes;

    public SmbBench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.report = new BenchReport(out);
    }

    public static void main(String[] args) throws Exception {
        BenchReport.quietLogs();
        new SmbBench(Config.fromSystemProperties(), System.out).runAll();
    }

    /** Starts both servers, runs the measurements, stops the servers; prints and returns every line. */
    public List<String> runAll() throws Exception {
        long started = System.nanoTime();
        Path work = config.workDir();
        VfsBench.deleteRecursively(work);
        Files.createDirectories(work);
        try (BenchProcesses p = new BenchProcesses(work.resolve("pids"))) {
            processes = p;
            report.emit(String.format(Locale.ROOT, "bucketfs SmbBench: %d cores, load average %s, java %s; bucketfs "
                    + "serve (local-directory bucket) vs Samba smbd %s (local disk) on 127.0.0.1, smbclient %s; %d "
                    + "timed runs per measurement after one warm-up, alternating, medians; ratio = bucketfs / samba",
                    Runtime.getRuntime().availableProcessors(), NfsBench.loadAverage(),
                    System.getProperty("java.version"), version(List.of("smbd", "--version")),
                    version(List.of("smbclient", "--version")), config.runs()));
            Path sambaDir = work.resolve("samba");
            Path gatewayDir = work.resolve("bucketfs");
            int[] ports = distinctFreePorts(3); // Samba's; the gateway's NFS and SMB ports
            int smbPort = ports[2];
            try (ServerLauncher.Running samba = p.start(ServerLauncher.SAMBA.at(config.repoRoot(), sambaDir,
                    sambaDir.resolve("share"), ports[0], Map.of()));
                 ServerLauncher.Running gateway = p.start(ServerLauncher.BUCKETFS.at(config.repoRoot(), gatewayDir,
                         gatewayDir.resolve("data"), ports[1],
                         Map.of("SERVER_SMB_PORT", Integer.toString(smbPort),
                                 "BUCKETFS_JAR", config.gatewayJar().toString(),
                                 "JAVA_OPTS", String.join(" ", config.gatewayJvm()))))) {
                Server ours = new Server("bucketfs", gateway, smbPort, authFile(gateway, "bucketfs.auth"));
                Server peer = new Server("samba", samba, samba.port(), authFile(samba, "samba.auth"));
                Path source = work.resolve("source.bin");
                String sha = NfsBenchCases.randomFile(source, bytes());
                if (config.wants("warm-read") || config.wants("warm-read-signed")
                        || config.wants("warm-read-encrypted")) {
                    prepareRead(ours, peer, source, sha);
                }
                if (config.wants("warm-read")) {
                    report.record(timedRead("warm-read", ours, peer, "smbclient's defaults: unsigned"));
                }
                if (config.wants("warm-read-signed")) { // Windows 11 24H2 and Server 2025 sign by default
                    report.record(timedRead("warm-read-signed", ours.with("client signing=required"),
                            peer.with("client signing=required"), "signing required"));
                }
                if (config.wants("warm-read-encrypted")) {
                    report.record(timedRead("warm-read-encrypted", ours.with("client smb encrypt=required"),
                            peer.with("client smb encrypt=required"), "encryption required"));
                }
                if (config.wants("write")) {
                    report.record(write(ours, peer, source));
                }
                report.emit(String.format(Locale.ROOT, "gateway RSS at the end: %d MiB", gateway.rssMiB()));
            }
        } catch (Exception | Error e) {
            NfsBench.keepLogs("SmbBench", work, work.resolveSibling("smb-bench-logs"), out);
            throw e;
        } finally {
            processes = null;
            VfsBench.deleteRecursively(work);
        }
        return report.finish("SmbBench", started, "SMB benchmark: bucketfs vs Samba", seconds -> String.format(
                Locale.ROOT, "%s, %d cores, load average at the start %s; %d MiB file, %d parallel smbclient; %d "
                + "timed runs after one warm-up, medians; %d s in all.", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(), report.loadAtStart(), config.fileMiB(), config.clients(),
                config.runs(), seconds),
                "| case | bucketfs MiB/s | samba MiB/s | ratio bucketfs/samba | what |\n|---|---:|---:|---:|---|\n",
                r -> String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %s |", r.name(), r.vfs(), r.peer(),
                        r.ratio(), r.detail()), config.results());
    }

    /**
     * The same random file in both: copied into Samba's share on local disk, and into bucketfs by one
     * {@code smbclient put} (timed and reported), then waited for until the gateway has uploaded it to its bucket
     * and dropped it from staging, so that it serves the file from the bucket through its chunk cache. Warm-up
     * per server: one {@code get} whose bytes are checked (SHA-256), one untimed parallel run. Then each timed
     * run starts {@link Config#clients()} {@code smbclient get big /dev/null} and times them until the last ends:
     * MiB/s = clients x size / that time.
     */
    private void prepareRead(Server ours, Server peer, Path source, String sha) throws Exception {
        Files.copy(source, peer.server().dataDir().resolve(BIG));
        long t0 = System.nanoTime();
        smbclient(ours, "put " + source + " " + BIG);
        double copySeconds = (System.nanoTime() - t0) / 1e9;
        double settled = ours.server().awaitSettled(SETTLE_TIMEOUT_SECONDS);
        report.emit(String.format(Locale.ROOT, "warm-read    setup: %d MiB put into bucketfs in %.1f s (%.1f MiB/s, "
                + "one smbclient), in the bucket and out of staging %.1f s later; into Samba's share by a local copy",
                config.fileMiB(), copySeconds, config.fileMiB() / copySeconds, settled));
        for (Server s : List.of(ours, peer)) {
            Path copy = config.workDir().resolve("check.bin");
            smbclient(s, "get " + BIG + " " + copy);
            String got = digest(copy);
            Files.delete(copy);
            if (!got.equals(sha)) {
                throw new IOException(s.label() + ": the first read of " + BIG + " returned other bytes (sha256 "
                        + got + ", expected " + sha + ")");
            }
        }
    }

    /**
     * Timed parallel reads of the prepared file (after one untimed parallel run per server: the gateway's JIT
     * warms up too), smbclient run with the servers' options ({@link Server#with}).
     */
    private VfsBench.Result timedRead(String name, Server ours, Server peer, String how) throws Exception {
        for (Server s : List.of(ours, peer)) {
            parallel(s, k -> "get " + BIG + " /dev/null");
        }
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int run = 0; run < config.runs(); run++) {
            a.add(parallel(ours, k -> "get " + BIG + " /dev/null"));
            b.add(parallel(peer, k -> "get " + BIG + " /dev/null"));
        }
        report.emit(String.format(Locale.ROOT, "%-12s runs MiB/s: bucketfs [%s] samba [%s]; gateway RSS %d MiB", name,
                formatRuns(a), formatRuns(b), ours.server().rssMiB()));
        return new VfsBench.Result(name, "bucketfs", median(a), "samba", median(b), "MiB/s",
                String.format(Locale.ROOT, "%d MiB file read whole by %d parallel smbclient get, after a first "
                        + "read (page cache and gateway cache warm); %s", config.fileMiB(), config.clients(), how));
    }

    /**
     * Each run: {@link Config#clients()} parallel {@code smbclient put} of the local source file (in the page
     * cache) to new files, timed until the last ends; MiB/s = clients x size / that time. After each bucketfs
     * run the gateway's uploads of what was written are waited for (untimed, reported apart), so that they do
     * not fall on the next run; then the files are deleted. One untimed run per server first.
     */
    private VfsBench.Result write(Server ours, Server peer, Path source) throws Exception {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<Double> settle = new ArrayList<>();
        for (int run = -1; run < config.runs(); run++) {
            for (Server s : List.of(ours, peer)) {
                String prefix = "w" + (run + 1) + "-";
                double mibs = parallel(s, k -> "put " + source + " " + prefix + k);
                double settled = s.server().awaitSettled(SETTLE_TIMEOUT_SECONDS);
                smbclient(s, "del " + prefix + "*");
                if (run >= 0) {
                    (s == ours ? a : b).add(mibs);
                    if (s == ours) {
                        settle.add(settled);
                    }
                }
            }
        }
        report.emit("write        runs MiB/s: bucketfs [" + formatRuns(a) + "] samba [" + formatRuns(b) + "]; bucketfs "
                + "had uploaded each run's files to the bucket " + formatRuns(settle) + " s after the run (not in "
                + "MiB/s)");
        return new VfsBench.Result("write", "bucketfs", median(a), "samba", median(b), "MiB/s",
                String.format(Locale.ROOT, "%d parallel smbclient put of a %d MiB local file, each to a new file",
                        config.clients(), config.fileMiB()));
    }

    /** Runs {@link Config#clients()} smbclient commands side by side; returns clients x size / seconds. */
    private double parallel(Server s, java.util.function.IntFunction<String> command) throws Exception {
        s.server().checkAlive();
        List<Process> clients = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < config.clients(); k++) {
            Path o = Files.createTempFile(config.workDir(), "smbclient", ".txt");
            outs.add(o);
            clients.add(processes.start(new ProcessBuilder(s.smbclient(command.apply(k))).redirectErrorStream(true)
                    .redirectOutput(o.toFile())));
        }
        for (int k = 0; k < clients.size(); k++) {
            int exit = BenchProcesses.await(clients.get(k), timeoutSeconds(), "smbclient");
            String text = Files.readString(outs.get(k), StandardCharsets.UTF_8);
            if (exit != 0 || text.contains("NT_STATUS_")) {
                throw new IOException(s.label() + ": smbclient -c '" + command.apply(k) + "' exited " + exit + ": "
                        + text.strip());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Path o : outs) {
            Files.delete(o);
        }
        return config.clients() * (bytes() / MIB) / seconds;
    }

    /** One smbclient command against {@code s}, which must succeed. */
    private void smbclient(Server s, String command) throws Exception {
        BenchProcesses.Run r = processes.run(config.workDir(), timeoutSeconds(), s.smbclient(command));
        if (r.exit() != 0 || r.stdout().contains("NT_STATUS_") || r.stderr().contains("NT_STATUS_")) {
            throw new IOException(s.label() + ": smbclient -c '" + command + "' exited " + r.exit() + ": "
                    + (r.stdout() + r.stderr()).strip());
        }
    }

    /** An smbclient authentication file ({@code -A}) with the server's account, readable by the owner only. */
    private Path authFile(ServerLauncher.Running server, String name) throws IOException {
        String cred = server.credentials();
        int at = cred.indexOf('%');
        if (at <= 0) {
            throw new IOException(server.launcher().id() + ": credentials gave no USER%PASSWORD");
        }
        Path f = config.workDir().resolve(name);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, "username = " + cred.substring(0, at) + "\npassword = " + cred.substring(at + 1)
                + "\n", StandardCharsets.UTF_8);
        return f;
    }

    /** {@code n} ports of 127.0.0.1 free now, all different (each free one alone could repeat). */
    private static int[] distinctFreePorts(int n) throws IOException {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < n) {
            ports.add(ServerLauncher.freePort());
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    private long bytes() {
        return (long) config.fileMiB() << 20;
    }

    private long timeoutSeconds() {
        return 600 + config.fileMiB();
    }

    private String version(List<String> command) throws Exception {
        BenchProcesses.Run r = processes.run(config.workDir(), 30, command);
        return r.exit() == 0 ? r.stdout().strip().replace("Version ", "") : "(version unknown)";
    }

    private static String digest(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
