package io.bucketfs.tests.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.bucketfs.tests.appliance.CacheDiskScriptTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The appliance's first-boot cache disk script ({@code appliance/ansible/roles/cache-disk/files/bucketfs-cache-disk})
 * on real NVMe disks, md and xfs in the project's test VM: four boots of {@code tests/vm/guest/cache-disk.sh}, one
 * per phase — two blank disks (RAID0 + xfs, a marker), a reboot on the same disks with the state file of the first
 * boot (reassembled, same xfs, the marker kept), blank disks again (formatted, empty), one usable disk beside one
 * with a mounted file system and one with a foreign one (plain xfs on the first, the others untouched) and no
 * matching model (a directory on the root volume). The guest has no systemd: the mount unit the script generated
 * is verified on the host with {@code systemd-analyze verify}. The reboot and wiped phases run with
 * {@code -Dbucketfs.vm.cacheDisk.all=true}: in CI the appliance image's own boots ({@code ApplianceImageTest}, boots 2
 * and 3 with systemd) check the same on the whole image. Needs root; {@code -Dbucketfs.vm.skip=true} skips it.
 */
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class CacheDiskVmTest {

    static final String SCRIPT = "appliance/ansible/roles/cache-disk/files/bucketfs-cache-disk";

    /** every check of each phase, in the order of the boots; each must be reported, and PASS */
    static final Map<String, List<String>> PHASES = Map.of(
            "first", List.of("setup", "first-run-formats", "md-raid0-of-two", "mounted-xfs-noatime",
                    "cache-env-two-disks", "mount-unit", "marker", "second-run-changes-nothing", "shutdown"),
            "reboot", List.of("setup", "reboot-no-format", "md-raid0-of-two", "mounted-xfs-noatime",
                    "same-fs-marker-kept", "cache-env-two-disks", "second-run-changes-nothing",
                    "udev-assembled-array-reused", "shutdown"),
            "wiped", List.of("setup", "wiped-formats-again", "md-raid0-of-two", "mounted-xfs-noatime",
                    "fresh-and-empty", "shutdown"),
            "single", List.of("setup", "other-disks", "single-disk-formats", "other-disks-untouched",
                    "plain-xfs-no-md", "mounted-xfs-noatime",
                    "cache-env-one-disk", "no-nvme-directory-on-root", "shutdown"));

    @Test
    void formatsReassemblesReformatsAfterAWipeAndFallsBackToTheRootVolume() throws Exception {
        assumeFalse(Boolean.getBoolean("bucketfs.vm.skip"), "bucketfs.vm.skip=true");
        Path root = TestVm.repoRootFromProperty();
        Path runDir = root.resolve("tests/target/vm-cache-disk");
        Path carry = root.resolve("tests/target/vm-cache-disk-carry"); // what a boot leaves for the next one
        Files.createDirectories(carry);
        String script = root.resolve(SCRIPT).toString();
        TestVm vm = new TestVm(root);
        String[] twoDisks = {"--nvme", "cache-0", "--nvme", "cache-1"};

        // the first run may build the image (~3 min)
        boot(vm, "first", runDir, Duration.ofMinutes(12), twoDisks, "--copy", script);
        Files.copy(runDir.resolve("vm/cache-disk.state"), carry.resolve("prev.state"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(runDir.resolve("vm/marker"), carry.resolve("prev.marker"), StandardCopyOption.REPLACE_EXISTING);
        Path unit = carry.resolve("var-cache-bucketfs.mount");
        Files.copy(runDir.resolve("vm/var-cache-bucketfs.mount"), unit, StandardCopyOption.REPLACE_EXISTING);

        if (Boolean.getBoolean("bucketfs.vm.cacheDisk.all")) { // in CI, ApplianceImageTest's boots 2 and 3 do these
            boot(vm, "reboot", runDir, Duration.ofMinutes(10), twoDisks, "--keep-disks", "--copy", script,
                    "--copy", carry.resolve("prev.state").toString(), "--copy", carry.resolve("prev.marker").toString());
            Files.copy(runDir.resolve("vm/cache-disk.state"), carry.resolve("prev.state"),
                    StandardCopyOption.REPLACE_EXISTING);

            // without --keep-disks run.sh gives new, blank disks: instance storage after a stop/start
            boot(vm, "wiped", runDir, Duration.ofMinutes(10), twoDisks, "--copy", script,
                    "--copy", carry.resolve("prev.state").toString());
        }

        // one blank disk, one holding a mounted ext4, one with a foreign ext4: only the first is the cache's
        boot(vm, "single", runDir, Duration.ofMinutes(10),
                new String[] {"--nvme", "cache-0", "--nvme", "cache-1", "--nvme", "cache-2"}, "--copy", script);

        CacheDiskScriptTest.Outcome verify = CacheDiskScriptTest.runHostChecks(root, unit.toString());
        assertEquals("PASS", verify.checks().get("systemd-analyze-verify"),
                "systemd-analyze verify of the generated " + unit + "\n" + verify.output());
    }

    private static void boot(TestVm vm, String phase, Path runDir, Duration timeout, String[] disks, String... args)
            throws Exception {
        List<String> a = new ArrayList<>(List.of(disks));
        a.addAll(List.of(args));
        a.addAll(List.of("--env", "PHASE=" + phase));
        TestVm.Result r = vm.run("cache-disk", null, runDir, timeout, a.toArray(String[]::new));
        Map<String, String> seen = r.checks();
        String context = "in the '" + phase + "' boot; logs in " + runDir + "\n" + r.output();
        for (String c : PHASES.get(phase)) {
            assertEquals("PASS", seen.get(c), "check " + c + " " + context);
        }
        assertTrue(seen.values().stream().allMatch("PASS"::equals), "a FAIL line " + context);
        assertTrue(r.lines().stream().anyMatch(l -> l.equals("SUMMARY passed=" + seen.size() + " failed=0")),
                "no clean SUMMARY line " + context);
        assertEquals(0, r.exitCode(), "run.sh exit status " + context);
    }
}
