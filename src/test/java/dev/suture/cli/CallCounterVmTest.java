package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --count-calls} in a booted VM with the cmdline example: the kernel's own kprobe event and hist
 * trigger count every call of the new cmdline_proc_show, exactly (nothing else in the VM reads /proc/cmdline);
 * status shows them with --calls and always in --json and --prometheus; revert removes them before the module
 * goes; a module unloaded behind Suture's back leaves its event, which the kernel would re-arm on the next load,
 * and the next apply removes it first; a machine whose kprobes are off refuses before loading.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallCounterVmTest {
    private static final String VM = "itest-calls";
    private static final String TARGET = "vm:" + VM;
    private static final String PATCH = "suture_cmdline";
    private static final String TRACING = "/sys/kernel/tracing";
    private static final String EVENT = TRACING + "/events/" + PATCH + "/cmdline_proc_show";
    private static final int READS = 7;
    private static TestVm vm;
    private static Path ko;

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        ko = dir.resolve(PATCH + ".ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/cmdline/cmdline.c")), ko, false)
                .orThrow();
        vm = TestVm.boot(VmSpec.of(VM, kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    private static String guest(String command) throws Exception {
        return vm.channel().run(command, Duration.ofMinutes(2)).output();
    }

    /** Reads /proc/cmdline n times in the guest, printing the first read. */
    private static String readCmdline(int n) throws Exception {
        return guest("cat /proc/cmdline; i=1; while [ $i -lt " + n + " ]; do cat /proc/cmdline >/dev/null; i=$((i+1)); done");
    }

    private static final Pattern CALLS = Pattern.compile("(?m)^  calls since (\\S+): cmdline_proc_show (\\d+)$");

    @Test
    @Order(1)
    void everyCallOfTheNewCodeIsCountedFromApplyOn() throws Exception {
        Instant before = Instant.now();
        CliRun apply = CliRun.of("apply", "--target", TARGET, "--count-calls", ko.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.err()).contains("transition complete");
        assertThat(guest("cat " + TRACING + "/kprobe_events")).as("one kprobe event, on the replacement in the patch module")
                .isEqualTo("p:" + PATCH + "/cmdline_proc_show " + PATCH + ":patched_cmdline_proc_show\n");
        assertThat(guest("cat " + EVENT + "/trigger")).startsWith("hist:keys=__probe_ip:vals=hitcount");
        assertThat(guest("cat " + EVENT + "/enable")).as("soft-enabled by its trigger: nothing goes to the trace buffer")
                .isEqualTo("0*\n");

        CliRun none = CliRun.of("status", "--target", TARGET, "--calls");
        Matcher zero = CALLS.matcher(none.out());
        assertThat(zero.find()).as(none.out()).isTrue();
        assertThat(zero.group(2)).as("nothing read /proc/cmdline since the apply").isEqualTo("0");
        Instant since = Instant.parse(zero.group(1));
        // The guest's clock is set from this host's at boot: the start is the apply's, within the clocks' drift.
        assertThat(since).isBetween(before.minusSeconds(60), Instant.now().plusSeconds(60));

        assertThat(readCmdline(READS)).as("the new code runs").contains(" suture.patched=");
        CliRun counted = CliRun.of("status", "--target", TARGET, "--calls");
        assertThat(counted.exitCode()).isZero();
        assertThat(counted.out()).contains(PATCH + ": enabled")
                .contains("  calls since " + since + ": cmdline_proc_show " + READS + "\n");
        assertThat(CliRun.of("status", "--target", TARGET).out()).as("without --calls the text is as it was")
                .doesNotContain("  calls");

        JsonNode json = Json.MAPPER.readTree(CliRun.of("status", "--target", TARGET, "--json").out());
        assertThat(json.at("/calls/" + PATCH + "/cmdline_proc_show").asLong()).isEqualTo(READS);
        assertThat(Instant.parse(json.at("/callsSince/" + PATCH).asText())).isEqualTo(since);
        assertThat(CliRun.of("status", "--target", TARGET, "--prometheus").out()).contains("# TYPE suture_function_calls_total "
                + "counter\nsuture_function_calls_total{patch=\"" + PATCH + "\",function=\"cmdline_proc_show\"} " + READS + "\n");
    }

    @Test
    @Order(2)
    void revertRemovesTheCountersAndTheModule() throws Exception {
        CliRun revert = CliRun.of("revert", "--target", TARGET, PATCH);
        assertThat(revert.exitCode()).as(revert.err()).isZero();
        assertThat(guest("cat " + TRACING + "/kprobe_events")).as("no kprobe event left").isEmpty();
        assertThat(guest("ls " + TRACING + "/events | grep -c " + PATCH + "; grep -c '^" + PATCH + " ' /proc/modules; "
                + "ls /run/suture | grep -c calls; ls /sys/kernel/livepatch | wc -l"))
                .as("no event group (so no trigger), no module, no record, no livepatch").isEqualTo("0\n0\n0\n0\n");
    }

    @Test
    @Order(3)
    void anApplyWithoutCountCallsHasNoCounters() throws Exception {
        assertThat(CliRun.of("apply", "--target", TARGET, ko.toString()).exitCode()).isZero();
        readCmdline(3);
        assertThat(guest("cat " + TRACING + "/kprobe_events")).isEmpty();
        assertThat(CliRun.of("status", "--target", TARGET, "--calls").out())
                .contains("  calls: not counted (apply with --count-calls to count them)\n");
        JsonNode json = Json.MAPPER.readTree(CliRun.of("status", "--target", TARGET, "--json").out());
        assertThat(json.at("/calls").isObject() && json.at("/calls").isEmpty()).as(json.toString()).isTrue();
        assertThat(CliRun.of("revert", "--target", TARGET, PATCH).exitCode()).isZero();
    }

    /**
     * What 6.1 does with a kprobe event on a module that goes: rmmod succeeds though the event is enabled, the
     * event and its histogram stay, and the next module of that name re-arms it and counts on. Suture's next apply
     * removes such leftovers before it loads.
     */
    @Test
    @Order(4)
    void countersLeftByAModuleUnloadedBehindSuturesBackAreRemovedBeforeTheNextLoad() throws Exception {
        assertThat(CliRun.of("apply", "--target", TARGET, "--count-calls", ko.toString()).exitCode()).isZero();
        readCmdline(2);
        assertThat(guest("echo 0 > /sys/kernel/livepatch/" + PATCH + "/enabled; i=0; "
                + "while [ -d /sys/kernel/livepatch/" + PATCH + " ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done; "
                + "rmmod " + PATCH + " && echo unloaded")).as("the kernel lets the probed module go").contains("unloaded");
        assertThat(guest("cat " + TRACING + "/kprobe_events; grep -c GONE /sys/kernel/debug/kprobes/list"))
                .as("its event stays, its kprobe gone").isEqualTo("p:" + PATCH + "/cmdline_proc_show "
                        + PATCH + ":patched_cmdline_proc_show\n1\n");

        CliRun plain = CliRun.of("apply", "--target", TARGET, ko.toString());
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        readCmdline(2);
        assertThat(guest("cat " + TRACING + "/kprobe_events; ls " + TRACING + "/events | grep -c " + PATCH))
                .as("the leftover event went before the load: nothing re-armed").isEqualTo("0\n");
        assertThat(CliRun.of("status", "--target", TARGET, "--calls").out()).contains("calls: not counted");
        assertThat(CliRun.of("revert", "--target", TARGET, PATCH).exitCode()).isZero();
    }

    @Test
    @Order(5)
    void switchToAStoredEditionCountsToo() throws Exception {
        CliRun run = CliRun.of("switch", "--target", TARGET, "--count-calls", PATCH);
        assertThat(run.exitCode()).as(run.err()).isZero();
        readCmdline(4);
        assertThat(CliRun.of("status", "--target", TARGET, "--calls").out()).containsPattern(CALLS.pattern().replace("(\\d+)", "4"));
        assertThat(CliRun.of("revert", "--target", TARGET, PATCH).exitCode()).isZero();
        assertThat(guest("cat " + TRACING + "/kprobe_events; grep -c '^" + PATCH + " ' /proc/modules")).isEqualTo("0\n");
    }

    @Test
    @Order(6)
    void aMachineWhoseKprobesAreOffRefusesBeforeLoading() throws Exception {
        guest("echo 0 > /sys/kernel/debug/kprobes/enabled");
        try {
            CliRun run = CliRun.of("apply", "--target", TARGET, "--count-calls", ko.toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--count-calls cannot count on this machine: kprobes are switched off on "
                            + TARGET + " (/sys/kernel/debug/kprobes/enabled is 0); nothing was loaded")
                    .contains("echo 1 > /sys/kernel/debug/kprobes/enabled")
                    .contains("apply without counting: 'suture apply --target " + TARGET + " " + ko + "'")
                    .doesNotContain("\tat ");
            assertThat(guest("grep -c '^" + PATCH + " ' /proc/modules; ls /sys/kernel/livepatch | wc -l"))
                    .as("nothing loaded").isEqualTo("0\n0\n");
        } finally {
            guest("echo 1 > /sys/kernel/debug/kprobes/enabled");
        }
    }
}
