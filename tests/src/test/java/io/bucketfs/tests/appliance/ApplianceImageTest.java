package io.bucketfs.tests.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.tests.MachineBound;
import io.bucketfs.tests.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The appliance image, made and booted. {@code appliance/idempotence --keep}: the playbook applied twice over
 * {@code -c chroot} to a fresh Debian 12 root (debootstrap, cached in tests/.tools/appliance) — the first run
 * succeeds, the second changes nothing, the firewall ruleset checks and the boot units are enabled. Then
 * {@code tests/appliance/boot.sh} boots that root under qemu with systemd and two blank NVMe disks, twice, and
 * checks from a private network namespace: md RAID0 + xfs at the cache directory before the gateway, the service
 * up, NFS into the default export, the admin port closed from outside; after a reboot nothing formatted and the
 * file written before it still there; after the disks are wiped (a stop/start) a new cache and the file read from
 * the bucket. Needs root and the Debian mirror; about 4 min the first time (debootstrap), 2 min after, plus ~4 min
 * for the three boots. {@code -Dbucketfs.appliance.image=false} skips it.
 *
 * <p>It runs beside the other end-to-end suites (its boots are one TCG thread), except the {@link MachineBound}
 * ones, which wait for its lock.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(MachineBound.LOCK)
class ApplianceImageTest {

    @Test
    void thePlaybookIsIdempotentAndTheImageBootsWithItsCacheDisk() throws Exception {
        assumeTrue(Boolean.parseBoolean(System.getProperty("bucketfs.appliance.image", "true")),
                "bucketfs.appliance.image=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (debootstrap, chroot, unshare)");
        ApplianceScripts.Result r = ApplianceScripts.run(TestVm.repoRootFromProperty(), Duration.ofMinutes(14),
                "appliance/idempotence", "--keep");
        assertEquals(0, r.exitCode(), "appliance/idempotence failed:\n" + r.output());
        assertTrue(r.output().contains(" changed=0 "), "no run reported changed=0:\n" + r.output());
        ApplianceScripts.Result boot = ApplianceScripts.run(TestVm.repoRootFromProperty(), Duration.ofMinutes(15),
                "tests/appliance/boot.sh", "--boots", "3");
        assertEquals(0, boot.exitCode(), "tests/appliance/boot.sh failed:\n" + boot.output());
        assertTrue(boot.output().contains("boot 2: same array and file system, nothing formatted"), boot.output());
        assertTrue(boot.output().contains("boot 3: wiped disks formatted again"), boot.output());
    }
}
