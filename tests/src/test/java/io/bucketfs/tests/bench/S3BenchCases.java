package io.bucketfs.tests.bench;

import static io.bucketfs.tests.bench.VfsBench.formatRuns;
import static io.bucketfs.tests.bench.VfsBench.median;

import io.bucketfs.backends.s3.RawS3Client;
import io.bucketfs.backends.s3.S3ProxyServer;
import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The measurements of {@link S3Bench}. bucketfs is driven over NFS by libnfs clients ({@code nfs-cat},
 * {@code nfs-cp}, the project's {@code nfs-meta}), the FUSE mounts by the kernel ({@code cat}, file writes from
 * this JVM), the object store by the AWS SDK; every figure is checked (bytes read by digest once per object, every
 * object written counted in the bucket with its size, every listing counted).
 */
final class S3BenchCases {

    private static final double MIB = 1024.0 * 1024.0;
    /** Parts of the SDK's multipart uploads and ranges of its parallel GETs. */
    private static final int PART = 16 << 20;
    private static final int RANGE = 8 << 20;
    /** Parallel requests of the SDK's uploads and GETs. */
    private static final int SDK_THREADS = 8;
    private static final long START_DELAY_MS = 500;
    private static final long TIMEOUT_SECONDS = 1800;

    private final S3Bench.Config config;
    private final BenchProcesses processes;
    private final Path meta;
    private final ServerLauncher.Running gateway;
    private final RawS3Client s3;
    private final S3Bench.FuseMount s3fs;
    private final S3Bench.FuseMount rclone;
    private final Consumer<String> log;
    private final List<VfsBench.Result> results = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(32, r -> {
        Thread t = new Thread(r, "s3bench");
        t.setDaemon(true);
        return t;
    });

    S3BenchCases(S3Bench.Config config, BenchProcesses processes, Path meta, ServerLauncher.Running gateway,
                 RawS3Client s3, S3Bench.FuseMount s3fs, S3Bench.FuseMount rclone, Consumer<String> log) {
        this.config = config;
        this.processes = processes;
        this.meta = meta;
        this.gateway = gateway;
        this.s3 = s3;
        this.s3fs = s3fs;
        this.rclone = rclone;
        this.log = log;
    }

    List<VfsBench.Result> runAll() throws Exception {
        try {
            // everything another S3 client puts into the bucket goes in first, before any system has looked at it
            // (rclone, for one, keeps a directory's listing for 5 minutes: a prefix made later would not show)
            boolean readsWanted = config.wants("cold-read") || config.wants("re-read") || config.wants("rss-cold-read");
            List<String> digests = readsWanted ? putColdObjects() : List.of();
            if (config.wants("list-cold")) {
                putListings();
            }
            if (readsWanted) {
                reads(digests);
            }
            if (config.wants("small-files") || config.wants("small-files-durable")
                    || config.wants("rss-small-files")) {
                smallFiles();
            }
            if (config.wants("list-cold")) {
                listing();
            }
            if (config.wants("checkpoint")) {
                checkpoint();
            }
            return List.copyOf(results);
        } finally {
            pool.shutdownNow();
        }
    }

    private void add(String name, String peer, List<Double> ours, List<Double> theirs, String unit, String what) {
        if (config.wants(name)) {
            results.add(new VfsBench.Result(name, "bucketfs", median(ours), peer, median(theirs), unit, what));
        }
    }

    private String nfs(String path, int version) {
        int p = gateway.port();
        return "nfs://127.0.0.1/" + S3Bench.BUCKET + path + "?version=" + version + "&nfsport=" + p
                + (version == 3 ? "&mountport=" + p : "");
    }

    // ------------------------------------------------------------------ 1-3. cold read, re-read, RSS

