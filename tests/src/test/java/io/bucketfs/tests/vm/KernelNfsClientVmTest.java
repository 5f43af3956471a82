package io.bucketfs.tests.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.bucketfs.tests.servers.ServerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Linux kernel NFS client (NFSv4.1 and 4.2, Debian bookworm's 6.1) against an NFS server, in the project's
 * test VM ({@code tests/vm/}): one boot runs every check of {@code tests/vm/guest/nfs.sh}, and each must print
 * PASS. Needs root (network namespace, qemu, the servers); the image is built on first use (~3 min) and cached.
 *
 * <p>The server is a parameter: {@link #SERVERS} names the {@code tests/servers/} launchers to run against
 * ({@code -Dbucketfs.vm.servers=ganesha,bucketfs} on the command line overrides it). {@code -Dbucketfs.vm.skip=true}
 * skips the suite on machines that cannot run it.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class KernelNfsClientVmTest {

    /**
     * The servers the kernel client is run against: the gateway on its embedded local bucket and on an S3 bucket
     * (S3Proxy); {@code ganesha} is there to compare with.
     */
    static final String SERVERS = System.getProperty("bucketfs.vm.servers", "bucketfs,bucketfs-s3");

    /** every check nfs.sh makes; each must be reported, and PASS */
    static final List<String> CHECKS = List.of("mount-4.1", "mount-4.2", "sha256-64MiB", "tree-1000-files",
            "rename-over-existing", "rename-dir", "flock-conflict", "fcntl-locks", "mmap-read", "chmod-chown-touch",
            "fsync-kill9-restart", "rm-r", "df", "umount");

    static Stream<ServerLauncher> servers() {
        return Arrays.stream(SERVERS.split(",")).filter(s -> !s.isBlank()).map(ServerLauncher::byId);
    }

    @ParameterizedTest(name = "kernel NFS client against {0}")
    @MethodSource("servers")
    void everyCheckPasses(ServerLauncher server) throws Exception {
        assumeFalse(Boolean.getBoolean("bucketfs.vm.skip"), "bucketfs.vm.skip=true");
        Path root = TestVm.repoRootFromProperty();
        Path runDir = root.resolve("tests/target/vm-nfs-" + server.id());
        TestVm.Result r = new TestVm(root).run("nfs", server.script(root), runDir, Duration.ofMinutes(28));
        Map<String, String> checks = r.checks();
        String context = "against " + server.id() + "; logs in " + runDir + "\n" + r.output();
        for (String c : CHECKS) {
            assertEquals("PASS", checks.get(c), "check " + c + " " + context);
        }
        assertTrue(checks.values().stream().allMatch("PASS"::equals), "a FAIL line " + context);
        assertTrue(r.lines().stream().anyMatch(l -> l.equals("SUMMARY passed=" + checks.size() + " failed=0")),
                "no clean SUMMARY line " + context);
        assertEquals(0, r.exitCode(), "run.sh exit status " + context);
    }
}
