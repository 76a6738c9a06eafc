package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.patch.source.FixSource;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.patch.source.FunctionFile;
import dev.suture.channel.Channel;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.PatchApplier;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State across the update in a booted target kernel: callbacks running around the transitions, a shadow
 * variable living with its objects and freed on revert, a refusing pre_patch, callbacks of a module object.
 */
class StateTransferVmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static CachedKernel kernel;
    private static TestVm vm;
    private static FunctionFile miscLines;
    private static Path versionKo;
    private static Path miscKo;
    private static Path miscV2Ko;
    private static Path refuseKo;
    private static Path xfsKo;

    @BeforeAll
    static void buildAndBoot(@TempDir Path dir) throws Exception {
        kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        versionKo = build(FunctionFile.read(repo.resolve("examples/state-callbacks/version_state.c")), dir);
        miscLines = FunctionFile.read(repo.resolve("examples/state-shadow/misc_lines.c"));
        miscKo = build(miscLines, dir);
        // A later cumulative edition of the same fix: same shadow variable, another label on the lines.
        Path v2 = write(dir, "misc_lines_v2.c", Files.readString(miscLines.path()).replace("suture.line=", "suture.line2="));
        miscV2Ko = dir.resolve("misc_lines_v2.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(v2), miscV2Ko, true).orThrow();
        refuseKo = build(FunctionFile.read(write(dir, "refuse.c", """
                #define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
                #include <linux/seq_file.h>
                #include "suture.h"

                static int refused_version_proc_show(struct seq_file *m, void *v)
                {
                	seq_puts(m, "the refused patch ran\\n");
                	return 0;
                }
                SUTURE_REPLACE(version_proc_show, refused_version_proc_show);

                static int refuse_pre_patch(struct klp_object *obj)
                {
                	pr_err("pre_patch: refusing: the state to migrate is not as expected\\n");
                	return -EBUSY;
                }
                SUTURE_PRE_PATCH(refuse_pre_patch);

                static void refuse_post_unpatch(struct klp_object *obj)
                {
                	pr_err("post_unpatch ran\\n");
                }
                SUTURE_POST_UNPATCH(refuse_post_unpatch);
                """)), dir);
        // Callbacks only: xfs gets a klp_object with no function, vmlinux one with a post_patch.
        xfsKo = build(FunctionFile.read(write(dir, "xfs_callbacks.c", """
                #define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
                #include "suture.h"

                static int xfs_pre(struct klp_object *obj)
                {
                	pr_info("%s pre_patch\\n", obj->name);
                	return 0;
                }
                SUTURE_PRE_PATCH_IN(xfs, xfs_pre);

                static void xfs_post(struct klp_object *obj) { pr_info("%s post_patch\\n", obj->name); }
                SUTURE_POST_PATCH_IN(xfs, xfs_post);
                static void xfs_leave(struct klp_object *obj) { pr_info("%s pre_unpatch\\n", obj->name); }
                SUTURE_PRE_UNPATCH_IN(xfs, xfs_leave);
                static void xfs_gone(struct klp_object *obj) { pr_info("%s post_unpatch\\n", obj->name); }
                SUTURE_POST_UNPATCH_IN(xfs, xfs_gone);

                static void vmlinux_post(struct klp_object *obj)
                {
                	pr_info("%s post_patch\\n", obj->name ? obj->name : "vmlinux");
                }
                SUTURE_POST_PATCH(vmlinux_post);
                """)), dir);
        vm = TestVm.boot(VmSpec.of("itest-state", kernel).withModules(List.of(), List.of("xfs")), false, true,
                TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    @Test
    void callbacksRunAroundTheTransitionsAndTheNewCodeSeesTheirState() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        String original = ch.run("cat /proc/version").output();
        clearKernelLog(ch);
        PatchApplier applier = new PatchApplier(ch, System.err::println);

        applier.apply(versionKo, ManifestReader.read(versionKo), TIMEOUT);
        assertThat(kernelLog(ch)).containsSubsequence(
                "suture_version_state: pre_patch: state allocated",
                "livepatch: 'suture_version_state': starting patching transition",
                "suture_version_state: post_patch: every task runs the new code",
                "livepatch: 'suture_version_state': patching complete");
        // The new code reads the state pre_patch made, with the stage post_patch set.
        assertThat(ch.run("cat /proc/version").output()).isEqualTo(original + "suture.stage=complete reads=1\n");
        assertThat(ch.run("cat /proc/version").output()).isEqualTo(original + "suture.stage=complete reads=2\n");

        applier.revert("suture_version_state", TIMEOUT);
        List<String> revertLog = kernelLog(ch);
        assertThat(revertLog).containsSubsequence(
                "suture_version_state: pre_unpatch: 2 reads by the new code; tasks move back to the old code",
                "livepatch: 'suture_version_state': starting unpatching transition",
                "suture_version_state: post_unpatch: state freed",
                "livepatch: 'suture_version_state': unpatching complete");
        assertThat(revertLog).noneMatch(l -> l.contains("pre_patch") || l.contains("post_patch"));
        assertThat(ch.run("cat /proc/version").output()).isEqualTo(original);
        assertThat(ch.run("grep -c suture_ /proc/modules").output().strip()).isEqualTo("0");
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    @Test
    void aShadowFieldLivesWithItsObjectAndWhatIsLeftIsFreedOnRevert() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        List<String> devices = ch.run("cat /proc/misc").output().lines().toList();
        assertThat(devices).isNotEmpty().noneMatch(l -> l.contains("suture"));
        clearKernelLog(ch);
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(miscKo, ManifestReader.read(miscKo), TIMEOUT);
        // The id the compiler derived from the name is the one Suture computes.
        assertThat(kernelLog(ch)).contains("suture_misc_lines: post_patch: open /proc/misc files count their lines"
                + " (shadow id " + miscLines.shadows().getFirst().hexId() + ")");

        // Each open file counts its own lines...
        List<String> numbered = IntStream.range(0, devices.size())
                .mapToObj(i -> devices.get(i) + " suture.line=" + (i + 1)).toList();
        assertThat(ch.run("cat /proc/misc").output().lines().toList()).isEqualTo(numbered);
        // ...from 1 again in the next file: the new seq_release freed the field with its seq_file, though the
        // next seq_file most likely reuses its memory.
        assertThat(ch.run("cat /proc/misc").output().lines().toList()).isEqualTo(numbered);
        // Two files open at once have a field each.
        assertThat(ch.run("exec 3</proc/misc 4</proc/misc; read -r a <&3; read -r b <&4; read -r c <&3;"
                + " echo \"$a|$b|$c\"").output().strip())
                .isEqualTo(numbered.get(0) + "|" + numbered.get(0) + "|" + numbered.get(1));

        // A file still open at the revert keeps its field until post_unpatch frees what is left.
        ch.run("sh -c 'echo $$ > /tmp/holder.pid; read -r line; echo \"$line\" > /tmp/held; exec sleep 600'"
                + " < /proc/misc > /dev/null 2>&1 &");
        assertThat(ch.run("for i in $(seq 50); do [ -s /tmp/held ] && break; sleep 0.1; done; cat /tmp/held")
                .output().strip()).isEqualTo(numbered.get(0));
        clearKernelLog(ch);
        applier.revert("suture_misc_lines", TIMEOUT);
        assertThat(kernelLog(ch)).containsSubsequence(
                "livepatch: 'suture_misc_lines': starting unpatching transition",
                "suture_misc_lines: post_unpatch: freed the line counts of 1 open /proc/misc files",
                "livepatch: 'suture_misc_lines': unpatching complete");
        assertThat(ch.run("cat /proc/misc").output().lines().toList()).isEqualTo(devices);
        // The old seq_release closes the held file; nothing of the patch is left to free or to run.
        assertThat(ch.run("kill $(cat /tmp/holder.pid) && rm /tmp/holder.pid /tmp/held").ok()).isTrue();
        assertThat(ch.run("grep -c suture_ /proc/modules").output().strip()).isEqualTo("0");
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    @Test
    void aCumulativeEditionDeclaringTheSameShadowTakesOverItsData() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        List<String> devices = ch.run("cat /proc/misc").output().lines().toList();
        assertThat(devices).hasSizeGreaterThan(3);
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(miscKo, ManifestReader.read(miscKo), TIMEOUT);
        // A reader reads a line under the first edition, waits, then reads the rest under the second.
        ch.run("rm -f /tmp/go /tmp/first /tmp/rest; sh -c 'echo $$ > /tmp/holder.pid; read -r line; echo \"$line\" > /tmp/first;"
                + " while [ ! -e /tmp/go ]; do sleep 0.1; done; cat > /tmp/rest; exec sleep 600' < /proc/misc > /dev/null 2>&1 &");
        assertThat(ch.run("for i in $(seq 50); do [ -s /tmp/first ] && break; sleep 0.1; done; cat /tmp/first")
                .output().strip()).isEqualTo(devices.get(0) + " suture.line=1");

        clearKernelLog(ch);
        applier.apply(miscV2Ko, ManifestReader.read(miscV2Ko), TIMEOUT);
        ch.run("touch /tmp/go");
        List<String> rest = ch.run("for i in $(seq 50); do [ -e /tmp/rest ] && [ $(wc -l < /tmp/rest) -ge "
                + (devices.size() - 1) + " ] && break; sleep 0.1; done; cat /tmp/rest").output().lines().toList();
        assertThat(rest).hasSize(devices.size() - 1);
        // The lines the new edition showed continue the count the old one kept in the file's field (at most
        // the line the old code had already buffered keeps the old label).
        int firstNew = IntStream.range(0, rest.size()).filter(i -> rest.get(i).contains("suture.line2=")).findFirst().orElseThrow();
        assertThat(firstNew).isLessThanOrEqualTo(1);
        for (int i = 0; i < rest.size(); i++) {
            String label = i < firstNew ? " suture.line=" : " suture.line2=";
            assertThat(rest.get(i)).isEqualTo(devices.get(i + 1) + label + (i + 2));
        }
        // The replaced edition's callbacks do not run: it freed nothing.
        assertThat(kernelLog(ch)).noneMatch(l -> l.startsWith("suture_misc_lines: post_unpatch"));

        applier.revert("suture_misc_lines_v2", TIMEOUT);
        assertThat(kernelLog(ch)).contains("suture_misc_lines_v2: post_unpatch: freed the line counts of 1 open /proc/misc files");
        assertThat(ch.run("grep -c suture_ /proc/modules").output().strip()).isEqualTo("0");
        assertThat(ch.run("kill $(cat /tmp/holder.pid) && rm /tmp/holder.pid /tmp/first /tmp/rest /tmp/go").ok()).isTrue();
        assertThat(ch.run("cat /proc/misc").output().lines().toList()).isEqualTo(devices);
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    @Test
    void aRefusingPrePatchFailsTheApplyAndLeavesNothingLoaded() throws Exception {
        Channel ch = vm.channel();
        String original = ch.run("cat /proc/version").output();
        clearKernelLog(ch);
        PatchApplier applier = new PatchApplier(ch, System.err::println);

        assertThatThrownBy(() -> applier.apply(refuseKo, ManifestReader.read(refuseKo), TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("the kernel refused patch suture_refuse")
                .hasMessageContaining("suture_refuse: pre_patch: refusing: the state to migrate is not as expected")
                .hasMessageContaining("livepatch: pre-patch callback failed for object 'vmlinux'")
                .hasMessageContaining("livepatch: failed to enable patch 'suture_refuse'");
        assertThat(ch.run("grep -c suture_refuse /proc/modules").output().strip()).isEqualTo("0");
        assertThat(LivepatchState.read(ch).patch("suture_refuse")).isEmpty();
        assertThat(ch.run("test -e /sys/kernel/livepatch/suture_refuse").ok()).isFalse();
        assertThat(ch.run("cat /proc/version").output()).isEqualTo(original);
        // post_unpatch runs only for objects whose pre_patch succeeded.
        assertThat(kernelLog(ch)).contains("suture_refuse: pre_patch: refusing: the state to migrate is not as expected")
                .noneMatch(l -> l.contains("post_unpatch ran"));
    }

    @Test
    void moduleCallbacksRunAsTheModuleComesAndGoes() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        assertThat(ch.run("grep -c '^xfs ' /proc/modules").output().strip()).isEqualTo("0");
        clearKernelLog(ch);
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(xfsKo, ManifestReader.read(xfsKo), TIMEOUT);
        // xfs has a klp_object although the fix replaces none of its functions; not loaded, it runs nothing.
        assertThat(LivepatchState.read(ch).patch("suture_xfs_callbacks").orElseThrow().objects())
                .extracting(LivepatchState.PatchedObject::name).containsExactly("vmlinux", "xfs");
        assertThat(kernelLog(ch)).contains("suture_xfs_callbacks: vmlinux post_patch")
                .noneMatch(l -> l.contains("suture_xfs_callbacks: xfs"));

        assertThat(ch.run("modprobe xfs").ok()).isTrue();
        assertThat(kernelLog(ch)).containsSubsequence("livepatch: applying patch 'suture_xfs_callbacks' to loading module 'xfs'",
                "suture_xfs_callbacks: xfs pre_patch", "suture_xfs_callbacks: xfs post_patch");
        assertThat(ch.run("rmmod xfs").ok()).isTrue();
        assertThat(kernelLog(ch)).containsSubsequence("suture_xfs_callbacks: xfs pre_unpatch",
                "livepatch: reverting patch 'suture_xfs_callbacks' on unloading module 'xfs'",
                "suture_xfs_callbacks: xfs post_unpatch");
        assertThat(ch.run("modprobe xfs").ok()).isTrue();
        assertThat(kernelLog(ch)).containsSubsequence("suture_xfs_callbacks: xfs pre_patch", "suture_xfs_callbacks: xfs post_patch");

        applier.revert("suture_xfs_callbacks", TIMEOUT);
        assertThat(kernelLog(ch)).containsSubsequence("suture_xfs_callbacks: xfs pre_unpatch",
                "livepatch: 'suture_xfs_callbacks': starting unpatching transition",
                "suture_xfs_callbacks: xfs post_unpatch",
                "livepatch: 'suture_xfs_callbacks': unpatching complete");
        assertThat(ch.run("rmmod xfs").ok()).isTrue();
        assertThat(kernelLog(ch)).noneMatch(l -> l.contains("suture_xfs_callbacks"));
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    private static void clearKernelLog(Channel ch) throws Exception {
        assertThat(ch.run("dmesg -c > /dev/null").ok()).isTrue();
    }

    /** The kernel's messages since the last look, without timestamps; the log is cleared. */
    private static List<String> kernelLog(Channel ch) throws Exception {
        return ch.run("dmesg -c").output().lines().map(l -> l.replaceFirst("^\\[[ 0-9.]+\\] ", "")).toList();
    }

    private static Path build(FunctionFile fix, Path dir) throws Exception {
        Path ko = dir.resolve(fix.path().getFileName().toString().replaceFirst("\\.c$", ".ko"));
        new PatchBuild(kernel, System.err).build(FixSource.read(fix.path()), ko, false).orThrow();
        return ko;
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
