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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change at the top of smpboot_thread_fn's loop (examples/kthread-loop), in a booted 2-CPU VM: the kernel
 * threads that run that loop (ksoftirqd/N, migration/N, cpuhp/N) never leave it, so apply refuses before loading
 * by never-quiescent, naming them; with --allow-mixed smpboot_thread_fn it completes the transition, status names
 * the threads that keep the old loop, the kernel stays healthy under a minute of work (CPU hotplug parks and
 * unparks those very threads), and revert leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeverQuiescentVmTest {
    private static final String VM = "itest-neverquiescent";
    private static final String TARGET = "vm:" + VM;
    private static final String PATCH = "suture_smpboot_loop";
    private static final String THREADS = "ksoftirqd/0 \\(pid \\d+\\), migration/0 .*cpuhp/1 .*ksoftirqd/1 \\(pid \\d+\\)";
    private static TestVm vm;
    private static Path ko;

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        ko = dir.resolve(PATCH + ".ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/kthread-loop/smpboot-loop.patch")),
                ko, false).orThrow();
        vm = TestVm.boot(VmSpec.of(VM, kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        assertThat(guest("cat /sys/devices/system/cpu/online").strip()).as("two CPUs: threads of each").isEqualTo("0-1");
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    private static String guest(String command) throws Exception {
        return vm.channel().run(command, Duration.ofMinutes(3)).output();
    }

    @Test
    @Order(1)
    void threadsThatNeverLeaveTheReplacedLoopRefuseThePatchBeforeLoading() throws Exception {
        CliRun run = CliRun.of("apply", "--target", TARGET, ko.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).containsPattern("suture: never-quiescent: smpboot_thread_fn: 6 kernel thread\\(s\\) run it as "
                        + "their own function and never leave it, so the transition could never finish: " + THREADS
                        + "; nothing was loaded")
                .contains("move the change into a function the loop calls on each pass")
                .contains("'suture apply --target " + TARGET + " --allow-mixed smpboot_thread_fn " + ko + "'")
                .doesNotContain("--timeout").doesNotContain("\tat ");
        assertThat(guest("ls /sys/kernel/livepatch; grep -c " + PATCH + " /proc/modules")).as("nothing loaded").isEqualTo("0\n");
    }

    @Test
    @Order(2)
    void buildCheckedOnTheMachineSaysTheSameBeforeAnythingIsCopiedThere(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("checked.ko");
        CliRun run = CliRun.of("build", Path.of(System.getProperty("suture.repo", "."))
                .resolve("examples/kthread-loop/smpboot-loop.patch").toString(), "-o", out.toString(), "--check-on", TARGET);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("runs 6.1.0-").containsPattern("suture: built " + java.util.regex.Pattern.quote(out.toString())
                        + ", but apply on " + TARGET + " would refuse it: never-quiescent: smpboot_thread_fn: 6 kernel thread")
                .contains("'suture apply --target " + TARGET + " --allow-mixed smpboot_thread_fn " + out + "'");
        assertThat(guest("ls /sys/kernel/livepatch; ls -R /var/lib/suture 2>/dev/null | grep -c " + PATCH + "; grep -c "
                + PATCH + " /proc/modules")).as("nothing copied there, nothing loaded").isEqualTo("0\n0\n");
    }

    @Test
    @Order(3)
    void allowedToMixTheLoopIsAppliedRunsAMinuteOfWorkHealthyAndRevertsClean() throws Exception {
        TestVm.Snapshot before = vm.snapshot();
        CliRun apply = CliRun.of("apply", "--target", TARGET, "--allow-mixed", "smpboot_thread_fn", ko.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.err()).contains(PATCH + ": completing the transition as --allow-mixed allows; 6 thread(s)")
                .contains("transition complete; every task runs the new code but the 6 thread(s) above");
        assertThat(guest("cat /sys/kernel/livepatch/" + PATCH + "/enabled /sys/kernel/livepatch/" + PATCH + "/transition"))
                .as("applied and settled").isEqualTo("1\n0\n");

        CliRun status = CliRun.of("status", "--target", TARGET);
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains(PATCH + ": enabled").contains("6 thread(s) still run old code, as --allow-mixed allowed:")
                .containsPattern("ksoftirqd/1 \\(pid \\d+\\) kernel thread: the old smpboot_thread_fn, its main loop, until it restarts")
                .doesNotContain("in transition");
        JsonNode json = Json.MAPPER.readTree(CliRun.of("status", "--target", TARGET, "--json").out());
        assertThat(json.path("runningOldCode").path(PATCH)).hasSize(6);

        // A minute of work: CPU-bound pipes, short-lived processes, and CPU 1 taken offline and back, which parks
        // and unparks its smpboot threads through the old loop while new tasks run the new one.
        String work = guest("""
                end=$(( $(date +%s) + 60 )); rounds=0; plugs=0
                while [ $(date +%s) -lt $end ]; do
                  dd if=/dev/urandom bs=64k count=4 2>/dev/null | md5sum >/dev/null
                  for i in 1 2 3 4; do sh -c 'exit 0' & done; wait
                  if [ $((rounds % 20)) -eq 0 ]; then
                    echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online && plugs=$((plugs+1))
                  fi
                  rounds=$((rounds+1))
                done
                echo "rounds $rounds plugs $plugs online $(cat /sys/devices/system/cpu/online)"
                """);
        assertThat(work).matches("rounds \\d+ plugs [1-9]\\d* online 0-1\\n");
        assertThat(vm.problemsSince(before)).as("no oops, warning or new taint but livepatch's").isEmpty();
        assertThat(CliRun.of("status", "--target", TARGET).out()).as("parked and unparked, not restarted")
                .contains("6 thread(s) still run old code");

        CliRun revert = CliRun.of("revert", "--target", TARGET, PATCH);
        assertThat(revert.exitCode()).as(revert.err()).isZero();
        assertThat(revert.err()).contains(PATCH + " unloaded");
        assertThat(guest("ls /sys/kernel/livepatch /run/suture | grep -c -e " + PATCH + " -e mixed; grep -c " + PATCH
                + " /proc/modules")).as("no patch, no module, no record of mixed threads").isEqualTo("0\n0\n");
        assertThat(CliRun.of("status", "--target", TARGET).out()).contains("no livepatch applied").doesNotContain("old code");
        assertThat(vm.problemsSince(before)).isEmpty();
    }
}