    /**
     * Objects {@code cold/obj-0} (the warm-up) to {@code cold/obj-RUNS}, each of other random bytes, are put into
     * the bucket by the SDK before any system has looked at them. Run {@code r} reads {@code cold/obj-r} whole with
     * each system (cold: none has read it), then again with each (re-read), then the ceilings. The warm-up run
     * checks every system's bytes against the object's SHA-256.
     */
    private List<String> putColdObjects() throws Exception {
        long size = (long) config.coldMiB() << 20;
        long t0 = System.nanoTime();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i <= config.runs(); i++) {
            digests.add(uploadRandom("cold/obj-" + i, size, i));
        }
        log.accept(String.format(Locale.ROOT, "cold-read    setup: %d objects of %d MiB put by the SDK (multipart, %d "
                + "parallel %d MiB parts) in %.1f s", config.runs() + 1, size >> 20, SDK_THREADS, PART >> 20,
                (System.nanoTime() - t0) / 1e9));
        return digests;
    }

    /** Reads the objects {@link #putColdObjects} put, whose SHA-256 digests are {@code digests}. */
    private void reads(List<String> digests) throws Exception {
        long size = (long) config.coldMiB() << 20;
        String key0 = "cold/obj-0";
        check("bucketfs", digest(processes.start(new ProcessBuilder("nfs-cat", nfs("/" + key0, 4))
                .redirectError(ProcessBuilder.Redirect.DISCARD)), size), digests.get(0));
        check("s3fs", digestFile(s3fs.dir().resolve(key0)), digests.get(0));
        check("rclone", digestFile(rclone.dir().resolve(key0)), digests.get(0));
        check("the SDK", digest(s3.get(key0), size), digests.get(0));
        check("s3fs's cache file", digestFile(s3fsCacheFile(key0)), digests.get(0));
        readBucketfs(key0, size); // re-reads, untimed
        readFile(s3fs.dir().resolve(key0));
        readFile(rclone.dir().resolve(key0));

        Map<String, List<Double>> cold = series("bucketfs", "s3fs", "rclone", "raw-get");
        Map<String, List<Double>> again = series("bucketfs", "s3fs", "rclone", "local-read", "tcp-loopback");
        Map<String, List<Double>> rss = series("bucketfs", "s3fs", "rclone");
        for (int run = 1; run <= config.runs(); run++) {
            String key = "cold/obj-" + run;
            try (RssPeaks peaks = new RssPeaks()) {
                cold.get("bucketfs").add(rate(size, readBucketfs(key, size)));
                cold.get("s3fs").add(rate(size, readFile(s3fs.dir().resolve(key))));
                cold.get("rclone").add(rate(size, readFile(rclone.dir().resolve(key))));
                cold.get("raw-get").add(rate(size, parallelGet(key, size)));
                peaks.addTo(rss);
            }
            again.get("bucketfs").add(rate(size, readBucketfs(key, size)));
            again.get("s3fs").add(rate(size, readFile(s3fs.dir().resolve(key))));
            again.get("rclone").add(rate(size, readFile(rclone.dir().resolve(key))));
            again.get("local-read").add(rate(size, readFile(s3fsCacheFile(key))));
            again.get("tcp-loopback").add(rate(size, loopbackCopy(size)));
        }
        logRuns("cold-read", "MiB/s", cold);
        logRuns("re-read", "MiB/s", again);
        logRuns("rss-cold-read", "MiB peak", rss);
        String obj = (size >> 20) + " MiB object";
        String by = "bucketfs: nfs-cat (libnfs, NFSv4.0); s3fs, rclone: cat of the mounted file";
        add("cold-read", "s3fs", cold.get("bucketfs"), cold.get("s3fs"), "MiB/s",
                "a " + obj + " no system has read, read whole once; " + by);
        add("cold-read", "rclone", cold.get("bucketfs"), cold.get("rclone"), "MiB/s", "the same read");
        add("cold-read", "raw-get", cold.get("bucketfs"), cold.get("raw-get"), "MiB/s", "the object-store "
                + "ceiling: the SDK's " + SDK_THREADS + " parallel ranged GETs of " + (RANGE >> 20) + " MiB");
        add("re-read", "s3fs", again.get("bucketfs"), again.get("s3fs"), "MiB/s",
                "the same " + obj + " read again at once by the system that just read it (its cache)");
        add("re-read", "rclone", again.get("bucketfs"), again.get("rclone"), "MiB/s", "the same re-read");
        add("re-read", "local-read", again.get("bucketfs"), again.get("local-read"), "MiB/s",
                "the physical ceiling: cat of s3fs's cache file of that object (a plain local file, page cache)");
        add("re-read", "tcp-loopback", again.get("bucketfs"), again.get("tcp-loopback"), "MiB/s",
                "the physical ceiling of any network file system here: that many bytes over one 127.0.0.1 TCP "
                        + "connection, Java to Java");
        String rssWhat = "peak resident set size while that system read the cold object (sampled every 100 ms); "
                + "lower is better; bucketfs: " + gatewaySettings();
        add("rss-cold-read", "s3fs", rss.get("bucketfs"), rss.get("s3fs"), "MiB", rssWhat);
        add("rss-cold-read", "rclone", rss.get("bucketfs"), rss.get("rclone"), "MiB", "the same peak");
    }

    private String gatewaySettings() {
        return "-Xmx1g" + (config.gatewayJvm().isEmpty() ? "" : " " + String.join(" ", config.gatewayJvm()))
                + ", chunk cache on disk (10 GiB), read-ahead and upload buffers by their defaults";
    }

    private Path s3fsCacheFile(String key) throws IOException {
        Path f = s3fs.cache().resolve(S3Bench.BUCKET).resolve(key);
        if (!Files.isRegularFile(f)) {
            throw new IOException("s3fs has no cache file " + f + " after reading " + key);
        }
        return f;
    }

    /** Seconds to read {@code key} whole through bucketfs with {@code nfs-cat}. */
    private double readBucketfs(String key, long size) throws Exception {
        gateway.checkAlive();
        return timed(List.of("nfs-cat", nfs("/" + key, 4)), 600 + (size >> 20));
    }

    /** Seconds to read {@code file} whole with {@code cat}. */
    private double readFile(Path file) throws Exception {
        return timed(List.of("cat", file.toString()), 600 + (Files.size(file) >> 20));
    }

    /** Seconds {@code command} took, its output discarded; fails with its stderr unless it exits 0. */
    private double timed(List<String> command, long timeoutSeconds) throws Exception {
        Path err = Files.createTempFile(config.workDir(), "err", ".txt");
        long start = System.nanoTime();
        Process p = processes.start(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()));
        int exit = BenchProcesses.await(p, timeoutSeconds, String.join(" ", command));
        double seconds = (System.nanoTime() - start) / 1e9;
        String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
        Files.delete(err);
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + exit + ": " + stderr);
        }
        return seconds;
    }

    /** Seconds for the SDK to GET {@code key} in parallel ranges, bytes counted and discarded. */
    private double parallelGet(String key, long size) throws Exception {
        long start = System.nanoTime();
        s3.parallelGet(key, size, RANGE, pool);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds to send {@code size} bytes over one loopback TCP connection to a reader that discards them. */
    private double loopbackCopy(long size) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<Long> reader = pool.submit(() -> {
                long n = 0;
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[1 << 20];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        n += r;
                    }
                }
                return n;
            });
            byte[] buf = new byte[1 << 20];
            long start = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = s.getOutputStream()) {
                for (long left = size; left > 0; left -= buf.length) {
                    out.write(buf, 0, (int) Math.min(buf.length, left));
                }
            }
            long got = reader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (got != size) {
                throw new IOException("loopback copy: " + got + " of " + size + " bytes arrived");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    // ------------------------------------------------------------------ 4. small files

    /**
     * Per run and system, a new directory {@code small-RUN-SYSTEM}: {@link S3Bench.Config#writers()} writers
     * create their share of the files in it, each written whole ({@link S3Bench.Config#smallKiB()} KiB) and closed
     * (bucketfs: {@code nfs-meta write} processes over NFSv3, libnfs's NFSv4 writes failing above 4 KiB; FUSE: as
     * many threads here writing through the kernel). Acknowledged: from the first writer's start to the last
     * one's last close. Durable: until the bucket lists every object with its size (ListObjectsV2, polled). The
     * warm-up run (a tenth of the files) checks one object's bytes per system.
     */
    private void smallFiles() throws Exception {
        int per = config.filesPerWriter();
        int total = per * config.writers();
        int warm = Math.max(1, per / 10);
        for (String sys : List.of("bucketfs", "s3fs", "rclone")) {
            double[] r = smallRun(sys, "small-w-" + sys, warm);
            byte[] got = s3.getBytes("small-w-" + sys + "/c0-0");
            if (!Arrays.equals(got, pattern(config.smallKiB() << 10))) {
                throw new IOException(sys + ": small-w-" + sys + "/c0-0 in the bucket holds other bytes");
            }
            log.accept(String.format(Locale.ROOT, "small-files  warm-up %s: %d files, %.0f files/s, durable "
                    + "%.0f files/s", sys, warm * config.writers(), r[0], r[1]));
        }
        Map<String, List<Double>> ack = series("bucketfs", "s3fs", "rclone");
        Map<String, List<Double>> durable = series("bucketfs", "s3fs", "rclone");
        Map<String, List<Double>> rss = series("bucketfs", "s3fs", "rclone");
        for (int run = 1; run <= config.runs(); run++) {
            try (RssPeaks peaks = new RssPeaks()) {
                for (String sys : List.of("bucketfs", "s3fs", "rclone")) {
                    double[] r = smallRun(sys, "small-" + run + "-" + sys, per);
                    ack.get(sys).add(r[0]);
                    durable.get(sys).add(r[1]);
                }
                peaks.addTo(rss);
            }
        }
        logRuns("small-files", "files/s", ack);
        logRuns("small-files-durable", "files/s", durable);
        logRuns("rss-small-files", "MiB peak", rss);
        String what = total + " files of " + config.smallKiB() + " KiB into a new directory by " + config.writers()
                + " parallel writers (bucketfs: nfs-meta over NFSv3; s3fs, rclone: threads writing through FUSE), "
                + "files/s until the last close";
        add("small-files", "s3fs", ack.get("bucketfs"), ack.get("s3fs"), "files/s", what);
        add("small-files", "rclone", ack.get("bucketfs"), ack.get("rclone"), "files/s", "the same writes");
        String whatDurable = "the same files, counted until the bucket lists every object with its size";
        add("small-files-durable", "s3fs", durable.get("bucketfs"), durable.get("s3fs"), "files/s", whatDurable);
        add("small-files-durable", "rclone", durable.get("bucketfs"), durable.get("rclone"), "files/s",
                whatDurable + " (rclone uploads 5 s after the close: --vfs-write-back's default)");
        String rssWhat = "peak resident set size during the small-file runs (all three systems' runs); lower is "
                + "better; bucketfs: " + gatewaySettings();
        add("rss-small-files", "s3fs", rss.get("bucketfs"), rss.get("s3fs"), "MiB", rssWhat);
        add("rss-small-files", "rclone", rss.get("bucketfs"), rss.get("rclone"), "MiB", "the same peak");
    }

    /** One run of one system into {@code dir}: {files/s acknowledged, files/s durable}. */
    private double[] smallRun(String sys, String dir, int per) throws Exception {
        int total = per * config.writers();
        int size = config.smallKiB() << 10;
        double firstMs;
        double lastMs;
        if (sys.equals("bucketfs")) {
            gateway.checkAlive();
            metaOnce(List.of("mkdir", "/" + dir), 3);
            long startAt = System.currentTimeMillis() + START_DELAY_MS;
            List<Process> writers = new ArrayList<>();
            List<Path> outs = new ArrayList<>();
            for (int k = 0; k < config.writers(); k++) {
                Path out = Files.createTempFile(config.workDir(), "meta", ".out");
                outs.add(out);
                writers.add(processes.start(new ProcessBuilder(meta.toString(), "-t", Long.toString(startAt),
                        nfs("", 3), "write", "/" + dir, "c" + k + "-", Integer.toString(per),
                        Integer.toString(config.smallKiB())).redirectErrorStream(true).redirectOutput(out.toFile())));
            }
            firstMs = Double.MAX_VALUE;
            lastMs = 0;
            for (int k = 0; k < writers.size(); k++) {
                double[] span = metaSpan(writers.get(k), outs.get(k), "write");
                firstMs = Math.min(firstMs, span[0]);
                lastMs = Math.max(lastMs, span[1]);
            }
        } else {
            Path d = (sys.equals("s3fs") ? s3fs : rclone).dir().resolve(dir);
            Files.createDirectory(d);
            byte[] data = pattern(size);
            List<Future<?>> writers = new ArrayList<>();
            firstMs = System.currentTimeMillis();
            for (int k = 0; k < config.writers(); k++) {
                int writer = k;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < per; i++) {
                        Files.write(d.resolve("c" + writer + "-" + i), data);
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            lastMs = System.currentTimeMillis();
        }
        awaitObjects(dir + "/", total, size);
        double durableMs = System.currentTimeMillis();
        return new double[] {total / ((lastMs - firstMs) / 1000.0), total / ((durableMs - firstMs) / 1000.0)};
    }

    /** Waits until the bucket lists {@code count} objects of {@code size} bytes under {@code prefix}. */
    private void awaitObjects(String prefix, int count, long size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            long n = s3.count(prefix, size);
            if (n == count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the bucket lists " + n + " of " + count + " objects of " + size + " bytes under "
                        + prefix + " after " + TIMEOUT_SECONDS + " s");
            }
            gateway.checkAlive();
            Thread.sleep(100);
        }
    }

    /** The bytes of every small file: byte j = (7j + j/251) mod 256, as nfs-meta writes them. */
    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (7 * j + j / 251);
        }
        return b;
    }

    // ------------------------------------------------------------------ 5. listing

    /**
     * Prefixes {@code list-0/} (the warm-up, fewer objects) to {@code list-RUNS/}, each of
     * {@link S3Bench.Config#listEntries()} empty objects, placed into S3Proxy's store as its files (PUTs would take
     * minutes) before any system has looked; run {@code r} lists
     * {@code list-r} once with each (bucketfs: one {@code nfs-meta readdir} over NFSv4, entries with their
     * attributes; FUSE: a directory stream of the mount; the SDK: ListObjectsV2 pages, the object-store
     * ceiling). Every listing must count every object.
     */
    private void putListings() throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i <= config.runs(); i++) {
            S3ProxyServer.placeEmptyObjects(gateway.dataDir().resolve("s3"), S3Bench.BUCKET, "list-" + i + "/",
                    entries(i));
        }
        log.accept(String.format(Locale.ROOT, "list-cold    setup: %d prefixes of %d empty objects (the warm-up's: "
                + "%d) placed into S3Proxy's store directory in %.1f s", config.runs(), config.listEntries(),
                entries(0), (System.nanoTime() - t0) / 1e9));
    }

    /** Lists the prefixes {@link #putListings} filled. */
    private void listing() throws Exception {
        int n = config.listEntries();
        Map<String, List<Double>> rates = series("bucketfs", "s3fs", "rclone", "raw-list");
        for (int run = 0; run <= config.runs(); run++) {
            String dir = "list-" + run;
            int e = entries(run);
            double[] r = {listBucketfs(dir, e), listMount(s3fs, dir, e), listMount(rclone, dir, e), listRaw(dir, e)};
            if (run > 0) {
                int i = 0;
                for (List<Double> l : rates.values()) {
                    l.add(r[i++]);
                }
            }
        }
        logRuns("list-cold", "entries/s", rates);
        String what = "the first listing of a directory of " + n + " objects that appeared in the bucket behind "
                + "every system's back; bucketfs: nfs-meta readdir (libnfs, NFSv4.0, attributes included); FUSE: a "
                + "directory stream of the mount";
        add("list-cold", "s3fs", rates.get("bucketfs"), rates.get("s3fs"), "entries/s", what);
        add("list-cold", "rclone", rates.get("bucketfs"), rates.get("rclone"), "entries/s", "the same listing");
        add("list-cold", "raw-list", rates.get("bucketfs"), rates.get("raw-list"), "entries/s",
                "the object-store ceiling: the SDK's ListObjectsV2 pages of that prefix");
    }

    /** Objects under prefix {@code list-RUN/}: a tenth (at most 200) for the warm-up run 0. */
    private int entries(int run) {
        return run == 0 ? Math.max(1, Math.min(200, config.listEntries() / 10)) : config.listEntries();
    }

    private double listBucketfs(String dir, int n) throws Exception {
        gateway.checkAlive();
        Path out = Files.createTempFile(config.workDir(), "meta", ".out");
        Process p = processes.start(new ProcessBuilder(meta.toString(), nfs("", 4), "readdir", "/" + dir)
                .redirectErrorStream(true).redirectOutput(out.toFile()));
        BenchProcesses.await(p, TIMEOUT_SECONDS, "nfs-meta readdir");
        String text = Files.readString(out, StandardCharsets.UTF_8).strip();
        Files.delete(out);
        String[] f = text.split(" ");
        if (p.exitValue() != 0 || f.length != 5) {
            throw new IOException("bucketfs: nfs-meta readdir /" + dir + " exited " + p.exitValue() + ": " + text);
        }
        long entries = Long.parseLong(f[1]);
        if (entries < n) { // libnfs may add "." and ".."
            throw new IOException("bucketfs: the listing of /" + dir + " has " + entries + " entries, not " + n);
        }
        return n / ((Double.parseDouble(f[4]) - Double.parseDouble(f[3])) / 1000.0);
    }

    private static double listMount(S3Bench.FuseMount m, String dir, int n) throws IOException {
        long start = System.nanoTime();
        long entries;
        try (var s = Files.list(m.dir().resolve(dir))) {
            entries = s.count();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (entries != n) {
            throw new IOException(m.label() + ": the listing of " + dir + " has " + entries + " entries, not " + n);
        }
        return n / seconds;
    }

    private double listRaw(String dir, int n) throws IOException {
        long start = System.nanoTime();
        long entries = s3.count(dir + "/", -1);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (entries != n) {
            throw new IOException("the SDK lists " + entries + " objects under " + dir + "/, not " + n);
        }
        return n / seconds;
    }

    // ------------------------------------------------------------------ 6. checkpoint

    /**
     * A file of random bytes ({@link S3Bench.Config#checkpointMiB()}) written into bucketfs by {@code nfs-cp}
     * (NFSv3), timed until the bucket has the whole object (HEAD polled: the write-back barrier a checkpointing
     * job waits for), vs the SDK's multipart upload of the same file ({@value #SDK_THREADS} parallel
     * {@code PART}-sized parts). Both objects are removed after each run (bucketfs's through NFS). The warm-up run
     * uses a file of a sixteenth of the size (at least 1 MiB).
     */
    private void checkpoint() throws Exception {
        long size = (long) config.checkpointMiB() << 20;
        Path source = config.workDir().resolve("checkpoint.bin");
        Path small = config.workDir().resolve("checkpoint-warmup.bin");
        NfsBenchCases.randomFile(source, size);
        NfsBenchCases.randomFile(small, Math.max(1L << 20, size / 16));
        checkpointRun("w", small);
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        List<Double> acked = new ArrayList<>();
        for (int run = 1; run <= config.runs(); run++) {
            double[] r = checkpointRun(Integer.toString(run), source);
            ours.add(rate(size, r[1]));
            acked.add(rate(size, r[0]));
            theirs.add(rate(size, r[2]));
        }
        log.accept("checkpoint   runs MiB/s: bucketfs durable [" + formatRuns(ours) + "] (nfs-cp done ["
                + formatRuns(acked) + "]) raw-multipart [" + formatRuns(theirs) + "]");
        add("checkpoint", "raw-multipart", ours, theirs, "MiB/s", (size >> 20) + " MiB file written through "
                + "bucketfs (nfs-cp, NFSv3) until the whole object is in the bucket, vs the SDK's multipart upload "
                + "of the same file (" + SDK_THREADS + " parallel " + (PART >> 20) + " MiB parts)");
        Files.delete(source);
        Files.delete(small);
    }

    /** Seconds: {nfs-cp done, the object in the bucket (both from the start), the SDK's upload}. */
    private double[] checkpointRun(String run, Path source) throws Exception {
        long size = Files.size(source);
        String key = "checkpoint-" + run;
        gateway.checkAlive();
        long start = System.nanoTime();
        processes.run(config.workDir(), TIMEOUT_SECONDS, List.of("nfs-cp", source.toString(), nfs("/" + key, 3)))
                .orThrow();
        double copied = (System.nanoTime() - start) / 1e9;
        long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (s3.size(key) != size) {
            if (System.nanoTime() > deadline) {
                throw new IOException("bucketfs: " + key + " is not in the bucket " + TIMEOUT_SECONDS + " s after "
                        + "it was written");
            }
            gateway.checkAlive();
            Thread.sleep(20);
        }
        double durable = (System.nanoTime() - start) / 1e9;
        long rawStart = System.nanoTime();
        uploadFile("checkpoint-raw-" + run, source);
        double raw = (System.nanoTime() - rawStart) / 1e9;
        if (s3.size("checkpoint-raw-" + run) != size) {
            throw new IOException("the SDK's upload of checkpoint-raw-" + run + " has another size");
        }
        gateway.awaitSettled(TIMEOUT_SECONDS); // its upload retired before the file goes
        metaOnce(List.of("remove", "/" + key), 3);
        s3.delete("checkpoint-raw-" + run);
        return new double[] {copied, durable, raw};
    }

    /** Puts {@code size} random bytes (seeded by {@code seed}) at {@code key}; returns their SHA-256 in hex. */
    private String uploadRandom(String key, long size, int seed) throws Exception {
        MessageDigest md = NfsBenchCases.sha256();
        s3.multipartUpload(key, size, PART, SDK_THREADS, index -> {
            byte[] b = new byte[(int) Math.min(PART, size - (long) index * PART)];
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
            for (int i = 0; i < b.length; i += 8) {
                long v = random.nextLong();
                for (int j = 0; j < 8 && i + j < b.length; j++) {
                    b[i + j] = (byte) (v >>> (8 * j));
                }
            }
            md.update(b); // parts are made in order, on this thread
            return b;
        }, pool);
        return HexFormat.of().formatHex(md.digest());
    }

    private void uploadFile(String key, Path file) throws Exception {
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            s3.multipartUpload(key, size, PART, SDK_THREADS, index -> {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(PART, size - (long) index * PART));
                long pos = (long) index * PART;
                while (b.hasRemaining()) {
                    if (ch.read(b, pos + b.position()) < 0) {
                        throw new IOException(file + " ended early");
                    }
                }
                return b.array();
            }, pool);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** One {@code nfs-meta} operation against bucketfs over NFS {@code version}; fails unless it succeeds. */
    private void metaOnce(List<String> args, int version) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(meta.toString(), nfs("", version)));
        cmd.addAll(args);
        processes.run(config.workDir(), 120, cmd).orThrow();
    }

    /** The {first op, last op} wall-clock milliseconds an {@code nfs-meta} process reported; fails unless it ran. */
    private static double[] metaSpan(Process p, Path out, String what) throws Exception {
        int exit = BenchProcesses.await(p, TIMEOUT_SECONDS, "nfs-meta " + what);
        String text = Files.readString(out, StandardCharsets.UTF_8).strip();
        Files.delete(out);
        String[] f = text.split(" ");
        if (exit != 0 || f.length != 5) {
            throw new IOException("bucketfs: nfs-meta " + what + " exited " + exit + ": " + text);
        }
        return new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])};
    }

    private static Map<String, List<Double>> series(String... labels) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        for (String l : labels) {
            m.put(l, new ArrayList<>());
        }
        return m;
    }

    private void logRuns(String name, String unit, Map<String, List<Double>> runs) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s runs %s:", name, unit));
        runs.forEach((label, values) -> b.append(' ').append(label).append(" [").append(formatRuns(values))
                .append(']'));
        log.accept(b.toString());
    }

    private static double rate(long bytes, double seconds) {
        return bytes / MIB / seconds;
    }

    private static void check(String who, String got, String expected) throws IOException {
        if (!got.equals(expected)) {
            throw new IOException(who + " read other bytes than the object's (sha256 " + got + ", expected "
                    + expected + ")");
        }
    }

    /** SHA-256 of what {@code p} prints, which must be {@code size} bytes and end with exit 0. */
    private static String digest(Process p, long size) throws Exception {
        String d;
        try (InputStream in = p.getInputStream()) {
            d = digest(in, size);
        }
        int exit = BenchProcesses.await(p, 600 + (size >> 20), "digest read");
        if (exit != 0) {
            throw new IOException("the digest read exited " + exit);
        }
        return d;
    }

    private static String digest(InputStream in, long size) throws IOException {
        MessageDigest md = NfsBenchCases.sha256();
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (in) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
                n += r;
            }
        }
        if (n != size) {
            throw new IOException("read " + n + " of " + size + " bytes");
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String digestFile(Path f) throws IOException {
        return digest(Files.newInputStream(f), Files.size(f));
    }

    /**
     * The peak resident set size of the gateway, s3fs and rclone while it is open, sampled every 100 ms on a
     * thread of its own.
     */
    private final class RssPeaks implements AutoCloseable {
        private final long[] peaks = new long[3];
        private volatile boolean open = true;
        private final Thread sampler = new Thread(this::sample, "s3bench-rss");

        RssPeaks() {
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (open) {
                long[] now = {gateway.rssMiB(), s3fs.rssMiB(), rclone.rssMiB()};
                synchronized (peaks) {
                    for (int i = 0; i < 3; i++) {
                        peaks[i] = Math.max(peaks[i], now[i]);
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Adds this window's peaks to {@code rss} (keys bucketfs, s3fs, rclone). */
        void addTo(Map<String, List<Double>> rss) throws InterruptedException {
            close();
            synchronized (peaks) {
                rss.get("bucketfs").add((double) peaks[0]);
                rss.get("s3fs").add((double) peaks[1]);
                rss.get("rclone").add((double) peaks[2]);
            }
        }

        @Override
        public void close() throws InterruptedException {
            open = false;
            sampler.interrupt();
            sampler.join();
        }
    }
}
