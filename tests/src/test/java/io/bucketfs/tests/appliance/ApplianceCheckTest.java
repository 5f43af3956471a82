package io.bucketfs.tests.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.tests.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code appliance/check}: the playbook's syntax check, ansible-lint, {@code packer validate} of the image template
 * (Debian's packer 1.6.6), shellcheck of the appliance scripts and the user-data script's unit tests. Needs the
 * tools tests/setup installs (ansible, ansible-lint, packer, shellcheck, python3-yaml).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApplianceCheckTest {

    @Test
    void everyStaticCheckOfTheImageSourcesPasses() throws Exception {
        ApplianceScripts.Result r = ApplianceScripts.run(TestVm.repoRootFromProperty(), Duration.ofMinutes(4),
                "appliance/check");
        assertEquals(0, r.exitCode(), "appliance/check failed:\n" + r.output());
    }
}
