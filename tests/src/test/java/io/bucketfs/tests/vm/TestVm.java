package io.bucketfs.tests.vm;

import io.bucketfs.tests.servers.ServerLauncher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a guest scenario in the test VM through {@code tests/vm/run.sh} (one fresh boot; the image is built once
 * and cached in {@code tests/.tools/vm}) and collects what it printed. The script owns the network namespace,
 * the server and qemu; this class only starts it, echoes its output, and stops it with SIGTERM (its traps then
 * stop qemu and the server) when the time is up.
 */
public final class TestVm {

    private static final Pattern CHECK = Pattern.compile("^(PASS|FAIL) ([A-Za-z0-9_.-]+)(.*)$");

    /** The outcome of one run: the exit status of run.sh (the guest's, or 124 timeout, 125 crash) and the lines. */
    public record Result(int exitCode, List<String> lines, Path runDir) {
        /** check name → "PASS" or "FAIL", in the order the guest printed them */
        public Map<String, String> checks() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String l : lines) {
                Matcher x = CHECK.matcher(l);
                if (x.matches()) {
                    m.put(x.group(2), x.group(1));
                }
            }
            return m;
        }

        public String output() {
            return String.join("\n", lines);
        }
    }

    private final Path repoRoot;

    public TestVm(Path repoRoot) {
        this.repoRoot = repoRoot;
    }

    /** the checkout this test runs from: the {@code bucketfs.root} property set by the tests module's pom */
    public static Path repoRootFromProperty() {
        return Path.of(System.getProperty("bucketfs.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * @param scenario a {@code tests/vm/guest/} name ({@code nfs}) or a path
     * @param serverScript a server launcher ({@code tests/servers/*.sh}), or null for none
     * @param runDir where run.sh keeps the console log, the guest's output and the server's log
     * @param timeout bound on the whole run including a first image build; run.sh gets it minus a margin
     */
    public Result run(String scenario, Path serverScript, Path runDir, Duration timeout, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(repoRoot.resolve("tests/vm/run.sh").toString(),
                "--out", runDir.toString(), "--timeout", Long.toString(Math.max(60, timeout.toSeconds() - 300))));
        if (serverScript != null) {
            cmd.addAll(List.of("--server", serverScript.toString()));
        }
        Collections.addAll(cmd, extraArgs);
        cmd.add(scenario);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // launchers that run test classes (tests/servers/bucketfs-s3.sh) take this JVM's test classpath
        pb.environment().put("BUCKETFS_TEST_CLASSPATH", ServerLauncher.testClasspath());
        Process p = pb.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    System.out.println("[vm] " + l);
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("(reading run.sh's output failed: " + e + ")");
            }
        }, "testvm-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                stop(p);
                reader.join(5_000);
                throw new AssertionError("tests/vm/run.sh did not finish within " + timeout + "; logs in " + runDir
                        + "\n" + String.join("\n", lines));
            }
        } catch (InterruptedException e) { // the JUnit timeout
            stop(p);
            throw e;
        }
        reader.join(10_000);
        return new Result(p.exitValue(), List.copyOf(lines), runDir);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: run.sh stops qemu and the server itself
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
