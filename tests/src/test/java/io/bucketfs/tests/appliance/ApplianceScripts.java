package io.bucketfs.tests.appliance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a script of {@code appliance/} from the checkout and keeps its exit status and output. */
final class ApplianceScripts {
    private ApplianceScripts() {
    }

    /** What a script did: its exit status (124 when it ran out of time) and its stdout and stderr, interleaved. */
    record Result(int exitCode, String output) {
    }

    static Result run(Path root, Duration timeout, String... command) throws IOException, InterruptedException {
        File log = File.createTempFile("appliance-", ".log");
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            int rc;
            if (p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                rc = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
                rc = 124;
            }
            return new Result(rc, Files.readString(log.toPath(), StandardCharsets.UTF_8));
        } finally {
            log.delete();
        }
    }
}
