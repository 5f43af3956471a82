package io.bucketfs.tests.bench;

import io.bucketfs.tests.servers.ServerLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process a benchmark starts (readers, metadata clients, and the servers, through their launchers in
 * {@code tests/servers/}) goes through here, so that none outlives it: each is remembered until it ends, its pid
 * is appended to a file the calling script reads to clean up after a crash ({@code tests/bench/nfs} kills what is
 * still alive there), and a shutdown hook (Ctrl-C, SIGTERM) destroys whatever is still running and stops the
 * servers.
 */
final class BenchProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchProcesses.class);

    /** The outcome of a process run to its end. */
    record Run(int exit, String stdout, String stderr, String command) {
        /** Fails with the command, its exit code and its stderr unless it exited 0. */
        Run orThrow() throws IOException {
            if (exit != 0) {
                throw new IOException(command + " exited " + exit + ": " + stderr.strip());
            }
            return this;
        }
    }

    private final Path pidFile;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final Set<ServerLauncher.Running> servers = ConcurrentHashMap.newKeySet();
    private final Thread hook = new Thread(this::destroyAll, "bench-process-cleanup");

    /** @param pidFile where each started pid is appended, one a line (created or emptied here) */
    BenchProcesses(Path pidFile) throws IOException {
        this.pidFile = pidFile;
        Files.createDirectories(pidFile.toAbsolutePath().getParent());
        Files.writeString(pidFile, "", StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code builder}'s command and remembers the process. */
    Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        running.add(p);
        p.onExit().thenRun(() -> running.remove(p));
        Files.writeString(pidFile, p.pid() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return p;
    }

    /**
     * Starts {@code server} (its launcher waits until it serves; a server that cannot start is an
     * {@link IOException} with the tail of its log) and remembers it: stopped by {@link #close} and on Ctrl-C, its
     * pid recorded. It is remembered before it starts, so that an interrupted start is stopped too.
     */
    ServerLauncher.Running start(ServerLauncher.Running server) throws IOException {
        servers.add(server);
        server.start();
        Files.writeString(pidFile, server.pid().map(p -> p + "\n").orElse(""), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        return server;
    }

    /** Runs {@code command} to its end (killed after {@code timeoutSeconds}), capturing stdout and stderr. */
    Run run(Path scratch, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        try {
            Process p = start(new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()));
            int exit = await(p, timeoutSeconds, String.join(" ", command));
            return new Run(exit, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), String.join(" ", command));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Waits for {@code p} to end; kills it and fails if it has not ended within {@code timeoutSeconds}. */
    static int await(Process p, long timeoutSeconds, String what) throws IOException, InterruptedException {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException(what + ": still running after " + timeoutSeconds + " s, killed");
        }
        return p.exitValue();
    }

    private void destroyAll() {
        List<Process> left = new ArrayList<>(running);
        for (Process p : left) {
            p.destroy();
        }
        for (ServerLauncher.Running s : List.copyOf(servers)) {
            try {
                s.close(); // SIGTERM, SIGKILL if it does not end; a server already stopped is fine
            } catch (IOException e) {
                LOG.warn("{}: {}", s.launcher().id(), e.getMessage());
            }
        }
        for (Process p : left) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Destroys whatever is still running, stops the servers and forgets the shutdown hook. */
    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
