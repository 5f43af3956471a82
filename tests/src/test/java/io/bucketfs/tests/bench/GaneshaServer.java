package io.bucketfs.tests.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nfs-ganesha (Debian {@code nfs-ganesha} + {@code nfs-ganesha-vfs}) as the NFS peer of the benchmarks: NFSv4 only
 * (no rpcbind needed), TCP, on a free high port of 127.0.0.1, with a private config, log, pid file and recovery
 * directory, exporting a local directory through the VFS FSAL at {@code /default} — the path bucketfs exports its
 * default mount at, so the same URLs work against both. No grace period. A server that cannot start is an
 * {@link IOException} carrying the tail of its log: the benchmark fails rather than skipping the peer.
 */
final class GaneshaServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GaneshaServer.class);
    static final String BINARY = "/usr/bin/ganesha.nfsd";
    private static final long START_SECONDS = 60;

    private final Process process;
    private final Path dir;
    private final Path export;
    private final int port;

    private GaneshaServer(Process process, Path dir, Path export, int port) {
        this.process = process;
        this.dir = dir;
        this.export = export;
        this.port = port;
    }

    /**
     * Starts ganesha serving {@code export} (created if missing) with its config and state in {@code dir}, and
     * waits until it accepts connections.
     */
    static GaneshaServer start(BenchProcesses processes, Path dir, Path export) throws IOException,
            InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IOException(BINARY + " is missing: install Debian's nfs-ganesha and nfs-ganesha-vfs "
                    + "(tests/bench/nfs does)");
        }
        Files.createDirectories(export);
        Path recovery = Files.createDirectories(dir.resolve("recovery"));
        int port = freePort();
        Path conf = dir.resolve("ganesha.conf");
        Files.writeString(conf, config(port, export, recovery), StandardCharsets.UTF_8);
        Path log = dir.resolve("ganesha.log");
        Path out = dir.resolve("ganesha.out");
        Files.deleteIfExists(log);
        Process p = processes.start(new ProcessBuilder(BINARY, "-F", "-f", conf.toString(), "-L", log.toString(),
                "-p", dir.resolve("ganesha.pid").toString(), "-N", "NIV_EVENT")
                .redirectErrorStream(true).redirectOutput(out.toFile()));
        GaneshaServer g = new GaneshaServer(p, dir, export, port);
        try {
            g.awaitReady(log, out);
        } catch (IOException | InterruptedException | RuntimeException e) {
            BenchProcesses.stop(p, 10);
            throw e;
        }
        LOG.info("ganesha {} serving {} at 127.0.0.1:{}/default", p.pid(), export, port);
        return g;
    }

    /** The private config: NFSv4 over TCP on 127.0.0.1:{@code port}, one export, no NLM/RQUOTA/UDP, no grace. */
    static String config(int port, Path export, Path recovery) {
        return String.join("\n",
                "# written by the bucketfs NFS benchmark (tests/bench/nfs)",
                "NFS_CORE_PARAM {",
                "    NFS_Port = " + port + ";",
                "    Bind_addr = 127.0.0.1;",
                "    Protocols = 4;",
                "    Enable_NLM = false;",
                "    Enable_RQUOTA = false;",
                "    Enable_UDP = false;",
                "}",
                "NFSV4 {",
                "    Graceless = true;",
                "    RecoveryBackend = fs;",
                "    RecoveryRoot = \"" + recovery + "\";",
                "    Only_Numeric_Owners = true;",
                "}",
                "EXPORT {",
                "    Export_Id = 1;",
                "    Path = \"" + export + "\";",
                "    Pseudo = \"/default\";",
                "    Access_Type = RW;",
                "    Squash = No_Root_Squash;",
                "    Protocols = 4;",
                "    Transports = TCP;",
                "    SecType = sys;",
                "    FSAL { Name = VFS; }",
                "}",
                "LOG { Default_Log_Level = EVENT; }",
                "");
    }

    private void awaitReady(Path log, Path out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("ganesha exited " + process.exitValue() + " at start" + tails(log, out));
            }
            if (read(log).contains("NFS SERVER INITIALIZED") && accepts(port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("ganesha did not accept connections on 127.0.0.1:" + port + " within "
                + START_SECONDS + " s" + tails(log, out));
    }

    private static String tails(Path log, Path out) throws IOException {
        return "\n--- " + log + " (last lines) ---\n" + tail(read(log), 40) + "\n--- " + out + " ---\n"
                + tail(read(out), 20);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    static String tail(String text, int lines) {
        List<String> l = text.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** The local directory ganesha exports. */
    Path export() {
        return export;
    }

    long pid() {
        return process.pid();
    }

    /** Fails if ganesha has died since it started (it would otherwise show up as a client error). */
    void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException("ganesha exited " + process.exitValue() + " during the benchmark; log: "
                    + dir.resolve("ganesha.log"));
        }
    }

    @Override
    public void close() throws InterruptedException {
        BenchProcesses.stop(process, 20);
    }
}
