package io.bucketfs.vfs.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is appending (and snapshotting) with SIGKILL at random moments, then checks that
 * every record the child saw acknowledged survived intact and in order, and that appends continue.
 */
class JournalCrashTest {
    private static final int ITERATIONS = 20;

    @TempDir
    Path tmp;

    @Test
    @Timeout(150)
    void sigkillNeverLosesAnAcknowledgedRecord() throws Exception {
        long seed = System.nanoTime();
        System.out.println("crash test seed " + seed);
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("journal");
        Map<Long, Integer> acked = new TreeMap<>();
        List<Long> replayMillis = new ArrayList<>();
        int iterationsWithAcks = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            ChildRun run = runAndKill(dir, 250 + rnd.nextInt(1500));
            for (Map.Entry<Long, Integer> e : run.acks.entrySet()) {
                Integer before = acked.put(e.getKey(), e.getValue());
                if (before != null && !before.equals(e.getValue())) {
                    fail("LSN " + e.getKey() + " acknowledged twice with different records: a lost record was"
                            + " reused (iteration " + i + ", seed " + seed + ")");
                }
            }
            iterationsWithAcks += run.acks.isEmpty() ? 0 : 1;
            Verified v = verify(dir, acked, i, seed);
            replayMillis.add(v.millis);
            System.out.printf("crash %2d: killed after %4d ms, child acked %5d (snapshots %d), journal at LSN %6d,"
                            + " snapshot %6d, replayed %5d records in %3d ms, torn bytes cut %d%n", i, run.killAfter,
                    run.acks.size(), run.snapshots, v.lastLsn, v.snapshotLsn, v.records, v.millis, v.truncated);
        }
        long total = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("crash test: %d kills in %d ms, %d acknowledged records all intact; replay ms min %d"
                        + " max %d%n", ITERATIONS, total, acked.size(), replayMillis.stream().min(Long::compare).get(),
                replayMillis.stream().max(Long::compare).get());
        assertTrue(iterationsWithAcks >= ITERATIONS / 2, "too few runs got to append: " + iterationsWithAcks);
    }

    private record ChildRun(Map<Long, Integer> acks, int snapshots, long killAfter) {
    }

    private record Verified(long lastLsn, long snapshotLsn, long records, long millis, long truncated) {
    }

    private ChildRun runAndKill(Path dir, long killAfterMillis) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp,
                JournalCrashChild.class.getName(), dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("child-stderr.log").toFile()));
        Process p = pb.start();
        Map<Long, Integer> acks = new ConcurrentHashMap<>();
        int[] snapshots = {0};
        List<String> errors = new ArrayList<>();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> readLines(p.getInputStream(), acks, snapshots, errors, ready),
                "child-stdout");
        reader.start();
        // the kill time counts from the child's READY (journal open): JVM start-up on a loaded machine is no part
        // of the test
        ready.await(60, TimeUnit.SECONDS);
        boolean exited = p.waitFor(killAfterMillis, TimeUnit.MILLISECONDS);
        p.destroyForcibly();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "child did not die");
        reader.join(10_000);
        if (exited || !errors.isEmpty()) {
            fail("child exited by itself (" + p.exitValue() + ") or reported errors " + errors + "; stderr: "
                    + Files.readString(tmp.resolve("child-stderr.log")));
        }
        return new ChildRun(acks, snapshots[0], killAfterMillis);
    }

    /** Parses complete lines only: a line cut by the kill (no newline) is ignored. */
    private static void readLines(InputStream in, Map<Long, Integer> acks, int[] snapshots, List<String> errors,
                                  java.util.concurrent.CountDownLatch ready) {
        StringBuilder line = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                for (char c : new String(buf, 0, n, StandardCharsets.US_ASCII).toCharArray()) {
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String[] f = line.toString().split(" ");
                    line.setLength(0);
                    if (f[0].equals("A")) {
                        acks.put(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                    } else if (f[0].equals("READY")) {
                        ready.countDown();
                    } else if (f[0].equals("S")) {
                        snapshots[0]++;
                    } else if (f[0].equals("ERR")) {
                        synchronized (errors) {
                            errors.add(String.join(" ", f));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closes when the child dies
        }
    }

    /** Reopens in this JVM: full history contiguous, every acknowledged record intact; then appends one. */
    private Verified verify(Path dir, Map<Long, Integer> acked, int iteration, long seed) throws IOException {
        Map<Long, Integer> seen = new TreeMap<>();
        try (Journal j = Journal.open(dir, JournalCrashChild.SETTINGS, Replay.of(
                (lsn, in) -> JournalCrashChild.readState(in, seen),
                (lsn, payload) -> assertNull(seen.put(lsn, JournalCrashChild.hash(payload)))))) {
            long last = j.lastLsn();
            assertEquals(last, seen.size(), "history must be LSN 1.." + last + " without gaps");
            for (Map.Entry<Long, Integer> e : acked.entrySet()) {
                assertEquals(e.getValue(), seen.get(e.getKey()), "acknowledged LSN " + e.getKey()
                        + " lost or changed after crash " + iteration + " (seed " + seed + ")");
            }
            byte[] mine = ("parent after crash " + iteration).getBytes(StandardCharsets.US_ASCII);
            long lsn = j.appendAndWait(mine);
            assertEquals(last + 1, lsn, "appends must continue the sequence");
            acked.put(lsn, JournalCrashChild.hash(mine));
            ReplayStats s = j.replayStats();
            return new Verified(last, s.snapshotLsn(), s.records(), s.millis(), s.truncatedBytes());
        }
    }
}
