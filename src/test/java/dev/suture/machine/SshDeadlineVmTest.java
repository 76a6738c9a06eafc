package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.LocalSshServer;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.vm.SshServer;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dropped SSH connection mid-transition, in a booted kernel: a real {@code suture apply} over SSH, in its own
 * process, is killed while a kernel thread inside a replaced function holds the transition (the fixture), so its
 * connection to the VM's SSH server is cut. With no Suture command running, the machine's deadline watcher takes
 * the patch back after the deadline and the grace; {@code status} over a new connection says so, and
 * {@code revert --all} leaves nothing behind (the dead command's lock included). The guest is observed through
 * the agent, never through SSH.
 */
class SshDeadlineVmTest {
    private static final String PATCH = FixtureVm.PATCH;
    /** The apply's --timeout: long enough for the checks and the load under TCG on a busy host, over SSH. */
    private static final int TIMEOUT_SECONDS = 30;
    /** How long any one Suture process may take here before the test gives up on it. */
    private static final long PROCESS_LIMIT_SECONDS = 180;
    /** The lock is a symlink to its holder's text, not to a file: -L, since -e follows it and is always false. */
    private static final String LOCK = "[ -L " + MachineLock.ROOT + "/lock ] && echo held || echo free";
    private static FixtureVm fixture;
    private static TestVm vm;
    private static Path work;
    private static Path identity;
    private static String target;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        work = dir;
        CachedKernel kernel = Kernels.resolve(null, System.err);
        fixture = FixtureVm.build(kernel, dir);
        KeyPair key = LocalSshServer.newKey();
        identity = LocalSshServer.writePrivateKey(key, dir.resolve("id_test"));
        vm = TestVm.boot(VmSpec.of("itest-ssh-deadline", kernel).withModules(List.of(fixture.fixtureKo.toString()), List.of())
                        .withSsh(new SshServer(List.of(PublicKeyEntry.toString(key.getPublic())))),
                false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        target = vm.state().sshTarget();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (vm != null) {
            try {
                // The blocker lets go, so nothing of this test holds the kernel should the VM be looked at.
                guest("echo release-kthread > /proc/suture_fixture_ctl");
            } finally {
                vm.stop();
            }
        }
    }

    @Test
    void aDroppedConnectionMidTransitionIsTakenBackByTheMachineAtTheDeadline() throws Exception {
        guest("echo hold-kthread > /proc/suture_fixture_ctl");
        Thread.sleep(500);
        // Only the server listens (the boot's check of its banner was a connection of its own, soon gone).
        awaitGuest("no SSH connection open", 30, () -> sessions() == 1);

        Path applyLog = work.resolve("apply.log");
        long started = System.nanoTime();
        Process apply = suture(applyLog, applyLog, "apply", "--timeout", String.valueOf(TIMEOUT_SECONDS),
                "--on-timeout", "rollback", "--signal-after", "60", fixture.patchKo.toString());
        try {
            long until = started + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (LivepatchState.read(vm.channel()).patch(PATCH).filter(LivepatchState.Patch::inTransition).isEmpty()) {
                assertThat(apply.isAlive()).as("suture apply is still running: " + Files.readString(applyLog)).isTrue();
                assertThat(System.nanoTime()).as("the transition starts before the deadline").isLessThan(until);
                Thread.sleep(200);
            }
            assertThat(sessions()).as("the command's SSH session is open").isGreaterThan(1);
        } finally {
            apply.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        System.err.printf("suture apply killed mid-transition %.1f s after it started%n", (System.nanoTime() - started) / 1e9);
        awaitGuest("the SSH server to see the connection gone", 30, () -> sessions() == 1);
        assertThat(LivepatchState.read(vm.channel()).patch(PATCH)).as("nobody took it back yet").get()
                .satisfies(p -> assertThat(p.inTransition()).isTrue());

        // No Suture command from here: the machine's watcher acts after the deadline and the grace.
        long limit = TIMEOUT_SECONDS + Deadline.GRACE.toSeconds() + 5 + 45;
        awaitGuest("the machine to take the patch back by itself", limit - (System.nanoTime() - started) / 1_000_000_000L,
                () -> LivepatchState.read(vm.channel()).patch(PATCH).isEmpty() && !moduleLoaded());
        double seconds = (System.nanoTime() - started) / 1e9;
        System.err.printf("taken back %.1f s after the apply started%n", seconds);
        assertThat(seconds).as("not before the command's deadline").isGreaterThanOrEqualTo(TIMEOUT_SECONDS);
        assertThat(guest("dmesg | grep -c 'suture: took back " + PATCH + "'").strip()).isEqualTo("1");
        assertThat(guest(LOCK)).as("the killed command's lock").isEqualTo("held\n");

        Ran status = run("status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith(target + " runs ").contains("no livepatch applied")
                .contains("deadline watcher: ").contains("took back " + PATCH + " at its deadline and unloaded it: "
                        + "the command that applied it was gone");

        Ran revert = run("revert", "--all");
        assertThat(revert.exitCode()).as(revert.err()).isZero();
        assertThat(revert.err()).contains("removed the stale Suture lock of 'suture apply " + PATCH + "'")
                .contains("no livepatch applied on " + target);
        assertThat(guest(LOCK)).as("no lock held").isEqualTo("free\n");
        assertThat(guest("ls /sys/kernel/livepatch")).isEmpty();
        assertThat(moduleLoaded()).isFalse();
        assertThat(guest("ls /run/suture/watch." + PATCH + " 2>/dev/null; ps | grep -c '[s]uture-deadline'").strip())
                .as("no watcher left").isEqualTo("0");
        assertThat(vm.problemsSince(new TestVm.Snapshot(0, vm.state().taintAtBoot()))).isEmpty();
    }

    /** The guest's dropbear processes: the listening server, and one more per open connection. */
    private static int sessions() throws Exception {
        return Integer.parseInt(guest("pidof dropbear | wc -w").strip());
    }

    private static boolean moduleLoaded() throws Exception {
        return !guest("grep -c '^" + PATCH + " ' /proc/modules || true").strip().equals("0");
    }

    private static String guest(String command) throws Exception {
        return vm.channel().run(command).output();
    }

    private interface GuestCheck {
        boolean holds() throws Exception;
    }

    private static void awaitGuest(String what, long seconds, GuestCheck check) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds));
        while (!check.holds()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("gave up waiting for " + what + "; the guest: " + guest(
                        "ls -la /run/suture; cat /run/suture/watch.* 2>/dev/null; ps; "
                                + "grep . /sys/kernel/livepatch/*/transition /sys/kernel/livepatch/*/enabled; dmesg | tail -5"));
            }
            Thread.sleep(500);
        }
    }

    /** {@code suture ARGS} over SSH to the VM as root, in a process of its own, as a user would run it. */
    private static Process suture(Path out, Path err, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.suture.cli.Main"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--target", target, "--identity", identity.toString(),
                "--known-hosts", vm.home().knownHosts().toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (out.equals(err)) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(err.toFile());
        }
        return pb.redirectOutput(out.toFile()).start();
    }

    private record Ran(int exitCode, String out, String err) {
    }

    private static Ran run(String... args) throws Exception {
        Path out = Files.createTempFile(work, args[0], ".out");
        Path err = Files.createTempFile(work, args[0], ".err");
        Process p = suture(out, err, args);
        if (!p.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("suture " + String.join(" ", args) + " did not end within " + PROCESS_LIMIT_SECONDS
                    + " s: " + Files.readString(out) + Files.readString(err));
        }
        Ran ran = new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
        System.err.print(ran.err());
        return ran;
    }
}
