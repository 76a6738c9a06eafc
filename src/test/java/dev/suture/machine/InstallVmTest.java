package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An installed edition comes back after a reboot of the VM; once uninstalled, it does not. */
class InstallVmTest {

    @Test
    void installedEditionIsAppliedAgainAtBootUntilUninstalled(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path ko = dir.resolve("cmdline.ko");
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/cmdline/cmdline.c")), ko, false).orThrow();
        PatchManifest manifest = ManifestReader.read(ko);

        TestVm vm = TestVm.boot(VmSpec.of("itest-install", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        try {
            new PatchApplier(vm.channel(), PatchApplier.lines(System.err::println)).apply(ko, manifest, TransitionPolicy.DEFAULT);
            new Installer(vm.channel()).install(ko, manifest);
            assertThat(new Installer(vm.channel()).installed()).containsExactly("suture_cmdline");

            vm = vm.reboot(TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
            double uptime = Double.parseDouble(vm.channel().run("cat /proc/uptime").output().split(" ")[0]);
            assertThat(uptime).as("a fresh boot").isLessThan(60);
            assertThat(vm.channel().run("cat /proc/cmdline").output()).contains("suture.patched=");
            assertThat(LivepatchState.read(vm.channel()).patch("suture_cmdline")).get()
                    .satisfies(p -> assertThat(p.enabled()).isTrue());

            new Installer(vm.channel()).uninstall("suture_cmdline");
            assertThat(vm.channel().run("cat /proc/cmdline").output()).as("still applied until reverted").contains("suture.patched=");
            vm = vm.reboot(TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
            assertThat(vm.channel().run("cat /proc/cmdline").output()).doesNotContain("suture.patched");
            assertThat(LivepatchState.read(vm.channel()).patches()).isEmpty();
        } finally {
            vm.stop();
        }
    }
}
