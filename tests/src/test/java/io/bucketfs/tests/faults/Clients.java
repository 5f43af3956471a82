package io.bucketfs.tests.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real clients the fault suites drive, one process per operation: the project's libnfs client
 * ({@code tests/bench/nfs-meta.c}: {@code cat} and {@code put}, which print libnfs's error with the NFS status, where
 * {@code nfs-cat} says only "Failed to read") over NFSv3, and {@code smbclient} over SMB 3.1.1. Each call reports its exit, output and time; a failure is reduced to
 * the protocol's status name ({@code NFS3ERR_IO}, {@code NT_STATUS_UNEXPECTED_IO_ERROR}, ...), which is what the
 * suites judge.
 */
final class Clients {

    private static final Pattern NFS_STATUS = Pattern.compile("NFS3ERR_[A-Z_]+|NFS4ERR_[A-Z_]+");
    /** nfs-meta's report of a failed READ, WRITE or COMMIT: libnfs gives the errno of the NFS status. */
    private static final Pattern ERRNO = Pattern.compile("\\(errno (\\d+):");
    /** Threads that read the processes' output (the common pool has one thread on two cores). */
    private static final java.util.concurrent.ExecutorService DRAINS = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "client-output");
                t.setDaemon(true);
                return t;
            });
    private static final Pattern SMB_STATUS = Pattern.compile("NT_STATUS_[A-Z_0-9]+");

    /** What one client process did. */
    record Outcome(boolean ok, byte[] stdout, String text, String status, long millis) {
        @Override
        public String toString() {
            return (ok ? "ok" : "failed " + status) + " in " + millis + " ms: " + text.strip();
        }
    }

    private final Path nfsMeta;
    private final int nfsPort;
    private final int smbPort;
    private final String smbCredentials;
    private final long timeoutSeconds;

    /** {@code nfsMeta}: the compiled {@code tests/bench/nfs-meta.c} ({@link #compileNfsMeta}). */
    Clients(Path nfsMeta, int nfsPort, int smbPort, String smbCredentials, long timeoutSeconds) {
        this.nfsMeta = nfsMeta;
        this.nfsPort = nfsPort;
        this.smbPort = smbPort;
        this.smbCredentials = smbCredentials;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Starts NFS (grace 0) and SMB on free ports of 127.0.0.1 for {@code gateway}, its default export without root
     * squash (the clients work as root; the bucket's directories are root's), and clients for both.
     */
    static Clients serving(io.bucketfs.gateway.Gateway gateway, Path nfsMeta, long timeoutSeconds)
            throws IOException {
        gateway.defaultExportRules(io.bucketfs.nfs.export.ExportRules.DEFAULT.withRootSquash(false));
        int nfsPort = gateway.startNfs("127.0.0.1", 0, io.bucketfs.nfs.NfsSettings.DEFAULTS
                .withGrace(java.time.Duration.ZERO)).address().getPort();
        int smbPort = gateway.startSmb("127.0.0.1", 0, io.bucketfs.smb.server.SmbSettings.DEFAULTS).port();
        String password = java.nio.file.Files.readString(gateway.config().smbPasswordFile(), StandardCharsets.UTF_8)
                .trim();
        return new Clients(nfsMeta, nfsPort, smbPort, io.bucketfs.gateway.Gateway.DEFAULT_SMB_USER + "%" + password,
                timeoutSeconds);
    }

    /** {@code tests/bench/nfs-meta.c} built into {@code dir} ({@code cc -lnfs}, Debian libnfs-dev). */
    static Path compileNfsMeta(Path repoRoot, Path dir) throws IOException, InterruptedException {
        Path bin = dir.resolve("nfs-meta");
        Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-o", bin.toString(),
                repoRoot.resolve("tests/bench/nfs-meta.c").toString(), "-lnfs").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("cc nfs-meta.c failed: " + out);
        }
        return bin;
    }

    private String exportUrl() {
        return "nfs://127.0.0.1/default?version=3&nfsport=" + nfsPort + "&mountport=" + nfsPort;
    }

    /** The file's bytes through NFSv3 (LOOKUPs, GETATTR, READs). */
    Outcome nfsRead(String path) throws IOException, InterruptedException {
        return nfs(run(List.of(nfsMeta.toString(), exportUrl(), "cat", "/" + path)));
    }

    /** {@code local} written to {@code path} through NFSv3 (created or truncated, WRITEs, COMMIT, close). */
    Outcome nfsWrite(Path local, String path) throws IOException, InterruptedException {
        return nfs(run(List.of(nfsMeta.toString(), exportUrl(), "put", "/" + path, local.toString())));
    }

    /** smbclient commands ({@code get a b; rename c d; ...}) in one SMB 3.1.1 session. */
    Outcome smb(String commands) throws IOException, InterruptedException {
        Outcome o = run(List.of("smbclient", "//127.0.0.1/default", "-p", Integer.toString(smbPort),
                "-U", smbCredentials, "-m", "SMB3", "--option=client max protocol=SMB3_11", "-c", commands));
        Matcher m = SMB_STATUS.matcher(o.text());
        String status = m.find() ? m.group() : (o.ok() ? null : "exit-status");
        return new Outcome(status == null, o.stdout(), o.text(), status, o.millis());
    }

    private static Outcome nfs(Outcome o) {
        if (o.ok()) {
            return o;
        }
        Matcher m = NFS_STATUS.matcher(o.text());
        Matcher errno = ERRNO.matcher(o.text());
        String status = m.find() ? m.group() : errno.find() ? switch (Integer.parseInt(errno.group(1))) {
            case 5 -> "NFS3ERR_IO"; // libnfs maps each NFS3 status to its errno
            case 28 -> "NFS3ERR_NOSPC";
            default -> "errno-" + errno.group(1);
        } : "unrecognised";
        return new Outcome(false, o.stdout(), o.text(), status, o.millis());
    }

    private Outcome run(List<String> command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Outcome(false, new byte[0], String.join(" ", command) + ": no end in " + timeoutSeconds + " s",
                    "client-timeout", (System.nanoTime() - t0) / 1_000_000);
        }
        byte[] stdout = out.join();
        String text = new String(err.join(), StandardCharsets.UTF_8)
                + (command.get(0).equals("smbclient") ? new String(stdout, StandardCharsets.UTF_8) : "");
        return new Outcome(p.exitValue() == 0, stdout, text, p.exitValue() == 0 ? null : "exit-" + p.exitValue(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, DRAINS);
    }
}
