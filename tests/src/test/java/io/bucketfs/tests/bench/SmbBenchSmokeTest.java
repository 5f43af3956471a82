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
 * Keeps {@link SmbBench} from rotting: both servers (the gateway and stock Samba) started, every measurement run
 * with a tiny file against both. Checks that it completes and prints its lines and table, never its timings
 * (speed is measured by {@code tests/bench/smb}, not asserted). Needs samba and smbclient ({@code tests/setup}
 * installs them): a Samba that cannot start fails it, as it fails the benchmark.
 */
@MachineBound
class SmbBenchSmokeTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theBenchmarkRunsWithTinySizesAgainstBothServersAndPrintsTheTable() throws Exception {
        Path results = tmp.resolve("results.md");
        Path dist = Path.of(System.getProperty("bucketfs.dist", "../gateway/target"));
        SmbBench.Config c = new SmbBench.Config(tmp.resolve("work"), results, 2, 2, 1, Set.of(),
                dist.resolve("bucketfs-gateway.jar").toAbsolutePath(), List.of(), TestVm.repoRootFromProperty());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> lines;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            lines = new SmbBench(c, out).runAll();
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        for (String name : SmbBench.NAMES) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + " ") && l.contains(" ratio ")
                    && l.contains("bucketfs") && l.contains("samba")), name + ":\n" + text);
        }
        String table = Files.readString(results, StandardCharsets.UTF_8);
        assertTrue(table.contains("| case | bucketfs MiB/s | samba MiB/s | ratio bucketfs/samba | what |"), table);
        for (String name : SmbBench.NAMES) {
            assertEquals(1, table.lines().filter(l -> l.startsWith("| " + name + " | ")).count(), table);
        }
        assertFalse(Files.exists(tmp.resolve("work")), "the scratch directory is removed");
    }
}
