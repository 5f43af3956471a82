package io.bucketfs.tests.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hierynomus.mssmb2.SMBApiException;
import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.servers.ServerLauncher;
import io.bucketfs.tests.vm.TestVm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end crash consistency of the gateway process (issue 9): the gateway on a bucket of S3Proxy (which outlives
 * it, {@code tests/servers/bucketfs-s3.sh}) serves an NFSv3 client and an SMB 3.1.1 client at once, each in its own
 * directory writing, overwriting, atomically replacing, renaming and removing self-describing files
 * ({@link CrashContent}); at a random moment the gateway is killed with SIGKILL, restarted on the same data, and
 * every directory is read back through both protocols. Proves, after every kill:
 * <ul>
 *   <li>every operation acknowledged before the kill holds: data acknowledged durable (NFS COMMIT, SMB FLUSH or
 *   CLOSE — the default mount's {@code local} durability) is there exactly, acknowledged creates, renames and
 *       removes hold ({@link CrashLedger#check});</li>
 *   <li>the operation in flight is done or not, and a write in flight leaves only whole blocks of its own version
 *       (or zeros) — never a block of an older version, a torn block or foreign bytes: no file of mixed versions;</li>
 *   <li>the namespace listing is exactly what the acknowledged operations allow, and NFS and SMB show the same
 *       names and bytes;</li>
 *   <li>every {@value #BUCKET_CHECK_EVERY} kills and at the end, once the staging directory is empty, the bucket
 *       holds exactly the namespace's files with the same bytes (staged uploads and bucket renames finished after
 *       the restart). The kills in between may land on those recovery uploads.</li>
 * </ul>
 * Prints the journal replay time the gateway logs at each start and the time until it served again.
 * {@code -Dbucketfs.test.gatewayCrash.kills=N} (default 20; {@code -Dbucketfs.test.long=true}: 200);
 * {@code -Dbucketfs.test.gatewayCrash.seed=S} replays a run (its seed is printed); {@code
 * -Dbucketfs.test.gatewayCrash=false} skips it.
 */
@MachineBound
class GatewayCrashTest {

    static final int BUCKET_CHECK_EVERY = 3;
    private static final boolean LONG = Boolean.getBoolean("bucketfs.test.long");
    private static final int KILLS = Integer.getInteger("bucketfs.test.gatewayCrash.kills", LONG ? 200 : 20);
    private static final Pattern REPLAYED = Pattern.compile("journal replayed \\(.*millis=(\\d+)");

    static {
        // SMBJ logs every connection at INFO; a few hundred of them would bury the test's own lines
        System.setProperty("org.slf4j.simpleLogger.log.com.hierynomus", "off");
        // the gateway's JVM is started ~KILLS times: C1 only and the serial collector start it faster
        System.setProperty("bucketfs.test.gatewayCrash.jvm", System.getProperty("bucketfs.test.gatewayCrash.jvm",
                "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
    }

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES) // CI mode takes ~2 minutes; long mode ~20
    void everyAcknowledgedOperationSurvivesSigkillOfTheGateway() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Boolean.parseBoolean(System.getProperty("bucketfs.test.gatewayCrash", "true")));
        long seed = Long.getLong("bucketfs.test.gatewayCrash.seed", System.nanoTime());
        System.out.println("GatewayCrashTest: seed " + seed + " (-Dbucketfs.test.gatewayCrash.seed=" + seed
                + " replays it), " + KILLS + " kills");
        int port = ServerLauncher.freePortPair();
        int smbPort = ServerLauncher.freePort();
        ServerLauncher.Running gateway = ServerLauncher.BUCKETFS_S3.at(TestVm.repoRootFromProperty(),
                tmp.resolve("state"), tmp.resolve("data"), port,
                Map.of("SERVER_SMB_PORT", Integer.toString(smbPort), "JAVA_OPTS",
                        System.getProperty("bucketfs.test.gatewayCrash.jvm")));
        List<CrashLedger> ledgers = List.of(new CrashLedger("nfs"), new CrashLedger("smb"));
        List<Long> replayMillis = new ArrayList<>();
        List<Double> servingSeconds = new ArrayList<>();
        long started = System.nanoTime();
        try (gateway; BucketView bucket = new BucketView("http://127.0.0.1:" + (port + 1), "default");
             KeepLogs keep = new KeepLogs(gateway.stateDir(), gateway.dataDir())) {
            gateway.start();
            Clients clients = new Clients(port, smbPort, password(gateway));
            SplittableRandom random = new SplittableRandom(seed);
            List<CrashWorker<?>> workers = clients.connect(ledgers, random.nextLong());
            for (int kill = 1; kill <= KILLS; kill++) {
                long delay = 100 + random.nextInt(1000);
                long t0 = System.nanoTime();
                String inFlight = runAndKill(gateway, workers, delay, seed, kill);
                long logBefore = Files.size(gateway.log());
                long t1 = System.nanoTime();
                gateway.start();
                long t2 = System.nanoTime();
                long replay = replayMillis(gateway.log(), logBefore);
                workers = clients.connect(ledgers, random.nextLong());
                verify(workers, ledgers, seed, kill);
                long t3 = System.nanoTime();
                boolean bucketChecked = kill % BUCKET_CHECK_EVERY == 0 || kill == KILLS;
                if (bucketChecked) {
                    checkBucket(gateway, workers.get(0), bucket, ledgers, seed, kill);
                }
                replayMillis.add(replay);
                servingSeconds.add((t2 - t1) / 1e9);
                System.out.printf("kill %d/%d: after %d ms; in flight %s; replay %d ms; seconds: run and kill %.2f, "
                                + "restart %.2f, verify %.2f%s; acknowledged so far nfs %d, smb %d%n", kill, KILLS,
                        delay, inFlight, replay, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                        bucketChecked ? String.format(", bucket = namespace %.2f", (System.nanoTime() - t3) / 1e9)
                                : "", ledgers.get(0).acks(), ledgers.get(1).acks());
            }
            for (CrashWorker<?> w : workers) {
                w.close();
            }
            keep.passed = true;
        }
        System.out.printf("GatewayCrashTest: %d kills in %.1f s, seed %d; operations acknowledged: nfs %d, smb %d; "
                        + "journal replay p50 %d ms, max %d ms; serving again p50 %.2f s, max %.2f s%n", KILLS,
                (System.nanoTime() - started) / 1e9, seed, ledgers.get(0).acks(), ledgers.get(1).acks(),
                percentile(replayMillis, 50), percentile(replayMillis, 100),
                percentile(servingSeconds, 50), percentile(servingSeconds, 100));
        assertTrue(ledgers.get(0).acks() > KILLS && ledgers.get(1).acks() > KILLS,
                "the workers hardly worked: " + ledgers.get(0).acks() + ", " + ledgers.get(1).acks());
    }

    /** How to reach the gateway's two protocols. */
    private record Clients(int nfsPort, int smbPort, String password) {

        /** A worker per ledger: the ledger named "nfs" gets the NFS client, "smb" the SMB one. */
        List<CrashWorker<?>> connect(List<CrashLedger> ledgers, long seed) throws Exception {
            List<CrashWorker<?>> out = new ArrayList<>();
            for (int w = 0; w < ledgers.size(); w++) {
                CrashLedger l = ledgers.get(w);
                out.add(l.name().equals("nfs") ? new NfsCrashWorker(l, w + 1, seed + w, nfsPort, l.name())
                        : new SmbCrashWorker(l, w + 1, seed + w, smbPort, "bucketfs", password, l.name()));
            }
            return out;
        }
    }

    private static String password(ServerLauncher.Running gateway) throws IOException {
        return Files.readString(gateway.dataDir().resolve("gateway/smb-password"), StandardCharsets.UTF_8).strip();
    }

    /**
     * Runs the workers until the gateway is killed {@code delayMillis} after they started, and closes them; fails
     * if a worker failed for any other reason than the kill (an error reply is never the kill's doing). Returns
     * what was in flight.
     */
    private static String runAndKill(ServerLauncher.Running gateway, List<CrashWorker<?>> workers, long delayMillis,
                                     long seed, int kill) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (CrashWorker<?> w : workers) {
                runs.add(pool.submit(() -> {
                    w.run();
                    return null;
                }));
            }
            Thread.sleep(delayMillis);
            for (int w = 0; w < workers.size(); w++) {
                if (runs.get(w).isDone()) { // ended before the kill: a failure
                    failedWorker(runs.get(w), workers.get(w), seed, kill, true);
                }
            }
            sigkill(gateway);
            for (int w = 0; w < workers.size(); w++) {
                failedWorker(runs.get(w), workers.get(w), seed, kill, false);
            }
        } finally {
            pool.shutdownNow();
            for (CrashWorker<?> w : workers) {
                closeQuietly(w);
            }
        }
        List<String> inFlight = new ArrayList<>();
        for (CrashWorker<?> w : workers) {
            CrashLedger l = w.ledger;
            inFlight.add(l.name() + " " + (l.pending() == null ? "none" : describe(l.pending())));
        }
        return String.join(", ", inFlight);
    }

    /**
     * SIGKILL of the gateway's JVM ({@code ProcessHandle.destroyForcibly} is SIGKILL on Linux), straight from here
     * rather than through the launcher's {@code kill}, which costs a shell: the kill lands where the delay says.
     * Returns once the process is dead.
     */
    private static void sigkill(ServerLauncher.Running gateway) throws Exception {
        long pid = gateway.pid().orElseThrow(() -> new AssertionError("the gateway has no pid file"));
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the gateway (pid " + pid
                + ") died before its kill; its log: " + gateway.log()));
        p.destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway (pid " + pid + ") outlived SIGKILL by 30 s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Whether process {@code pid} still runs: not gone and not a zombie (dead, its sockets and files closed, waiting
     * for its parent — init, which may take seconds — to reap it).
     */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    /** Waits for a worker's end; its failure is the kill's unless it is an error reply or came before the kill. */
    private static void failedWorker(Future<?> run, CrashWorker<?> w, long seed, int kill, boolean beforeKill)
            throws Exception {
        try {
            try {
                run.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                closeQuietly(w); // a call the client does not fail when its connection drops (oncrpc4j) fails now
                run.get(60, TimeUnit.SECONDS);
            }
            fail("worker " + w.ledger.name() + " ended without a failure");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (beforeKill || cause instanceof SMBApiException || cause instanceof CrashWorker.ErrorReply) {
                throw new AssertionError("seed " + seed + ", kill " + kill + ": worker " + w.ledger.name()
                        + " failed " + (beforeKill ? "before the kill" : "by an error reply") + ": " + cause, cause);
            }
        }
    }

    private static String describe(CrashLedger.Pending p) {
        return p.kind() + " " + p.path() + (p.to() != null ? " -> " + p.to() : "")
                + (p.version() != null ? " v" + p.version().version() + (p.truncated() ? " (truncated)" : "") : "");
    }

    /**
     * Reads every worker's directory through every protocol, checks it against its ledger, and settles the ledger
     * (a partial write left by the kill is removed by its worker).
     */
    private static void verify(List<CrashWorker<?>> workers, List<CrashLedger> ledgers, long seed, int kill)
            throws Exception {
        for (int d = 0; d < ledgers.size(); d++) {
            CrashLedger ledger = ledgers.get(d);
            TreeMap<String, byte[]> first = null;
            for (CrashWorker<?> reader : workers) {
                String through = reader.ledger.name().toUpperCase(java.util.Locale.ROOT);
                TreeMap<String, byte[]> seen = reader.readAll(ledger.name());
                if (first == null) {
                    String why = ledger.check(seen);
                    if (why != null) {
                        fail("seed " + seed + ", kill " + kill + ": after the restart, through " + through + ", "
                                + why);
                    }
                    first = seen;
                } else if (!sameFiles(first, seen)) {
                    fail("seed " + seed + ", kill " + kill + ": in " + ledger.name() + ", " + through + " shows "
                            + seen.keySet() + ", " + workers.get(0).ledger.name() + " " + first.keySet()
                            + " (or other bytes)");
                }
            }
            for (String partial : ledger.settle(first)) {
                workers.get(d).remove(partial); // a legitimate partial write: out of the way of the next round
            }
        }
    }

    private static boolean sameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        return a.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), b.get(e.getKey())));
    }

    /** Once staging is empty, the bucket must come to hold exactly the namespace (bucket renames may lag). */
    private static void checkBucket(ServerLauncher.Running gateway, CrashWorker<?> reader, BucketView bucket,
                                    List<CrashLedger> ledgers, long seed, int kill) throws Exception {
        gateway.awaitSettled(60);
        for (CrashLedger ledger : ledgers) {
            TreeMap<String, byte[]> files = reader.readAll(ledger.name());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String diff;
            while ((diff = bucket.difference(ledger.name(), files)) != null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (diff != null) {
                fail("seed " + seed + ", kill " + kill + ": 30 s after staging drained, " + diff);
            }
        }
    }

    /**
     * Copies the gateway's and S3Proxy's logs to {@code target/gateway-crash/} at the end, and after a failure the
     * data directory too (journal, staging, the bucket's files), to read with {@code JournalDump}.
     */
    private static final class KeepLogs implements AutoCloseable {
        private final Path stateDir;
        private final Path dataDir;
        boolean passed;

        KeepLogs(Path stateDir, Path dataDir) {
            this.stateDir = stateDir;
            this.dataDir = dataDir;
        }

        @Override
        public void close() throws IOException {
            Path to = Path.of("target", "gateway-crash");
            if (Files.exists(to)) {
                try (var old = Files.walk(to)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(to);
            for (String log : List.of("gateway.log", "s3proxy.log")) {
                if (Files.exists(stateDir.resolve(log))) {
                    Files.copy(stateDir.resolve(log), to.resolve(log), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!passed && Files.isDirectory(dataDir)) {
                try (var all = Files.walk(dataDir)) {
                    for (Path p : all.toList()) {
                        Path dst = to.resolve("data").resolve(dataDir.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(dst);
                        } else if (Files.isRegularFile(p)) {
                            Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        }
    }

    private static long replayMillis(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String text = new String(all, (int) Math.min(from, all.length), (int) (all.length - Math.min(from, all.length)),
                StandardCharsets.UTF_8);
        Matcher m = REPLAYED.matcher(text);
        long max = -1;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        if (max < 0) {
            throw new AssertionError("no 'journal replayed' line in the gateway's log since the restart: " + log);
        }
        return max;
    }

    private static <T extends Comparable<T>> T percentile(List<T> values, int p) {
        List<T> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the gateway is dead: the connection may already be gone
        }
    }
}
