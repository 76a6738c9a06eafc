package dev.suture.machine;

import dev.suture.channel.Channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editions in a booted kernel: stack A and B, switch to cumulative C, revert to nothing, switch back by name. */
class EditionsVmTest {

    @Test
    void stackSwitchToCumulativeRevertAndSwitchBack(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        Path a = build(kernel, repo.resolve("examples/cmdline/cmdline.c"), dir.resolve("a.ko"), false);
        Path b = build(kernel, repo.resolve("examples/editions/loadavg.c"), dir.resolve("b.ko"), false);
        Path c = build(kernel, repo.resolve("examples/editions/cumulative.c"), dir.resolve("c.ko"), true);

        try (TestVm vm = TestVm.boot(VmSpec.of("itest-editions", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel ch = vm.channel();
            PatchApplier applier = new PatchApplier(ch, PatchApplier.lines(System.err::println));
            EditionStore store = new EditionStore(ch);
            String cmdline = ch.run("cat /proc/cmdline").output().strip();

            applier.apply(a, ManifestReader.read(a), TransitionPolicy.DEFAULT);
            assertThat(read(ch)).contains("suture.patched=").doesNotContain("edition");

            applier.apply(b, ManifestReader.read(b), TransitionPolicy.DEFAULT);
            assertThat(read(ch)).contains("suture.patched=").contains("edition-b");
            assertThat(store.list()).filteredOn(Edition::loaded).extracting(Edition::name, Edition::position)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("suture_cmdline", 1),
                            org.assertj.core.groups.Tuple.tuple("suture_loadavg", 2));

            applier.apply(c, ManifestReader.read(c), TransitionPolicy.DEFAULT);
            assertThat(read(ch)).doesNotContain("suture.patched").doesNotContain("edition-b")
                    .contains(cmdline + " edition-c").contains(" edition-c\n");
            assertThat(store.list()).filteredOn(Edition::loaded).extracting(Edition::name).containsExactly("suture_cumulative");
            assertThat(ch.run("grep -c -e suture_cmdline -e suture_loadavg /proc/modules").output().strip())
                    .as("replaced editions are unloaded").isEqualTo("0");

            applier.revert("suture_cumulative", TransitionPolicy.DEFAULT);
            assertThat(ch.run("cat /proc/cmdline").output()).isEqualTo(cmdline + "\n");
            assertThat(ch.run("cat /proc/loadavg").output()).matches("[0-9.]+ [0-9.]+ [0-9.]+ \\d+/\\d+ \\d+\\n");
            assertThat(store.list()).noneMatch(Edition::loaded).extracting(Edition::name)
                    .contains("suture_cmdline", "suture_loadavg", "suture_cumulative");

            applier.applyStored("suture_cumulative", TransitionPolicy.DEFAULT);
            assertThat(read(ch)).contains(cmdline + " edition-c");
            applier.revert("suture_cumulative", TransitionPolicy.DEFAULT);
            assertThat(vm.problemsSince(new TestVm.Snapshot(0, vm.state().taintAtBoot()))).isEmpty();

            assertThatThrownBy(() -> applier.applyStored("suture_nothing", TransitionPolicy.DEFAULT))
                    .isInstanceOf(SutureException.class).hasMessageContaining("no edition named suture_nothing");
        }
    }

    private static String read(Channel ch) throws Exception {
        return ch.run("cat /proc/cmdline /proc/loadavg").output();
    }

    private static Path build(CachedKernel kernel, Path fix, Path out, boolean cumulative) throws Exception {
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), out, cumulative).orThrow();
        return out;
    }
}
