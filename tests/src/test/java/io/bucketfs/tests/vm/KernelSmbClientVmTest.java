package io.bucketfs.tests.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.bucketfs.tests.servers.ServerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Linux kernel SMB client (cifs, SMB 3.1.1, plain and sealed) against the gateway's SMB server, in the
 * project's test VM ({@code tests/vm/}): one boot runs every check of {@code tests/vm/guest/smb.sh}, each must
 * print PASS. The same share is mounted over NFSv4.1 in the guest too, for the byte-range locks that must
 * conflict across the protocols. Needs root; {@code -Dbucketfs.vm.skip=true} skips it (as the NFS suite).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class KernelSmbClientVmTest {

    /** SMB port of the gateway inside the run's private network namespace (nothing else listens there). */
    private static final String SMB_PORT = "4450";

    /** every check smb.sh makes; each must be reported, and PASS */
    static List<String> checks() {
        List<String> c = new ArrayList<>(List.of("python3-fcntl", "mount-nfs-4.1"));
        for (String v : List.of("plain", "seal")) {
            c.addAll(List.of("mount-smb3.1.1-" + v, "sha256-24MiB-" + v, "rename-" + v, "cp-r-tree-" + v,
                    "mkdir-rmdir-" + v, "lock-nfs-holds-off-smb-" + v, "lock-smb-holds-off-nfs-" + v));
        }
        c.add("umount");
        return c;
    }

    @Test
    void everyCheckPassesAgainstTheGateway() throws Exception {
        assumeFalse(Boolean.getBoolean("bucketfs.vm.skip"), "bucketfs.vm.skip=true");
        Path root = TestVm.repoRootFromProperty();
        Path runDir = root.resolve("tests/target/vm-smb-bucketfs");
        TestVm.Result r = new TestVm(root).run("smb", ServerLauncher.BUCKETFS.script(root), runDir,
                Duration.ofMinutes(28), "--smb-port", SMB_PORT);
        Map<String, String> seen = r.checks();
        String context = "logs in " + runDir + "\n" + r.output();
        for (String c : checks()) {
            assertEquals("PASS", seen.get(c), "check " + c + " " + context);
        }
        assertTrue(seen.values().stream().allMatch("PASS"::equals), "a FAIL line " + context);
        assertTrue(r.lines().stream().anyMatch(l -> l.equals("SUMMARY passed=" + seen.size() + " failed=0")),
                "no clean SUMMARY line " + context);
        assertEquals(0, r.exitCode(), "run.sh exit status " + context);
    }
}
