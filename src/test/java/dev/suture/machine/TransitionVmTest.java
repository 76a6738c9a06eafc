package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.vm.TestVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transitions held up by tasks inside replaced functions, in a booted kernel: blockers are named with their
 * function, the transition completes when they leave, a deadline rolls back to exactly the old kernel, and the
 * signal policy moves a sleeping reader across without changing what it reads.
 */
class TransitionVmTest {
    private static CachedKernel kernel;
    private static FixtureVm fixture;
    private static TestVm vm;
    private static PatchManifest manifest;
    /**
     * Seconds of a deadline meant to fall in the transition, not in the load before it: under TCG on a host whose
     * cores builds take, the load alone has taken over 12 s.
     */
    private static final int LOADED_HOST_DEADLINE = 30;

    private final List<TransitionEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        kernel = Kernels.resolve(null, System.err);
        fixture = FixtureVm.build(kernel, dir);
        manifest = ManifestReader.read(fixture.patchKo);
        vm = fixture.boot(kernel, "itest-transition");
    }

    @AfterAll
    static void tearDown() {
        if (vm != null) {
            vm.stop();
        }
    }

    @AfterEach
    void releaseAndClean() throws Exception {
        ctl("release-reader");
        ctl("release-kthread");
        if (LivepatchState.read(vm.channel()).patch(FixtureVm.PATCH).isPresent()) {
            applier().revert(FixtureVm.PATCH, TransitionPolicy.DEFAULT);
        }
    }

    @Test
    void kernelThreadBlockerIsNamedAndTheTransitionCompletesWhenItLeaves() throws Exception {
        ctl("hold-kthread");
        awaitSleepingIn("fixture_kthread_wait");
        TransitionPolicy policy = new TransitionPolicy(Duration.ofSeconds(90), Duration.ofSeconds(2),
                TransitionPolicy.OnTimeout.ROLLBACK);
        CompletableFuture<Void> apply = CompletableFuture.runAsync(() -> {
            try {
                applier().apply(fixture.patchKo, manifest, policy);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitBlocked("suture_fixture", "fixture_kthread_wait", true);
        assertThat(apply).isNotDone();

        long before = rounds();
        ctl("release-kthread");
        apply.get(60, TimeUnit.SECONDS);
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Completed c && c.patched());
        Thread.sleep(300);
        assertThat(rounds() - before).as("the kernel thread now runs the new code, which counts in thousands")
                .isGreaterThanOrEqualTo(1000);
    }

    @Test
    void taskThatNeverLeavesMakesTheDeadlineRollBackToTheOldKernel() throws Exception {
        ctl("hold-kthread");
        awaitSleepingIn("fixture_kthread_wait");
        // Long enough for preflight and the load under TCG on a busy host, so the deadline falls in the transition.
        TransitionPolicy policy = new TransitionPolicy(Duration.ofSeconds(LOADED_HOST_DEADLINE), Duration.ofSeconds(2),
                TransitionPolicy.OnTimeout.ROLLBACK);
        assertThatThrownBy(() -> applier().apply(fixture.patchKo, manifest, policy))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("rolled back; the kernel runs the old code")
                .hasMessageContaining("suture_fixture").hasMessageContaining("in fixture_kthread_wait");
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.TimedOut);
        assertThat(LivepatchState.read(vm.channel()).patches()).isEmpty();
        assertThat(vm.channel().run("grep -c " + FixtureVm.PATCH + " /proc/modules").output().strip()).isEqualTo("0");

        long before = rounds();
        ctl("release-kthread");
        Thread.sleep(700);
        long delta = rounds() - before;
        assertThat(delta).as("old code counts one per round").isBetween(1L, 999L);
    }

    @Test
    void signalPolicyMovesASleepingReaderAcrossAndItsReadCompletesNormally() throws Exception {
        ctl("hold-reader");
        vm.channel().run("rm -f /tmp/read.out /tmp/read.status; setsid sh -c "
                + "'cat /proc/suture_fixture_block > /tmp/read.out; echo $? > /tmp/read.status' >/dev/null 2>&1 &");
        awaitSleepingIn("fixture_block_wait");
        TransitionPolicy policy = new TransitionPolicy(Duration.ofSeconds(LOADED_HOST_DEADLINE), Duration.ofSeconds(1),
                TransitionPolicy.OnTimeout.ROLLBACK);
        long start = System.nanoTime();
        applier().apply(fixture.patchKo, manifest, policy);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Predicted p
                && p.blockers().stream().anyMatch(b -> b.comm().equals("cat") && b.function().equals("fixture_block_wait")));
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Nudged n && n.report().contains("nudged"));
        // The transition itself (from load to done, as the watch timed it) ends before the kernel's own signal
        // at 15 s; the whole apply adds copying and the run-pre check, which a loaded machine slows down.
        assertThat(events).as("completed before the kernel's own signal")
                .anyMatch(e -> e instanceof TransitionEvent.Completed c && c.patched() && c.seconds() < 12);
        assertThat(seconds).as("the whole apply, within its transition timeout and the preflight")
                .isLessThan(LOADED_HOST_DEADLINE + 18);
        assertThat(vm.channel().run("cat /tmp/read.status 2>/dev/null").output()).as("the reader still waits").isEmpty();

        ctl("release-reader");
        Thread.sleep(700);
        assertThat(vm.channel().run("cat /tmp/read.status").output().strip()).isEqualTo("0");
        assertThat(vm.channel().run("cat /tmp/read.out").output()).isEqualTo("fixture: old\n");
        assertThat(vm.channel().run("dmesg | grep -c 'new block_wait done'").output().strip()).isNotEqualTo("0");
    }

    @Test
    void allowMixedNamingAnotherFunctionNeverForcesAUserTaskInAReplacedOne() throws Exception {
        ctl("hold-reader");
        vm.channel().run("setsid sh -c 'cat /proc/suture_fixture_block >/dev/null' >/dev/null 2>&1 &");
        awaitSleepingIn("fixture_block_wait");
        // No nudge before the deadline: the reader stays in fixture_block_wait, which --allow-mixed does not name.
        // The deadline is meant to come before the kernel's own signal, 15 s into the transition, which moves the
        // reader across by itself; on a loaded host the load alone may take that long, so either can come first,
        // and the deadline may even fall in the load. Whichever it is, nothing is forced.
        TransitionPolicy policy = new TransitionPolicy(Duration.ofSeconds(15), Duration.ofSeconds(60),
                TransitionPolicy.OnTimeout.ROLLBACK).withAllowMixed(Set.of("fixture_kthread_wait"));
        SutureException stopped = null;
        try {
            applier().apply(fixture.patchKo, manifest, policy);
        } catch (SutureException e) {
            stopped = e;
        }
        assertThat(events).as("nothing forced").noneMatch(e -> e instanceof TransitionEvent.Forced
                || e instanceof TransitionEvent.CompletedMixed);
        if (stopped == null) {
            assertThat(events).as("applied only when the kernel's own signal moved the reader, 15 s in")
                    .anyMatch(e -> e instanceof TransitionEvent.Completed c && c.patched() && c.seconds() >= 14);
            return;
        }
        if (stopped.getMessage().contains("rolled back")) {
            assertThat(stopped.getMessage()).contains("rolled back; the kernel runs the old code").contains("cat (pid")
                    .contains("in fixture_block_wait");
            assertThat(stopped.fix()).startsWith("retry when the blocking tasks are idle").doesNotContain("allow-mixed");
        } else {
            // The deadline fell before the watch began (in the load, or while the edition was recorded): the
            // machine's own watcher takes back whatever was loaded.
            assertThat(stopped.getMessage()).as("stopped before the watch").contains("stopped at its 15 s deadline while waiting for");
            awaitTakenBack(System.nanoTime() + TimeUnit.SECONDS.toNanos(15 + Deadline.GRACE.toSeconds() + 5 + 60));
        }
        assertThat(LivepatchState.read(vm.channel()).patches()).isEmpty();
        assertThat(vm.channel().run("grep -c " + FixtureVm.PATCH + " /proc/modules; ls /run/suture | grep -c mixed")
                .output()).isEqualTo("0\n0\n");
    }

    @Test
    void aThreadInANamedFunctionKeepsItsOldCodeUntilItLeavesAndThenRunsTheNew() throws Exception {
        ctl("hold-kthread");
        awaitSleepingIn("fixture_kthread_wait");
        TransitionPolicy policy = new TransitionPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60),
                TransitionPolicy.OnTimeout.ROLLBACK).withAllowMixed(Set.of("fixture_kthread_wait"));
        long start = System.nanoTime();
        applier().apply(fixture.patchKo, manifest, policy);
        assertThat((System.nanoTime() - start) / 1e9).as("completed without waiting for the deadline").isLessThan(45);
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Forced f && "--allow-mixed".equals(f.allowedBy())
                && f.tasks().stream().anyMatch(b -> b.comm().equals("suture_fixture") && !b.neverLeaves()));
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.CompletedMixed m && m.oldCodeThreads() == 1);
        LivepatchState.Patch patch = LivepatchState.read(vm.channel()).patch(FixtureVm.PATCH).orElseThrow();
        assertThat(patch.enabled() && !patch.inTransition()).as("applied and settled").isTrue();
        assertThat(MixedThreads.stillOld(vm.channel(), FixtureVm.PATCH)).extracting(TransitionEvent.Blocker::comm)
                .containsExactly("suture_fixture");

        long before = rounds();
        ctl("release-kthread");
        Thread.sleep(700);
        assertThat(rounds() - before).as("out of the old wait, its next call runs the new code, which counts in thousands")
                .isGreaterThanOrEqualTo(1000);
    }

    @Test
    void revertAfterSutureDiedMidTransitionReversesAndUnloads() throws Exception {
        ctl("hold-kthread");
        awaitSleepingIn("fixture_kthread_wait");
        // What a killed 'suture apply' leaves: the module loaded, its transition under way, nobody watching.
        vm.channel().copyIn(fixture.patchKo, "/root/patch.ko");
        assertThat(vm.channel().run("insmod /root/patch.ko").ok()).isTrue();
        LivepatchState.Patch stuck = LivepatchState.read(vm.channel()).patch(FixtureVm.PATCH).orElseThrow();
        assertThat(stuck.inTransition()).isTrue();
        assertThat(stuck.enabled()).isTrue();

        applier().revert(FixtureVm.PATCH, new TransitionPolicy(Duration.ofSeconds(30), Duration.ofSeconds(2),
                TransitionPolicy.OnTimeout.ROLLBACK));
        assertThat(LivepatchState.read(vm.channel()).patches()).isEmpty();
        assertThat(vm.channel().run("grep -c " + FixtureVm.PATCH + " /proc/modules").output().strip()).isEqualTo("0");
    }

    @Test
    void aKilledApplyIsTakenBackOnTheMachineAtItsDeadline() throws Exception {
        ctl("hold-kthread");
        awaitSleepingIn("fixture_kthread_wait");
        // A real 'suture apply' in its own process, killed mid-transition: what a dropped connection leaves.
        String java = ProcessHandle.current().info().command().orElse("java");
        Process apply = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.suture.cli.Main",
                "apply", "--target", "vm:itest-transition", "--timeout", String.valueOf(LOADED_HOST_DEADLINE), "--signal-after", "60",
                fixture.patchKo.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (LivepatchState.read(vm.channel()).patch(FixtureVm.PATCH).filter(LivepatchState.Patch::inTransition).isEmpty()) {
                assertThat(System.nanoTime()).as("the patch starts its transition").isLessThan(until);
                assertThat(apply.isAlive()).as("suture apply is still running").isTrue();
                Thread.sleep(200);
            }
        } finally {
            apply.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        long killed = System.nanoTime();

        // Nobody watches from here: the machine's own watcher acts after the deadline and the command's grace.
        awaitTakenBack(killed + TimeUnit.SECONDS.toNanos(LOADED_HOST_DEADLINE + Deadline.GRACE.toSeconds() + 5 + 60));
        assertThat(DeadlineWatcher.notes(vm.channel())).anySatisfy(n -> assertThat(n)
                .contains("took back " + FixtureVm.PATCH + " at its deadline and unloaded it"));
        assertThat(vm.channel().run("dmesg | grep -c 'suture: took back'").output().strip()).isNotEqualTo("0");
    }

    private PatchApplier applier() {
        return new PatchApplier(vm.channel(), e -> {
            events.add(e);
            System.err.println(e.describe());
        });
    }

    private void awaitBlocked(String comm, String function, boolean kernelThread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (events.stream().anyMatch(e -> e instanceof TransitionEvent.Blocked b && b.blockers().stream()
                    .anyMatch(x -> x.comm().equals(comm) && x.function().equals(function) && x.kernelThread() == kernelThread))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no blocker " + comm + " in " + function + " reported; events: " + events);
    }

    /** Waits until the machine has taken the fixture's patch back by itself: no livepatch, no module. */
    private static void awaitTakenBack(long until) throws Exception {
        while (LivepatchState.read(vm.channel()).patch(FixtureVm.PATCH).isPresent()
                || !vm.channel().run("grep -c " + FixtureVm.PATCH + " /proc/modules").output().strip().equals("0")) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the machine did not take the patch back by itself: " + vm.channel().run(
                        "ls -la /run/suture; cat /run/suture/watch.*; ps; grep . /sys/kernel/livepatch/*/transition "
                                + "/sys/kernel/livepatch/*/enabled; dmesg | tail -5").output());
            }
            Thread.sleep(500);
        }
    }

    /**
     * Waits until a task of the VM sleeps in {@code function}, as its kernel stack says: a fixed pause was too
     * short under TCG on a loaded host, and a reader not yet in its wait is no blocker at all.
     */
    private static void awaitSleepingIn(String function) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (vm.channel().run("grep -l '\\] " + function + "+' /proc/[0-9]*/stack 2>/dev/null").output().isBlank()) {
            assertThat(System.nanoTime()).as("a task sleeps in " + function).isLessThan(until);
            Thread.sleep(200);
        }
    }

    private static void ctl(String command) throws Exception {
        vm.channel().run("echo " + command + " > /proc/suture_fixture_ctl");
    }

    private static long rounds() throws Exception {
        return Long.parseLong(vm.channel().run("cat /proc/suture_fixture_rounds").output().strip());
    }
}
