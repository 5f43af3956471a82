package io.bucketfs.cache.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.backends.GetOptions;
import io.bucketfs.backends.ObjectContent;
import io.bucketfs.backends.ObjectStore;
import io.bucketfs.backends.local.LocalDirectoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a writing process ({@link CrashChild}) with SIGKILL at random times, again and again on the same staging
 * directory (each child recovers what the last one left, and is killed during that too), then recovers once more
 * and checks that every acknowledged file is in the bucket with exactly the acknowledged content.
 * {@code -Dbucketfs.test.crashIterations=N} runs more rounds (default {@value #DEFAULT_ITERATIONS}).
 */
class WriteBackCrashTest {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBackCrashTest.class);
    static final int DEFAULT_ITERATIONS = 12;

    @TempDir
    Path staging;
    @TempDir
    Path bucket;
    @TempDir
    Path logs;

    @Test
    @Timeout(240)
    void everyAcknowledgedFileSurvivesSigkill() throws Exception {
        int iterations = Integer.getInteger("bucketfs.test.crashIterations", DEFAULT_ITERATIONS);
        long seed0 = System.nanoTime();
        LOG.info("crash test seed {}", seed0);
        Random rnd = new Random(seed0);
        Map<String, String> acked = new ConcurrentHashMap<>();
        for (int it = 0; it < iterations; it++) {
            runAndKill(it, Math.abs(seed0 + it) % 1_000_000_007L, 100 + rnd.nextInt(1500), acked);
        }
        ObjectStore store = LocalDirectoryStore.create(bucket);
        try (WriteBack wb = WriteBack.open(staging, WriteBackSettings.DEFAULT, id -> store,
                new StoreBaseSource(store), UploadListener.NONE)) {
            LOG.info("after {} kills: {} acknowledged files, {} still to upload", iterations, acked.size(),
                    wb.stats().uploadQueue());
            wb.barrier().get(120, TimeUnit.SECONDS);
        }
        assertTrue(acked.size() >= iterations, "children acknowledged too little: " + acked.size());
        for (Map.Entry<String, String> e : acked.entrySet()) {
            try (ObjectContent c = store.get(e.getKey(), GetOptions.NONE)) {
                assertEquals(e.getValue(), CrashChild.sha256(c.readAllBytes()), "content of " + e.getKey());
            }
        }
    }

    private void runAndKill(int it, long seed, long killAfterMillis, Map<String, String> acked) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logs.resolve("child-" + it + ".log");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                staging.toString(), bucket.toString(), Long.toString(seed))
                .redirectError(log.toFile())
                .start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> readAcks(p, ready, acked), "crash-child-reader");
        reader.start();
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("child did not start: " + Files.readString(log));
            }
            Thread.sleep(killAfterMillis);
            assertTrue(p.isAlive(), () -> "child died by itself: " + readQuietly(log));
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            reader.join(10_000);
        }
    }

    private static void readAcks(Process p, CountDownLatch ready, Map<String, String> acked) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                if (line.equals("READY")) {
                    ready.countDown();
                } else if (f.length == 3 && f[0].equals("ACK") && f[2].length() == 64) {
                    acked.put(f[1], f[2]);
                }
            }
        } catch (IOException e) {
            // the child was killed mid-line: only whole lines count
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
