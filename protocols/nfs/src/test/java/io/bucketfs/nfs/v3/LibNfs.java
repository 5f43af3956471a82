package io.bucketfs.nfs.v3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's libnfs-utils ({@code nfs-cp}, {@code nfs-ls}, {@code nfs-cat}) with a timeout (a client can
 * hang on a bad server), capturing stdout and stderr for the failure message.
 */
final class LibNfs {

    /** The outcome of one run. */
    record Run(int exit, String stdout, String stderr, String command) {

        boolean ok() {
            return exit == 0;
        }

        String describe() {
            return command + " exited " + exit + "\nstderr: " + stderr + "\nstdout (first 2000 chars): "
                    + stdout.substring(0, Math.min(2000, stdout.length()));
        }
    }

    private LibNfs() {
    }

    static Run run(Path workDir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "libnfs", ".out");
        Path err = Files.createTempFile(workDir, "libnfs", ".err");
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", Long.toString(timeoutSeconds)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds + 15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        int exit = p.isAlive() ? -1 : p.exitValue();
        // ISO-8859-1 keeps every byte of binary output (nfs-cat) one char
        return new Run(exit, new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1),
                new String(Files.readAllBytes(err), StandardCharsets.UTF_8), String.join(" ", command));
    }
}
