package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boots the default Debian kernel under QEMU through the CLI, as a user would. */
class VmCommandTest {
    private static final String VM = "itest-vm";
    private static CachedKernel kernel;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @AfterAll
    static void nothingLeftRunning() {
        Main.run("vm", "stop", "--name", VM);
    }

    @Test
    void runPrintsTheBootedRelease() {
        CliRun run = CliRun.of("vm", "run", "--", "uname", "-r");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(kernel.info().release());
    }

    @Test
    void runExitsWithTheCommandsStatus() {
        CliRun run = CliRun.of("vm", "run", "--", "sh", "-c", "exit 3");
        assertThat(run.exitCode()).isEqualTo(3);
    }

    @Test
    void kernelCrashIsReportedAsSuchWithANonZeroExit() {
        CliRun run = CliRun.of("vm", "run", "--", "sh", "-c", "echo c > /proc/sysrq-trigger");
        assertThat(run.exitCode()).isEqualTo(VmCommand.EXIT_KERNEL_PROBLEM);
        assertThat(run.err()).contains("kernel crash").contains("Kernel panic - not syncing: sysrq triggered crash");
    }

    @Test
    void modulesOfTheImageLoadAtBootAndOnDemand() {
        CliRun run = CliRun.of("vm", "run", "--module", "xfs", "--include-module", "btrfs", "--",
                "grep -q '^xfs ' /proc/modules && ! grep -q '^btrfs ' /proc/modules && modprobe btrfs"
                        + " && grep -q '^btrfs ' /proc/modules && echo loaded");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("loaded");
    }

    @Test
    void filesGoInAndBackgroundProcessesOutliveExec(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data.bin");
        byte[] bytes = new byte[48 * 1024];
        new java.util.Random(42).nextBytes(bytes);
        Files.write(data, bytes);
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));

        assertThat(CliRun.of("vm", "start", "--name", VM).exitCode()).isZero();
        assertThat(CliRun.of("vm", "list").out()).contains(VM);
        CliRun bg = CliRun.of("vm", "exec", "--name", VM, "--",
                "setsid sh -c 'while true; do date > /tmp/tick; sleep 1; done' & echo started");
        assertThat(bg.exitCode()).isZero();
        assertThat(bg.out()).contains("started");
        assertThat(CliRun.of("vm", "cp", "--name", VM, data.toString(), "/root/").exitCode()).isZero();
        CliRun sum = CliRun.of("vm", "exec", "--name", VM, "--", "md5sum /root/data.bin");
        assertThat(sum.out()).startsWith(md5);
        CliRun alive = CliRun.of("vm", "exec", "--name", VM, "--",
                "sleep 2; ps -o pid,args | grep -v grep | grep -c 'while true'");
        assertThat(alive.out().strip()).isEqualTo("1");

        // A command past its limit is killed in the guest, with what it started, and the next one runs.
        CliRun hung = CliRun.of("vm", "exec", "--name", VM, "--timeout", "3", "--", "sh -c 'sleep 600' & sleep 500");
        assertThat(hung.exitCode()).isEqualTo(VmCommand.EXIT_TIMEOUT);
        assertThat(hung.err()).contains("did not finish within 3 s");
        CliRun next = CliRun.of("vm", "exec", "--name", VM, "--timeout", "20", "--",
                "echo sleepers=$(ps -o args | grep -c '^sleep [56]00')");
        assertThat(next.exitCode()).isZero();
        assertThat(next.out()).contains("sleepers=0");

        assertThat(CliRun.of("vm", "stop", "--name", VM).exitCode()).isZero();
        CliRun gone = CliRun.of("vm", "exec", "--name", VM, "--", "true");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("VM '" + VM + "' is not running");
    }

    @Test
    void unknownReleaseNamesTheAvailableOnes() {
        CliRun run = CliRun.of("vm", "run", "--kernel", "6.1.0-1-cloud-amd64", "--", "true");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("6.1.0-1-cloud-amd64").contains("cloud-amd64");
    }
}
