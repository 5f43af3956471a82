package io.bucketfs.tests.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.tests.vm.TestVm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host-side checks of the appliance's cache disk script, in seconds and without a VM
 * ({@code tests/appliance/cache-disk-host.sh}): shellcheck, device selection against a fake sysfs (never the root
 * disk, a mounted or swapped device, one under dm), the configuration file, the root-volume fallback and its
 * idempotence, {@code systemd-analyze verify} of the unit. The real disks are {@code CacheDiskVmTest}'s.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public class CacheDiskScriptTest {

    /** checks that need nothing but bash and the script; the others need root or a tool and may be skipped */
    static final List<String> ALWAYS = List.of("shellcheck", "selection-default-model",
            "selection-globs-never-the-root-disk", "config-file", "systemd-analyze-verify");

    /** what the host script printed: check name → PASS, FAIL or SKIP, and its exit status */
    public record Outcome(int exitCode, Map<String, String> checks, String output) {
    }

    /** runs {@code tests/appliance/cache-disk-host.sh} with mount units to verify as arguments */
    public static Outcome runHostChecks(Path root, String... mountUnits) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("tests/appliance/cache-disk-host.sh").toString()));
        cmd.addAll(List.of(mountUnits));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cache-disk-host.sh did not finish\n" + out);
        }
        Map<String, String> checks = new LinkedHashMap<>();
        for (String l : out.split("\n")) {
            String[] w = l.split("[ :]", 3);
            if (w.length >= 2 && (w[0].equals("PASS") || w[0].equals("FAIL") || w[0].equals("SKIP"))) {
                checks.put(w[1], w[0]);
            }
        }
        System.out.println(out);
        return new Outcome(p.exitValue(), checks, out);
    }

    @Test
    void everyHostCheckPasses() throws Exception {
        Outcome o = runHostChecks(TestVm.repoRootFromProperty());
        for (String c : ALWAYS) {
            assertEquals("PASS", o.checks().get(c), "check " + c + "\n" + o.output());
        }
        assertTrue(o.checks().values().stream().noneMatch("FAIL"::equals), o.output());
        assertEquals(0, o.exitCode(), o.output());
    }
}
