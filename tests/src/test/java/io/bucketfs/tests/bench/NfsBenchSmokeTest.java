package io.bucketfs.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.vm.TestVm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@link NfsBench} from rotting: both servers started, every measurement run with tiny sizes against both.
 * Checks that it completes and prints its lines and table, never its timings (speed is measured by
 * {@code tests/bench/nfs}, not asserted). Needs nfs-ganesha, libnfs-utils, libnfs-dev and a C compiler
 * ({@code tests/setup} installs them): a peer that cannot start fails it, as it fails the benchmark.
 */
@MachineBound
class NfsBenchSmokeTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theBenchmarkRunsWithTinySizesAgainstBothServersAndPrintsTheTable() throws Exception {
        Path results = tmp.resolve("results.md");
        Path dist = Path.of(System.getProperty("bucketfs.dist", "../gateway/target"));
        NfsBench.Config c = new NfsBench.Config(tmp.resolve("work"), results, 4, 2, 40, 2, 1, Set.of(),
                dist.resolve("bucketfs-gateway.jar").toAbsolutePath(), Path.of("bench/nfs-meta.c").toAbsolutePath(),
                List.of(), TestVm.repoRootFromProperty());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> lines;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            lines = new NfsBench(c, out).runAll();
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        for (String name : NfsBench.NAMES) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + " ") && l.contains(" ratio ")
                    && l.contains("bucketfs") && l.contains("ganesha")), name + ":\n" + text);
        }
        String table = Files.readString(results, StandardCharsets.UTF_8);
        assertTrue(table.contains("| measurement | bucketfs | ganesha | ratio bucketfs/ganesha | what |"), table);
        for (String name : NfsBench.NAMES) {
            assertTrue(table.contains("| " + name + " | "), name + ":\n" + table);
        }
        assertEquals(1, table.lines().filter(l -> l.startsWith("| warm-read | ")).count(), table);
        assertFalse(Files.exists(tmp.resolve("work")), "the scratch directory is removed");
    }
}
