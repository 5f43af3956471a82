package io.bucketfs.tests.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An NFS server the end-to-end suites can run: the gateway under test or a peer. Each is a shell launcher in
 * {@code tests/servers/NAME.sh} with one interface ({@code start|stop|kill|restart|status}, configured by
 * {@code SERVER_DIR}, {@code SERVER_DATA}, {@code SERVER_PORT}); the shell is the source of truth because the
 * test VM's host hook ({@code tests/vm/hook.sh}) drives the same launcher from inside a network namespace.
 *
 * <p>The VM suite hands {@link #script} to {@code tests/vm/run.sh}; benchmarks start a server on the host's
 * loopback with {@link #start}.
 */
public enum ServerLauncher {
    /** nfs-ganesha 4.3, VFS FSAL, NFSv4.1/4.2 only, no grace period: the stand-in and the benchmark peer. */
    GANESHA,
    /** {@code ./bucketfs serve --nfs-port P --bind 127.0.0.1 --nfs-grace 0}: the gateway under test. */
    BUCKETFS,
    /** The gateway with its default mount on a bucket of S3Proxy (a process of its own that outlives kills). */
    BUCKETFS_S3;

    /** The test classpath of this JVM (surefire's, else {@code java.class.path}), for launchers running test mains. */
    public static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
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
     * @param env launcher settings, e.g. {@code GANESHA_MINOR_VERSIONS=0, 1, 2} (libnfs speaks NFSv4.0 only)
     */
    public Running start(Path repoRoot, Path stateDir, Path dataDir, int port, Map<String, String> env)
            throws IOException {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("SERVER_BIND", "127.0.0.1");
        Running r = new Running(script(repoRoot), stateDir, dataDir, port, Map.copyOf(all));
        r.run("start");
        return r;
    }

    /** A started server; {@link #close} stops it (SIGTERM). */
    public static final class Running implements AutoCloseable {
        private final Path script;
        private final Path stateDir;
        private final Path dataDir;
        private final int port;
        private final Map<String, String> env;

        Running(Path script, Path stateDir, Path dataDir, int port, Map<String, String> env) {
            this.script = script;
            this.stateDir = stateDir;
            this.dataDir = dataDir;
            this.port = port;
            this.env = env;
        }

        public int port() {
            return port;
        }

        /** SIGKILL, as a crash would */
        public void kill() throws IOException {
            run("kill");
        }

        /** SIGKILL, then start on the same state and data */
        public void restart() throws IOException {
            run("restart");
        }

        public void stop() throws IOException {
            run("stop");
        }

        @Override
        public void close() throws IOException {
            stop();
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
