package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import org.junit.jupiter.api.Test;

/** A second, older Debian release boots too: the VM does not depend on one kernel's quirks. */
class OtherReleaseBootTest {
    static final String OLDER_RELEASE = "6.1.0-53-cloud-amd64";

    @Test
    void olderReleaseBootsAndReportsItself() throws Exception {
        CachedKernel older = Kernels.resolve(OLDER_RELEASE, System.err);
        try (TestVm vm = TestVm.boot(VmSpec.of("itest-older", older), false, true, TestVm.DEFAULT_BOOT_TIMEOUT,
                System.err)) {
            assertThat(vm.channel().run("uname -r").output().strip()).isEqualTo(OLDER_RELEASE);
            assertThat(vm.state().taintAtBoot()).isZero();
        }
    }
}
