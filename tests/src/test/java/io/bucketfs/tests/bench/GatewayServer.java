package io.bucketfs.tests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bucketfs serve} as users run it, from the built distribution in a JVM of its own: the embedded default
 * (a local-directory bucket in the data directory, the cache beside it), NFS on an ephemeral port of 127.0.0.1,
 * no grace period. {@link #awaitUploaded} waits until everything written through it is in the bucket.
 */
final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Pattern PORT = Pattern.compile("NFS listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final long START_SECONDS = 120;
    private static final long STOP_SECONDS = 300;

    private final BenchProcesses processes;
    private final Path jar;
    private final Path dataDir;
    private final List<String> jvmOptions;
    private Process process;
    private int port;

    private GatewayServer(BenchProcesses processes, Path jar, Path dataDir, List<String> jvmOptions) {
        this.processes = processes;
        this.jar = jar;
        this.dataDir = dataDir;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Starts the gateway of {@code jar} ({@code gateway/target/bucketfs-gateway.jar}) on {@code dataDir} and waits
     * until it says it is running.
     */
    static GatewayServer start(BenchProcesses processes, Path jar, Path dataDir, List<String> jvmOptions)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("the gateway distribution is not built: " + jar
                    + " (mvn -DskipTests -pl tests -am package builds it)");
        }
        GatewayServer g = new GatewayServer(processes, jar, dataDir, jvmOptions);
        g.launch();
        return g;
    }

    private void launch() throws IOException, InterruptedException {
        Path log = log();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Djdk.httpclient.allowRestrictedHeaders=content-length", "-jar", jar.toString(),
                "serve", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--nfs-port", "0", "--nfs-grace", "0"));
        Files.createDirectories(dataDir.getParent());
        process = processes.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (true) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = PORT.matcher(text);
            if (text.contains("bucketfs gateway running") && m.find()) {
                port = Integer.parseInt(m.group(1));
                break;
            }
            if (!process.isAlive()) {
                throw new IOException("bucketfs serve exited " + process.exitValue() + " at start:\n"
                        + GaneshaServer.tail(text, 40));
            }
            if (System.nanoTime() > deadline) {
                BenchProcesses.stop(process, 10);
                throw new IOException("bucketfs serve not running within " + START_SECONDS + " s:\n"
                        + GaneshaServer.tail(text, 40));
            }
            Thread.sleep(100);
        }
        LOG.info("bucketfs gateway {} serving {} at 127.0.0.1:{}/default", process.pid(), dataDir, port);
    }

    /**
     * Waits until the gateway has nothing left to upload: no manifest or data file in its staging directory
     * ({@code DATA_DIR/cache/staging}, layout in {@code WriteBack}'s javadoc) — every staged write is in the bucket
     * and retired. The sync barrier after files were copied in (SIGTERM is none: the gateway stops with uploads
     * still staged, to be resumed by the next start). Returns the seconds until staging was first seen empty (to
     * within 50 ms; it is confirmed by a second look 200 ms later); fails after {@code timeoutSeconds}.
     */
    double awaitUploaded(long timeoutSeconds) throws IOException, InterruptedException {
        Path staging = dataDir.resolve("cache/staging");
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long emptySince = -1;
        while (true) {
            checkAlive();
            long now = System.nanoTime();
            if (staged(staging) != 0) {
                emptySince = -1;
            } else if (emptySince < 0) {
                emptySince = now;
            } else {
                return (emptySince - start) / 1e9; // empty at two looks in a row
            }
            if (now > deadline) {
                throw new IOException("the gateway still has " + staged(staging) + " staged files in " + staging
                        + " after " + timeoutSeconds + " s");
            }
            Thread.sleep(emptySince < 0 ? 50 : 200);
        }
    }

    private static long staged(Path staging) throws IOException {
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        try (var files = Files.list(staging)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".manifest") || n.endsWith(".data")).count();
        }
    }

    private Path log() {
        return dataDir.resolveSibling("gateway.log");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the gateway JVM now, in MiB (from /proc), or -1 if unknown. */
    long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Fails if the gateway has died since it started. */
    void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException("bucketfs serve exited " + process.exitValue() + " during the benchmark; log: "
                    + log());
        }
    }

    @Override
    public void close() throws InterruptedException {
        BenchProcesses.stop(process, STOP_SECONDS);
    }
}
