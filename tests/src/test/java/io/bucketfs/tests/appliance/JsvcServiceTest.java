package io.bucketfs.tests.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The appliance's service start, for real: Debian's jsvc runs the gateway's Commons Daemon entry as root, which
 * binds :2049 and :445, then as {@code nobody} — in a private network namespace ({@code tests/appliance/jsvc.sh}).
 * NFS and SMB clients reach it on the standard ports, every file it made belongs to the service user, and SIGTERM
 * stops it. The script needs root and jsvc ({@code tests/setup} installs it), as CI has.
 */
class JsvcServiceTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void jsvcBindsAsRootAndServesAsTheServiceUser() throws Exception {
        Path script = Path.of("appliance", "jsvc.sh").toAbsolutePath();
        Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(200, TimeUnit.SECONDS), "jsvc.sh did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ok: stopped on SIGTERM"), out);
    }
}
