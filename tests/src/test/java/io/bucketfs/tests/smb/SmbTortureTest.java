package io.bucketfs.tests.smb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.vm.TestVm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * smbtorture (samba-testsuite 4.17) against the gateway's SMB server as shipped (its default signing policy, smb3:
 * signing required on SMB 3.x), compared test by test ({@code tests/smb/compare}) with stock Samba in the same harness
 * ({@code tests/smb/torture}, the suites of {@code tests/smb/suites}; Samba with {@code server signing = auto}): Samba's
 * results as recorded in {@code tests/smb/samba-results.tsv} when the installed Samba is that version (its results
 * do not change with bucketfs' commits, and running it took ~3 of CI's minutes), else run now. The committed comparison, {@code tests/smb/torture-comparison.md}, lists the tests
 * bucketfs passes: each must still pass (a test that fails is run once more on its own before it counts as a
 * regression — a few smbtorture tests race with timers). Tests that now pass and Samba's results are reported;
 * the fresh comparison is written to {@code tests/target/torture/comparison.md} (copy it over the committed one
 * to record gains). {@code -Dbucketfs.smbtorture.skip=true} skips it.
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
@MachineBound
class SmbTortureTest {
    private static final Pattern PASSED = Pattern.compile("^- `([^`]+)`");
    /** Stock Samba's results through the same harness, recorded with the version in its first line. */
    private static final String RECORDED = "tests/smb/samba-results.tsv";

    @Test
    void bucketfsKeepsEveryTestItPassedAndIsComparedWithSamba() throws Exception {
        assumeFalse(Boolean.getBoolean("bucketfs.smbtorture.skip"), "bucketfs.smbtorture.skip=true");
        Path root = TestVm.repoRootFromProperty();
        Path out = root.resolve("tests/target/torture");
        Path committed = root.resolve("tests/smb/torture-comparison.md");

        Path samba = sambaResults(root, out);
        Path bucketfs = out.resolve("bucketfs.tsv");
        assertEquals(0, run(root, "tests/smb/torture", "--server", "bucketfs", "--port", "4562",
                "--out", bucketfs.toString()), "smbtorture against bucketfs did not run; see " + out.resolve("bucketfs"));

        Map<String, String> results = load(bucketfs);
        List<String> again = new ArrayList<>();
        for (String t : committedPasses(committed)) {
            if (!"success".equals(results.get(t))) {
                again.add(t.substring("smb2.".length()));
            }
        }
        if (!again.isEmpty()) { // once more, each on its own, before they count
            Path retry = out.resolve("bucketfs-retry.tsv");
            List<String> cmd = new ArrayList<>(List.of("tests/smb/torture", "--server", "bucketfs", "--port", "4562",
                    "--out", retry.toString(), "--dir", out.resolve("bucketfs-retry").toString()));
            cmd.addAll(again);
            assertEquals(0, run(root, cmd.toArray(String[]::new)), "the retry of " + again + " did not run");
            results.putAll(load(retry));
            write(bucketfs, results);
        }
        int rc = run(root, "tests/smb/compare", bucketfs.toString(), samba.toString(),
                "--markdown", out.resolve("comparison.md").toString(), "--check", committed.toString());
        assertEquals(0, rc, "a test that passes on bucketfs in tests/smb/torture-comparison.md failed (see the "
                + "REGRESSION lines above and the logs in " + out.resolve("bucketfs") + ")");
        assertTrue(results.values().stream().anyMatch("success"::equals), "no smbtorture test passed at all");
    }

    /**
     * Stock Samba's results: the recorded ones ({@value #RECORDED}) when the installed Samba is the version they were
     * recorded with, else (or with {@code -Dbucketfs.smbtorture.samba=true}) a run of the same harness now.
     */
    private static Path sambaResults(Path root, Path out) throws IOException, InterruptedException {
        Path recorded = root.resolve(RECORDED);
        String header = Files.readAllLines(recorded, StandardCharsets.UTF_8).get(0);
        String installed = sambaVersion();
        if (!Boolean.getBoolean("bucketfs.smbtorture.samba") && installed != null
                && header.contains("stock Samba " + installed + " ")) {
            System.out.println("SmbTortureTest: Samba " + installed + "'s results from " + RECORDED
                    + " (-Dbucketfs.smbtorture.samba=true runs it again)");
            return recorded;
        }
        Path samba = out.resolve("samba.tsv");
        assertEquals(0, run(root, "tests/smb/torture", "--server", "samba", "--port", "4552", "--out", samba.toString()),
                "smbtorture against stock Samba (the peer) did not run; see " + out.resolve("samba"));
        return samba;
    }

    /** The installed smbd's version ("4.17.12-Debian"), or null when it cannot be told. */
    private static String sambaVersion() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("smbd", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            return null; // no smbd on the PATH: the torture script installs Samba and runs it
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && text.startsWith("Version ")
                ? text.substring("Version ".length()) : null;
    }

    private static int run(Path root, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(root.toFile()).inheritIO()
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            return 124;
        }
        return p.exitValue();
    }

    private static Map<String, String> load(Path tsv) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                m.put(f[0], f[1]);
            }
        }
        return m;
    }

    /** Rewrites a result file with {@code results}, keeping its comment lines (the configuration it ran with). */
    private static void write(Path tsv, Map<String, String> results) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                b.append(line).append('\n');
            }
        }
        new TreeMap<>(results).forEach((t, r) -> b.append(t).append('\t').append(r).append('\n'));
        Files.writeString(tsv, b.toString(), StandardCharsets.UTF_8);
    }

    private static List<String> committedPasses(Path md) throws IOException {
        List<String> passed = new ArrayList<>();
        boolean inList = false;
        for (String line : Files.readAllLines(md, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inList = line.startsWith("## Tests passing on bucketfs");
                continue;
            }
            Matcher m = PASSED.matcher(line);
            if (inList && m.find()) {
                passed.add(m.group(1));
            }
        }
        return passed;
    }
}
