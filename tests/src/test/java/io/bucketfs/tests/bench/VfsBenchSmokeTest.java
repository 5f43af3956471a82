package io.bucketfs.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.tests.MachineBound;
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
 * Keeps {@link VfsBench} from rotting: every code path with tiny sizes. Checks that it completes and prints its
 * lines, never its timings (speed is measured by {@code tests/bench/run}, not asserted).
 */
@MachineBound
class VfsBenchSmokeTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theBenchmarkRunsWithTinySizesAndPrintsEveryLine() throws Exception {
        Path results = tmp.resolve("results.txt");
        VfsBench.Config c = new VfsBench.Config(tmp.resolve("work"), results, 8, 8, 200, 4, 1024, 3, Set.of());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> lines;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            lines = new VfsBench(c, out).runAll();
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        for (String name : List.of("warm-read", "cold-read", "small-files")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name) && l.contains(" ratio ")), name + ":\n" + text);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(name) && l.contains("heap used")), name + ":\n" + text);
        }
        assertTrue(text.contains("vfs") && text.contains("filechannel") && text.contains("s3-get-16way")
                && text.contains("plain-fsync"), text);
        assertEquals(lines, Files.readAllLines(results, StandardCharsets.UTF_8));
        assertTrue(!Files.exists(tmp.resolve("work")), "the scratch directory is removed");
    }
}
