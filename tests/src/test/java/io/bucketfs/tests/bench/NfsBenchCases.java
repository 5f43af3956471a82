package io.bucketfs.tests.bench;

import static io.bucketfs.tests.bench.VfsBench.formatRuns;
import static io.bucketfs.tests.bench.VfsBench.median;

import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The measurements of {@link NfsBench}. Both servers are driven by the same host-side clients over the same URLs
 * ({@code nfs://127.0.0.1/default/...?version=4&nfsport=P}); bucketfs and ganesha alternate run by run so that
 * the load of this shared machine falls on both alike.
 */
final class NfsBenchCases {

    private static final double MIB = 1024.0 * 1024.0;
    static final String BIG = "big";
    /** How far ahead of now the metadata clients are told to start, so that all have mounted by then. */
    private static final long START_DELAY_MS = 500;
    private static final long PHASE_TIMEOUT_SECONDS = 900;

    /**
     * One server under test: its label and its launcher's server, which checks that it is alive and waits until
     * it has no background work left from what clients wrote (the gateway's uploads; ganesha writes through to its
     * local file system: nothing is left to do in the background).
     */
    private record Server(String label, ServerLauncher.Running server) {
        String url(String path) {
            return "nfs://127.0.0.1/default" + path + "?version=4&nfsport=" + server.port();
        }

        void checkAlive() throws IOException {
            server.checkAlive();
        }

        /** Returns the seconds waited. */
        double settle() throws IOException, InterruptedException {
            return server.awaitSettled(SETTLE_TIMEOUT_SECONDS);
        }
    }

    private static final long SETTLE_TIMEOUT_SECONDS = 900;

    private final NfsBench.Config config;
    private final BenchProcesses processes;
    private final Path meta;
    private final ServerLauncher.Running gateway;
    private final ServerLauncher.Running ganesha;
    private final Server bucketfs;
    private final Server peer;
    private final Consumer<String> log;

    NfsBenchCases(NfsBench.Config config, BenchProcesses processes, Path meta, ServerLauncher.Running gateway,
                  ServerLauncher.Running ganesha, Consumer<String> log) {
        this.config = config;
        this.processes = processes;
        this.meta = meta;
        this.gateway = gateway;
        this.ganesha = ganesha;
        this.bucketfs = new Server("bucketfs", gateway);
        this.peer = new Server("ganesha", ganesha);
        this.log = log;
    }

    // ------------------------------------------------------------------ 1. warm sequential read

    /**
     * The same random file in both: copied into ganesha's export directory on local disk, and into bucketfs
     * through its own NFS server (NFSv3 {@code nfs-cp}: libnfs's NFSv4 writes are broken above ~4 KB), then
     * waited for until the gateway has uploaded it to its bucket and dropped it from staging, so that it serves
     * the file from the bucket through its chunk cache.
     * Warm-up per server: one read that checks the bytes (SHA-256), one untimed parallel run. Then each timed run
     * starts {@link NfsBench.Config#readers()} {@code nfs-cat} processes reading the whole file to /dev/null and
     * times them until the last ends: MiB/s = readers x size / that time.
     */
    VfsBench.Result warmRead() throws Exception {
        long size = (long) config.readMiB() << 20;
        Path source = config.workDir().resolve("source.bin");
        String sha = randomFile(source, size);
        Files.copy(source, ganesha.dataDir().resolve(BIG));
        long copyStart = System.nanoTime();
        processes.run(config.workDir(), 600 + (size >> 20), List.of("nfs-cp", source.toString(),
                "nfs://127.0.0.1/default/" + BIG + "?version=3&nfsport=" + gateway.port() + "&mountport="
                        + gateway.port())).orThrow();
        double copySeconds = (System.nanoTime() - copyStart) / 1e9;
        long syncStart = System.nanoTime();
        bucketfs.settle();
        double syncSeconds = (System.nanoTime() - syncStart) / 1e9;
        Files.delete(source);
        log.accept(String.format(Locale.ROOT, "warm-read    setup: %d MiB copied into bucketfs over NFSv3 in %.1f s "
                + "(%.1f MiB/s, nfs-cp), in the bucket and out of staging %.1f s later; into ganesha's export by "
                + "a local copy", size >> 20, copySeconds, (size / MIB) / copySeconds, syncSeconds));
        for (Server s : List.of(bucketfs, peer)) {
            String got = readDigest(s, size);
            if (!got.equals(sha)) {
                throw new IOException(s.label() + ": the warm-up read of " + BIG + " returned other bytes (sha256 "
                        + got + ", expected " + sha + ")");
            }
        }
        for (Server s : List.of(bucketfs, peer)) {
            parallelRead(s, size); // and one untimed parallel run each (the gateway's JIT warms up too)
        }
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int run = 0; run < config.runs(); run++) {
            ours.add(parallelRead(bucketfs, size));
            theirs.add(parallelRead(peer, size));
        }
        log.accept("warm-read    runs MiB/s: bucketfs [" + formatRuns(ours) + "] ganesha [" + formatRuns(theirs)
                + "]; gateway RSS " + gateway.rssMiB() + " MiB");
        return new VfsBench.Result("warm-read", "bucketfs", median(ours), "ganesha", median(theirs), "MiB/s",
                String.format(Locale.ROOT, "%d MiB file read whole by %d parallel nfs-cat (libnfs, NFSv4.0), "
                        + "page cache and gateway cache warm", size >> 20, config.readers()));
    }

    /** One {@code nfs-cat} of the big file, its bytes hashed here. */
    private String readDigest(Server s, long size) throws Exception {
        Path err = Files.createTempFile(config.workDir(), "cat", ".err");
        Process p = processes.start(new ProcessBuilder("nfs-cat", s.url("/" + BIG)).redirectError(err.toFile()));
        MessageDigest md = sha256();
        long n = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        int exit = BenchProcesses.await(p, 600 + (size >> 20), "nfs-cat " + s.url("/" + BIG));
        if (exit != 0 || n != size) {
            throw new IOException(s.label() + ": warm-up nfs-cat exited " + exit + " after " + n + " of " + size
                    + " bytes: " + Files.readString(err, StandardCharsets.UTF_8).strip());
        }
        Files.delete(err);
        return HexFormat.of().formatHex(md.digest());
    }

    private double parallelRead(Server s, long size) throws Exception {
        s.checkAlive();
        List<Process> readers = new ArrayList<>();
        List<Path> errs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < config.readers(); i++) {
            Path err = Files.createTempFile(config.workDir(), "cat", ".err");
            errs.add(err);
            readers.add(processes.start(new ProcessBuilder("nfs-cat", s.url("/" + BIG))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile())));
        }
        for (int i = 0; i < readers.size(); i++) {
            int exit = BenchProcesses.await(readers.get(i), 600 + (size >> 20), "nfs-cat");
            if (exit != 0) {
                throw new IOException(s.label() + ": nfs-cat exited " + exit + ": "
                        + Files.readString(errs.get(i), StandardCharsets.UTF_8).strip());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Path e : errs) {
            Files.delete(e);
        }
        return config.readers() * (size / MIB) / seconds;
    }

    // ------------------------------------------------------------------ 2. metadata

    /**
     * Per run and server, a fresh directory: {@link NfsBench.Config#clients()} {@code nfs-meta} processes create
     * their share of {@link NfsBench.Config#files()} empty files in it; then, once the server has no background
     * work left from the creates (bucketfs: the files are uploaded to the bucket, which is timed and reported
     * apart), each client stats its own files, then each lists the whole directory, twice (the first listing of
     * a new directory and a repeated one). A phase is timed from the
     * first client's first operation to the last client's last (the clients mount first and start together at an
     * agreed time). One warm-up run per server first.
     */
    List<VfsBench.Result> metadata() throws Exception {
        int per = config.filesPerClient();
        int total = per * config.clients();
        for (Server s : List.of(bucketfs, peer)) {
            metadataRun(s, "/meta-warmup", per);
        }
        List<List<Double>> ours = new ArrayList<>();
        List<List<Double>> theirs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ours.add(new ArrayList<>());
            theirs.add(new ArrayList<>());
        }
        for (int run = 0; run < config.runs(); run++) {
            double[] a = metadataRun(bucketfs, "/meta-" + run, per);
            double[] b = metadataRun(peer, "/meta-" + run, per);
            for (int i = 0; i < a.length; i++) {
                ours.get(i).add(a[i]);
                theirs.get(i).add(b[i]);
            }
        }
        log.accept(String.format(Locale.ROOT, "creates      bucketfs: the created files were all uploaded to the "
                + "bucket %.1f s (median; runs [%s]) after the last create — not in creates/s; stats and readdir "
                + "start after that", median(ours.get(4)), formatRuns(ours.get(4))));
        String[] names = {"creates", "stats", "readdir", "readdir-again"};
        String[] units = {"creates/s", "stats/s", "entries/s", "entries/s"};
        String clients = config.clients() + " parallel nfs-meta (libnfs, NFSv4.0)";
        String[] details = {
            total + " empty files, OPEN(CREATE) + CLOSE each, into a new directory, " + clients,
            "stat (LOOKUP + GETATTR) of each of those " + total + " files once bucketfs has uploaded them, "
                    + clients,
            "the first listing of that directory of " + total + " entries, by each of " + clients,
            "the same listing once more, by each of " + clients,
        };
        List<VfsBench.Result> results = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            log.accept(String.format(Locale.ROOT, "%-12s runs %s: bucketfs [%s] ganesha [%s]", names[i], units[i],
                    formatRuns(ours.get(i)), formatRuns(theirs.get(i))));
            results.add(new VfsBench.Result(names[i], "bucketfs", median(ours.get(i)), "ganesha",
                    median(theirs.get(i)), units[i], details[i]));
        }
        return results;
    }

    /**
     * mkdir, then the phases: their rates (creates/s, stats/s, entries/s of the first listing and of the second),
     * and the seconds the server took to settle after the creates.
     */
    private double[] metadataRun(Server s, String dir, int per) throws Exception {
        s.checkAlive();
        phase(s, List.of("mkdir", dir), 1);
        double creates = phase(s, List.of("create", dir, "PREFIX", Integer.toString(per)), config.clients());
        double settled = s.settle();
        double stats = phase(s, List.of("stat", dir, "PREFIX", Integer.toString(per)), config.clients());
        double listed = phase(s, List.of("readdir", dir), config.clients());
        double again = phase(s, List.of("readdir", dir), config.clients());
        return new double[] {creates, stats, listed, again, settled};
    }

    /**
     * Runs {@code n} clients of {@code args} side by side (each client's {@code PREFIX} becomes {@code c<k>-}) and
     * returns their operations per second in all.
     */
    private double phase(Server s, List<String> args, int n) throws Exception {
        long startAt = System.currentTimeMillis() + START_DELAY_MS;
        List<Process> clients = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<String> cmd = new ArrayList<>(List.of(meta.toString(), "-t", Long.toString(startAt),
                    s.url("")));
            for (String a : args) {
                cmd.add(a.equals("PREFIX") ? "c" + k + "-" : a);
            }
            Path out = Files.createTempFile(config.workDir(), "meta", ".out");
            outs.add(out);
            clients.add(processes.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(out.toFile())));
        }
        long ops = 0;
        double first = Double.MAX_VALUE;
        double last = 0;
        for (int k = 0; k < n; k++) {
            int exit = BenchProcesses.await(clients.get(k), PHASE_TIMEOUT_SECONDS, "nfs-meta " + args);
            String text = Files.readString(outs.get(k), StandardCharsets.UTF_8).strip();
            Files.delete(outs.get(k));
            String[] f = text.split(" ");
            if (exit != 0 || f.length != 5) {
                throw new IOException(s.label() + ": nfs-meta " + String.join(" ", args) + " exited " + exit + ": "
                        + text);
            }
            ops += Long.parseLong(f[1]);
            first = Math.min(first, Double.parseDouble(f[3]));
            last = Math.max(last, Double.parseDouble(f[4]));
        }
        return ops / Math.max(last - first, 0.001) * 1000.0;
    }

    // ------------------------------------------------------------------ helpers

    /** Writes {@code size} pseudo-random bytes to {@code file}; returns their SHA-256 in hex. */
    static String randomFile(Path file, long size) throws IOException {
        MessageDigest md = sha256();
        SplittableRandom random = new SplittableRandom(20261122L);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buf.length, left);
                for (int i = 0; i < n; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8 && i + j < n; j++) {
                        buf[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
