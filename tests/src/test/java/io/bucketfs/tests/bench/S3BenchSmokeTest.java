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
 * Keeps {@link S3Bench} from rotting: S3Proxy, the gateway, s3fs and rclone started, every measurement run with
 * tiny sizes against every peer, every byte checked as in the full run. Checks that it completes, prints a line
 * per measurement and peer and writes the table, and that both FUSE mounts are gone afterwards — never its
 * timings (speed is measured by {@code tests/bench/s3}, not asserted). Needs s3fs, rclone, FUSE and libnfs
 * ({@code tests/setup} installs them) and root for the mounts: a peer that cannot start fails it, as it fails the
 * benchmark.
 */
@MachineBound
class S3BenchSmokeTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theBenchmarkRunsWithTinySizesAgainstEveryPeerAndPrintsTheTable() throws Exception {
        Path results = tmp.resolve("results.md");
        S3Bench.Config c = new S3Bench.Config(tmp.resolve("work"), results, 2, 8, 4, 2, 20, 2, 1, Set.of(),
                Path.of("bench/nfs-meta.c").toAbsolutePath(), List.of(), TestVm.repoRootFromProperty());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> lines;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            lines = new S3Bench(c, out).runAll();
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        for (String name : S3Bench.NAMES) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + " ") && l.contains(" ratio ")
                    && l.contains("bucketfs")), name + ":\n" + text);
        }
        String table = Files.readString(results, StandardCharsets.UTF_8);
        assertTrue(table.contains("| measurement | bucketfs | peer | peer's figure | ratio bucketfs/peer | what |"),
                table);
        for (String row : List.of("| cold-read | ", "| re-read | ", "| small-files | ", "| list-cold | ")) {
            for (String peer : List.of(" | s3fs | ", " | rclone | ")) {
                assertTrue(table.lines().anyMatch(l -> l.startsWith(row) && l.contains(peer)), row + peer + table);
            }
        }
        assertEquals(1, table.lines().filter(l -> l.startsWith("| cold-read | ") && l.contains("| raw-get |"))
                .count(), table);
        assertEquals(1, table.lines().filter(l -> l.startsWith("| checkpoint | ")).count(), table);
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(tmp.toString()),
                "the FUSE mounts are gone");
        assertFalse(Files.exists(tmp.resolve("work")), "the scratch directory is removed");
    }
}
