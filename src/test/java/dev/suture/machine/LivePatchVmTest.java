package dev.suture.machine;

import dev.suture.channel.Channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Function-file patches applied to and reverted from a booted target kernel; behaviour checked in it. */
class LivePatchVmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static CachedKernel kernel;
    private static TestVm vm;
    private static Path cmdlineKo;
    private static Path xfsKo;
    private static Path cpuinfoKo;

    @BeforeAll
    static void buildAndBoot(@TempDir Path dir) throws Exception {
        kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        cmdlineKo = dir.resolve("cmdline.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/cmdline/cmdline.c")), cmdlineKo, false).orThrow();
        xfsKo = dir.resolve("xfs_stats.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/xfs-stats/xfs_stats.c")), xfsKo, false).orThrow();
        cpuinfoKo = dir.resolve("cpuinfo.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/cpuinfo/cpuinfo.c")), cpuinfoKo, false).orThrow();
        vm = TestVm.boot(VmSpec.of("itest-livepatch", kernel).withModules(List.of(), List.of("xfs")), false, true,
                TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    @Test
    void cmdlinePatchChangesBehaviourAndRevertRestoresIt() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        String original = ch.run("cat /proc/cmdline").output();
        assertThat(original).doesNotContain("suture.patched");

        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(cmdlineKo, ManifestReader.read(cmdlineKo), TIMEOUT);
        String patched = ch.run("cat /proc/cmdline").output().strip();
        // The new code read the kernel's non-exported saved_command_line through a livepatch relocation.
        assertThat(patched).isEqualTo(original.strip() + " suture.patched=" + original.strip().length());
        assertThat(LivepatchState.read(ch).patch("suture_cmdline")).get()
                .satisfies(p -> assertThat(p.enabled()).isTrue());

        applier.revert("suture_cmdline", TIMEOUT);
        assertThat(ch.run("cat /proc/cmdline").output()).isEqualTo(original);
        assertThat(ch.run("grep -c suture /proc/modules").output().strip()).isEqualTo("0");
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    @Test
    void duplicatedStaticNamesResolveToTheReplacedFunctionsOwnFile() throws Exception {
        Channel ch = vm.channel();
        String cpus = ch.run("grep -c ^processor /proc/cpuinfo").output().strip();
        String consoles = ch.run("cat /proc/consoles").output();
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(cpuinfoKo, ManifestReader.read(cpuinfoKo), TIMEOUT);

        String cpuinfo = ch.run("cat /proc/cpuinfo").output();
        // The new show_cpuinfo counted the online CPUs with the c_start of its own file (the /proc/consoles
        // namesake would have returned consoles, and kept the console lock)...
        assertThat(cpuinfo.lines().filter(l -> l.startsWith("suture_online")).toList())
                .hasSize(Integer.parseInt(cpus)).allMatch(l -> l.endsWith(": " + cpus));
        // ...and the replaced c_next (position 1 of three) is the one /proc/cpuinfo walks with.
        assertThat(cpuinfo).contains("suture_next\t: 0").contains("suture_next\t: 1");
        assertThat(ch.run("cat /proc/consoles").output()).isEqualTo(consoles);

        applier.revert("suture_cpuinfo", TIMEOUT);
        assertThat(ch.run("cat /proc/cpuinfo").output()).doesNotContain("suture_").contains("vendor_id");
    }

    @Test
    void modulePatchAppliesWhenTheModuleLoadsAfterIt() throws Exception {
        Channel ch = vm.channel();
        assertThat(ch.run("grep -c '^xfs ' /proc/modules").output().strip()).isEqualTo("0");
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(xfsKo, ManifestReader.read(xfsKo), TIMEOUT);
        assertThat(LivepatchState.read(ch).patch("suture_xfs_stats").orElseThrow().objects())
                .singleElement().satisfies(o -> assertThat(o.patched()).isFalse());

        assertThat(ch.run("modprobe xfs && cat /sys/fs/xfs/stats/stats").output()).isEqualTo("suture: xfs stats patched\n");
        applier.revert("suture_xfs_stats", TIMEOUT);
        assertThat(ch.run("cat /sys/fs/xfs/stats/stats").output()).startsWith("extent_alloc ");
    }

    @Test
    void modulePatchAppliesToAModuleAlreadyLoaded() throws Exception {
        try (TestVm loaded = TestVm.boot(VmSpec.of("itest-xfs-loaded", kernel).withModules(List.of("xfs"), List.of()),
                false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel ch = loaded.channel();
            assertThat(ch.run("cat /sys/fs/xfs/stats/stats").output()).startsWith("extent_alloc ");
            PatchApplier applier = new PatchApplier(ch, System.err::println);
            applier.apply(xfsKo, ManifestReader.read(xfsKo), TIMEOUT);
            assertThat(ch.run("cat /sys/fs/xfs/stats/stats").output()).isEqualTo("suture: xfs stats patched\n");
            applier.revert("suture_xfs_stats", TIMEOUT);
            assertThat(ch.run("cat /sys/fs/xfs/stats/stats").output()).startsWith("extent_alloc ");
        }
    }

    @Test
    void patchForAnotherReleaseIsRefusedBeforeAnythingLoads(@TempDir Path dir) throws Exception {
        CachedKernel other = Kernels.resolve("6.1.0-53-cloud-amd64", System.err);
        Path ko = dir.resolve("cmdline-53.ko");
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        new PatchBuild(other, System.err).build(FixSource.read(repo.resolve("examples/cmdline/cmdline.c")), ko, false).orThrow();
        PatchManifest manifest = ManifestReader.read(ko);
        assertThat(manifest.release()).isEqualTo("6.1.0-53-cloud-amd64");

        Channel ch = vm.channel();
        assertThatThrownBy(() -> new PatchApplier(ch, System.err::println).apply(ko, manifest, TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("built for 6.1.0-53-cloud-amd64")
                .hasMessageContaining("runs " + kernel.info().release())
                .hasMessageContaining("nothing was loaded");
        assertThat(ch.run("grep -c suture /proc/modules").output().strip()).isEqualTo("0");
        assertThat(ch.run("ls " + PatchApplier.PATCH_DIR + " 2>/dev/null | grep -c 53").output().strip()).isEqualTo("0");
    }
}
