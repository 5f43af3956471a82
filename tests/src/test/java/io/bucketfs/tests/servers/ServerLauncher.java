package io.bucketfs.tests.servers;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An NFS server the end-to-end suites can run: the gateway under test or a peer. Each is a shell launcher in
 * {@code tests/servers/NAME.sh} with one interface ({@code start|stop|kill|restart|status}, configured by
 * {@code SERVER_DIR}, {@code SERVER_DATA}, {@code SERVER_PORT}); the shell is the source of truth because the
 * test VM's host hook ({@code tests/vm/hook.sh}) drives the same launcher from inside a network namespace.
 *
 * <p>The VM suite hands {@link #script} to {@code tests/vm/run.sh}; benchmarks start a server on the host's
 * loopback with {@link #start} (or {@link #at} and {@link Running#start}, to be able to stop it while it starts).
 */
public enum ServerLauncher {
    /** nfs-ganesha 4.3, VFS FSAL, NFSv4.1/4.2 only, no grace period: the stand-in and the benchmark peer. */
    GANESHA("ganesha.pid", "ganesha.log", null),
    /** {@code ./bucketfs serve --nfs-port P --bind 127.0.0.1 --nfs-grace 0}: the gateway under test. */
    BUCKETFS("bucketfs.pid", "bucketfs.log", "cache/staging"),
    /** The gateway with its default mount on a bucket of S3Proxy (a process of its own that outlives kills). */
    BUCKETFS_S3("gateway.pid", "gateway.log", "gateway/cache/staging"),
    /** Stock Samba smbd 4.17 sharing SERVER_DATA as "default" on SERVER_PORT (SMB): the SMB benchmark's peer. */
    SAMBA("smbd.pid", "smbd.log", null);

    private final String pidFile;
    private final String logFile;
    private final String staging;

    /**
     * @param pidFile the server's pid file in {@code SERVER_DIR}, as the launcher writes it
     * @param logFile the server's log in {@code SERVER_DIR}
     * @param staging the gateway's staging directory below {@code SERVER_DATA} (layout in {@code WriteBack}'s
     *                javadoc); null for a server that writes through
     */
    ServerLauncher(String pidFile, String logFile, String staging) {
        this.pidFile = pidFile;
        this.logFile = logFile;
        this.staging = staging;
    }

    /** The test classpath of this JVM (surefire's, else {@code java.class.path}), for launchers running test mains. */
    public static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** A TCP port of 127.0.0.1 that is free now, for {@link #start}. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Resident set size of process {@code pid} now, in MiB (from /proc), or -1 if unknown (or ended). */
    public static long rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * A port P of 127.0.0.1 such that P and P + 1 are both free now: for {@link #BUCKETFS_S3}, whose S3Proxy listens on
     * the gateway's port + 1.
     */
    public static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int p = freePort();
            if (p >= 65535) {
                continue;
            }
            try (ServerSocket a = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress());
                 ServerSocket b = new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two adjacent free ports on 127.0.0.1 in 100 tries");
    }

    /** the lower-case name used by {@code tests/servers/} and {@code tests/vm/run.sh --server} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** the launcher script in a checkout */
    public Path script(Path repoRoot) {
        return repoRoot.resolve("tests/servers").resolve(id() + ".sh");
    }

    /** the launcher named {@code id} ({@code ganesha}, {@code bucketfs}) */
    public static ServerLauncher byId(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * Starts the server on the host's loopback (127.0.0.1), for host-side clients such as the benchmarks' libnfs
     * readers.
     *
     * @param stateDir config, log and pid of the launcher
     * @param dataDir the exported directory (ganesha) or the gateway's data directory (bucketfs)
     * @param env launcher settings, e.g. {@code GANESHA_MINOR_VERSIONS=0, 1, 2} (libnfs speaks NFSv4.0 only), or
     *            {@code BUCKETFS_JAR} and {@code JAVA_OPTS} (the gateway distribution and its JVM options)
     */
    public Running start(Path repoRoot, Path stateDir, Path dataDir, int port, Map<String, String> env)
            throws IOException {
        Running r = at(repoRoot, stateDir, dataDir, port, env);
        r.start();
        return r;
    }

    /** The server {@link #start} starts, not started yet. */
    public Running at(Path repoRoot, Path stateDir, Path dataDir, int port, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("SERVER_BIND", "127.0.0.1");
        return new Running(this, script(repoRoot), stateDir, dataDir, port, Map.copyOf(all));
    }

    /** A server of a launcher; {@link #close} stops it (SIGTERM; SIGKILL if that fails). */
    public static final class Running implements AutoCloseable {
        private final ServerLauncher launcher;
        private final Path script;
        private final Path stateDir;
        private final Path dataDir;
        private final int port;
        private final Map<String, String> env;

        Running(ServerLauncher launcher, Path script, Path stateDir, Path dataDir, int port, Map<String, String> env) {
            this.launcher = launcher;
            this.script = script;
            this.stateDir = stateDir;
            this.dataDir = dataDir;
            this.port = port;
            this.env = env;
        }

        public ServerLauncher launcher() {
            return launcher;
        }

        public int port() {
            return port;
        }

        /** The launcher's {@code SERVER_DATA}: ganesha's export, the gateway's data directory. */
        public Path dataDir() {
            return dataDir;
        }

        /** The launcher's {@code SERVER_DIR}: config, pid file, logs. */
        public Path stateDir() {
            return stateDir;
        }

        /** The server's log. */
        public Path log() {
            return stateDir.resolve(launcher.logFile);
        }

        /** Starts the server and waits until its port accepts connections; fails with the tail of its log. */
        public void start() throws IOException {
            run("start");
        }

        /** The server's pid, from the launcher's pid file; empty when it has none. */
        public Optional<Long> pid() {
            try {
                String p = Files.readString(stateDir.resolve(launcher.pidFile), StandardCharsets.UTF_8).strip();
                return p.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(p));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** Fails if the server has died since it started (it would otherwise show up as a client error). */
        public void checkAlive() throws IOException {
            Optional<Long> pid = pid();
            if (pid.isEmpty() || !ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IOException(launcher.id() + " (pid " + pid.map(String::valueOf).orElse("?")
                        + ") is not running; its log: " + log());
            }
        }

        /** Resident set size of the server now, in MiB (from /proc), or -1 if unknown. */
        public long rssMiB() {
            return pid().map(ServerLauncher::rssMiB).orElse(-1L);
        }

        /**
         * Waits until the server has no background work left from what clients wrote: for the gateway, no
         * manifest or data file in its staging directory (every staged write is in the bucket and retired; a
         * SIGTERM is no such barrier: the gateway stops with uploads still staged, to be resumed by the next
         * start); ganesha writes through, so at once. Returns the seconds until staging was first seen empty (to
         * within 50 ms; it is confirmed by a second look 200 ms later); fails after {@code timeoutSeconds} or if
         * the server dies.
         */
        public double awaitSettled(long timeoutSeconds) throws IOException, InterruptedException {
            if (launcher.staging == null) {
                return 0;
            }
            Path staging = dataDir.resolve(launcher.staging);
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
                    throw new IOException(launcher.id() + " still has " + staged(staging) + " staged files in "
                            + staging + " after " + timeoutSeconds + " s");
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

        /**
         * The launcher's {@code credentials}: {@code USER%PASSWORD} of the SMB account (what {@code smbclient -U}
         * takes); the server must have started (the gateway generates its password then).
         */
        public String credentials() throws IOException {
            return run("credentials").strip();
        }

        /** SIGKILL, as a crash would */
        public void kill() throws IOException {
            run("kill");
        }

        /** SIGKILL, then start on the same state and data */
        public void restart() throws IOException {
            run("restart");
        }

        /** SIGTERM, and wait for the exit (the launcher's bound); a server not running is fine. */
        public void stop() throws IOException {
            run("stop");
        }

        /** {@link #stop}; if that fails, SIGKILL, and the failure is thrown all the same. */
        @Override
        public void close() throws IOException {
            try {
                stop();
            } catch (IOException e) {
                try {
                    kill();
                } catch (IOException k) {
                    e.addSuppressed(k);
                }
                throw e;
            }
        }

        String run(String action) throws IOException {
            Files.createDirectories(stateDir);
            ProcessBuilder pb = new ProcessBuilder(List.of(script.toString(), action)).redirectErrorStream(true);
            pb.environment().put("SERVER_DIR", stateDir.toString());
            pb.environment().put("SERVER_DATA", dataDir.toString());
            pb.environment().put("SERVER_PORT", Integer.toString(port));
            pb.environment().put("BUCKETFS_TEST_CLASSPATH", testClasspath());
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(script.getFileName() + " " + action + ": no answer within 120 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (p.exitValue() != 0) {
                throw new IOException(script.getFileName() + " " + action + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        }
    }
}
