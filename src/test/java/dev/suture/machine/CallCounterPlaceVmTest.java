package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters' edges in a booted kernel: a placement the kernel refuses halfway takes back what it placed and says
 * the kernel's reason; an event someone enabled by hand (tracing into the buffer) does not stop revert from
 * removing it and unloading the module.
 */
class CallCounterPlaceVmTest {
    private static final String PATCH = "suture_cmdline";
    private static final String TRACING = "/sys/kernel/tracing";
    private static final TransitionPolicy COUNTING = new TransitionPolicy(Duration.ofSeconds(60), Duration.ofSeconds(15),
            TransitionPolicy.OnTimeout.ROLLBACK).withCountCalls(true);
    private static TestVm vm;
    private static Path ko;

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        ko = dir.resolve("cmdline.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(Path.of(System.getProperty("suture.repo", "."))
                .resolve("examples/cmdline/cmdline.c")), ko, false).orThrow();
        vm = TestVm.boot(VmSpec.of("itest-calls-place", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    /** A test that failed midway leaves the next one a clean machine. */
    @AfterEach
    void revertWhatIsLeft() throws Exception {
        if (!guest("ls /sys/kernel/livepatch").isBlank()) {
            new PatchApplier(vm.channel(), System.err::println).revert(PATCH, Duration.ofSeconds(60));
        }
    }

    private static String guest(String command) throws Exception {
        return vm.channel().run(command, Duration.ofMinutes(2)).output();
    }

    @Test
    void aPlacementTheKernelRefusesHalfwayLeavesNoCounter() throws Exception {
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        PatchManifest manifest = ManifestReader.read(ko);
        new PatchApplier(ch, System.err::println).apply(ko, manifest, Duration.ofSeconds(60));
        // The first replacement is there, the second is not: the first event and trigger are placed, then refused.
        List<PatchManifest.Function> functions = new ArrayList<>(manifest.functions());
        functions.add(new PatchManifest.Function("vmlinux", "version_proc_show", 0, "no_such_replacement"));
        PatchManifest twoFunctions = new PatchManifest(manifest.format(), manifest.name(), manifest.release(),
                manifest.buildId(), manifest.source(), manifest.sourceSha256(), manifest.builtAt(), false, functions);

        assertThatThrownBy(() -> CallCounter.place(ch, twoFunctions)).isInstanceOf(SutureException.class)
                .hasMessageStartingWith("patch " + PATCH + " is applied and runs the new code, but its calls cannot be "
                        + "counted on vm:itest-calls-place: no kprobe on " + PATCH + ":no_such_replacement: ")
                .hasMessageEndingWith(": trace_kprobe: error: Invalid probed address or symbol")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("'suture revert --target "
                        + "vm:itest-calls-place " + PATCH + "'"));
        assertThat(guest("cat " + TRACING + "/kprobe_events; ls " + TRACING + "/events | grep -c " + PATCH
                + "; ls /run/suture | grep -c calls")).as("nothing placed is left").isEqualTo("0\n0\n");
        assertThat(CallCounter.read(ch)).isEmpty();

        new PatchApplier(ch, System.err::println).revert(PATCH, Duration.ofSeconds(60));
        assertThat(vm.problemsSince(before)).extracting(KernelProblem::describe).isEmpty();
    }

    @Test
    void anEventEnabledByHandIsStillRemovedBeforeTheModuleGoes() throws Exception {
        Channel ch = vm.channel();
        PatchApplier applier = new PatchApplier(ch, System.err::println);
        applier.apply(ko, ManifestReader.read(ko), COUNTING);
        String event = TRACING + "/events/" + PATCH + "/cmdline_proc_show";
        guest("echo 1 > " + event + "/enable; cat /proc/cmdline");
        assertThat(guest("cat " + event + "/enable; grep -c cmdline_proc_show: " + TRACING + "/trace"))
                .as("enabled (and soft-enabled by its trigger): the call is in the trace buffer too").isEqualTo("1*\n1\n");
        assertThat(CallCounter.read(ch).get(PATCH).calls()).containsEntry("cmdline_proc_show", 1L);

        applier.revert(PATCH, COUNTING);
        assertThat(guest("cat " + TRACING + "/kprobe_events; ls " + TRACING + "/events | grep -c " + PATCH
                + "; grep -c '^" + PATCH + " ' /proc/modules")).isEqualTo("0\n0\n");
        guest("echo > " + TRACING + "/trace");
    }
}
