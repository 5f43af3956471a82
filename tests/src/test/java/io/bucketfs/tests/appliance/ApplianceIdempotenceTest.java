package io.bucketfs.tests.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketfs.tests.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code appliance/idempotence}: the playbook applied twice over {@code -c chroot} to a fresh Debian 12 root
 * (debootstrap, cached in tests/.tools/appliance) — the first run succeeds, the second changes nothing, and the
 * result holds a firewall ruleset nft accepts and the boot units enabled. Needs root and the Debian mirror;
 * about 4 min the first time (debootstrap), 2 min after. {@code -Dbucketfs.appliance.idempotence=false} skips it.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ApplianceIdempotenceTest {

    @Test
    void aSecondRunOfThePlaybookChangesNothing() throws Exception {
        assumeTrue(Boolean.parseBoolean(System.getProperty("bucketfs.appliance.idempotence", "true")),
                "bucketfs.appliance.idempotence=false");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (debootstrap, chroot)");
        ApplianceScripts.Result r = ApplianceScripts.run(TestVm.repoRootFromProperty(), Duration.ofMinutes(14),
                "appliance/idempotence");
        assertEquals(0, r.exitCode(), "appliance/idempotence failed:\n" + r.output());
        assertTrue(r.output().contains(" changed=0 "), "no run reported changed=0:\n" + r.output());
    }
}
