package io.bucketfs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProgressTest {

    @Test
    void lineHasBarBytesRateAndEta() {
        assertEquals("preload [############------------] 50% 10.0 MiB of 20.0 MiB, 5.0 MiB/s, ETA 2 s",
                Progress.line("preload", 10 << 20, 20 << 20, 2000, true));
        assertEquals("preload 100% 20.0 MiB of 20.0 MiB, 10.0 MiB/s, done",
                Progress.line("preload", 20 << 20, 20 << 20, 2000, false));
        assertEquals("preload 0% 0 B of 0 B, 0 B/s", Progress.line("preload", 0, 0, 0, false));
        assertEquals("1:05", Progress.duration(65));
        assertEquals("1:00:01", Progress.duration(3601));
    }

    @Test
    void terminalRedrawsInPlacePlainPrintsLinesAtMostEveryInterval() {
        StringWriter s = new StringWriter();
        Progress t = new Progress(new PrintWriter(s), true, "x");
        t.update(1, 10, 100);
        t.update(2, 10, 200);
        t.finish();
        assertTrue(s.toString().startsWith("\rx [") && s.toString().contains("\rx [") && s.toString().endsWith("\n"));
        assertEquals(2, s.toString().split("\r", -1).length - 1);

        StringWriter p = new StringWriter();
        Progress plain = new Progress(new PrintWriter(p), false, "x");
        plain.update(1, 10, 0);
        plain.update(2, 10, 500);
        plain.update(3, 10, Progress.PLAIN_INTERVAL_MILLIS + 1);
        plain.finish();
        assertEquals(2, p.toString().lines().count(), p.toString());
        assertTrue(!p.toString().contains("\r") && !p.toString().contains("#"));
    }
}
