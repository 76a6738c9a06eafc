package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.Kbuild;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.vm.TestVm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each wait of a command held for real in a booted kernel, in one VM: the kernel's livepatch lock held by a
 * livepatch load that does not end (holder/suture_klp_holder.c) blocks a sysfs write and an rmmod; a task that
 * never leaves a replaced function blocks a transition; a stopped agent stops answering; another command holds
 * the machine's lock. Each time the command ends by its deadline plus the grace, says what it waited for, and
 * the machine is as the message says.
 */
class DeadlineVmTest {
    private static final String PATCH = FixtureVm.PATCH;
    private static final Duration TIMEOUT = Duration.ofSeconds(8);
    private static CachedKernel kernel;
    private static FixtureVm fixture;
    private static Path holderKo;
    private static TestVm vm;
    private static PatchManifest manifest;
    private final List<TransitionEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        kernel = Kernels.resolve(null, System.err);
        fixture = FixtureVm.build(kernel, dir);
        manifest = ManifestReader.read(fixture.patchKo);
        Path holderDir = Files.createDirectories(dir.resolve("holder"));
        for (String name : List.of("Kbuild", "suture_klp_holder.c")) {
            try (InputStream in = DeadlineVmTest.class.getResourceAsStream("/dev/suture/machine/holder/" + name)) {
                Files.copy(in, holderDir.resolve(name));
            }
        }
        Kbuild.Result make = Kbuild.buildModules(kernel, holderDir);
        assertThat(make.ok()).as(make.output()).isTrue();
        holderKo = holderDir.resolve("suture_klp_holder.ko");
        vm = fixture.boot(kernel, "itest-deadline");
        vm.channel().copyIn(holderKo, "/root/suture_klp_holder.ko");
    }

    @AfterAll
    static void tearDown() {
        if (vm != null) {
            vm.stop();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        Channel ch = vm.channel();
        ch.run("echo release > /proc/suture_klp_holder 2>/dev/null; echo release-kthread > /proc/suture_fixture_ctl; exit 0");
        awaitHolderGone();
        for (int i = 0; i < 3 && ch.run("grep -q '^" + PATCH + " ' /proc/modules").ok(); i++) {
            awaitTrue("no transition", "! grep -qs 1 /sys/kernel/livepatch/*/transition");
            applier().revert(PATCH, TransitionPolicy.DEFAULT);
        }
    }

    @Test
    void aSysfsWriteTheKernelBlocksEndsTheRevertAtItsDeadline() throws Exception {
        applier().apply(fixture.patchKo, manifest, TransitionPolicy.DEFAULT);
        holdLivepatchLock();
        long start = System.nanoTime();
        assertThatThrownBy(() -> applier().revert(PATCH, TIMEOUT))
                .isInstanceOfSatisfying(SutureException.class, e -> assertThat(e.exitCode()).isNotZero())
                .hasMessageContaining("revert of " + PATCH + " stopped at its 8 s deadline while waiting for the kernel "
                        + "to take 'echo 0 > /sys/kernel/livepatch/" + PATCH + "/enabled' (disabling it)")
                .hasMessageContaining("now patch " + PATCH + " is enabled; module " + PATCH + " is loaded (Live)");
        assertWithinDeadline(start);
        LivepatchState.Patch p = LivepatchState.read(vm.channel()).patch(PATCH).orElseThrow();
        assertThat(p.enabled()).isTrue();
        assertThat(p.inTransition()).isFalse();
    }

    @Test
    void anUnloadTheKernelBlocksEndsTheRevertAtItsDeadline() throws Exception {
        applier().apply(fixture.patchKo, manifest, TransitionPolicy.DEFAULT);
        // What a revert stopped before its unload leaves: the livepatch gone, the module loaded.
        vm.channel().run("echo 0 > /sys/kernel/livepatch/" + PATCH + "/enabled");
        awaitTrue("the livepatch to be freed", "[ ! -d /sys/kernel/livepatch/" + PATCH + " ]");
        holdLivepatchLock();
        long start = System.nanoTime();
        assertThatThrownBy(() -> applier().revert(PATCH, TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("while waiting for the kernel to unload module " + PATCH + " (rmmod)")
                .hasMessageContaining("now patch " + PATCH + " has no livepatch; module " + PATCH + " is loaded (Unloading)");
        assertWithinDeadline(start);
        assertThat(LivepatchState.read(vm.channel()).patch(PATCH)).isEmpty();
        assertThat(vm.channel().run("grep '^" + PATCH + " ' /proc/modules").output()).contains("Unloading");
    }

    @Test
    void aTransitionBackThatCannotFinishIsRolledBackWithinTheGrace() throws Exception {
        awaitHolderGone();
        applier().apply(fixture.patchKo, manifest, TransitionPolicy.DEFAULT);
        ctl("hold-kthread");
        Thread.sleep(500);
        long start = System.nanoTime();
        assertThatThrownBy(() -> applier().revert(PATCH, TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("could not be reverted within 8 s and stays applied")
                .hasMessageContaining("in new_fixture_kthread_wait");
        assertWithinDeadline(start);
        LivepatchState.Patch p = LivepatchState.read(vm.channel()).patch(PATCH).orElseThrow();
        assertThat(p.enabled()).isTrue();
        assertThat(p.inTransition()).isFalse();
    }

    @Test
    void anAgentThatStopsAnsweringEndsTheRevertAndIsAskedNothingMore() throws Exception {
        applier().apply(fixture.patchKo, manifest, TransitionPolicy.DEFAULT);
        ctl("hold-kthread");
        Thread.sleep(500);
        // The agent (the child of init running agent.sh) is stopped 3 s into the revert and resumed 30 s later.
        vm.channel().run("""
                for p in /proc/[0-9]*; do
                  grep -q 'PPid:.1$' $p/status 2>/dev/null && tr '\\0' ' ' < $p/cmdline | grep -q agent.sh && a=${p#/proc/}
                done
                setsid sh -c "sleep 3; kill -STOP $a; sleep 30; kill -CONT $a" >/dev/null 2>&1 &
                """);
        long start = System.nanoTime();
        assertThatThrownBy(() -> applier().revert(PATCH, TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("revert of " + PATCH + " stopped at its 8 s deadline while waiting for its "
                        + "transition back to the old code")
                .hasMessageContaining("its state could not be read: vm:itest-deadline stopped answering");
        assertWithinDeadline(start);
        awaitTrue("the agent to answer again", "true");
        // Nothing was sent after it went quiet: the patch is as it was then, disabled and moving back.
        LivepatchState.Patch p = LivepatchState.read(vm.channel()).patch(PATCH).orElseThrow();
        assertThat(p.enabled()).isFalse();
        assertThat(p.inTransition()).isTrue();
    }

    @Test
    void theMachineLockHeldByAnotherCommandEndsTheWaitAtTheDeadline() throws Exception {
        try (MachineLock.Held other = MachineLock.acquire(vm.channel(), "revert --all", Duration.ofMinutes(5),
                LockWait.never(), events::add)) {
            Deadline deadline = Deadline.after(TIMEOUT);
            long start = System.nanoTime();
            assertThatThrownBy(() -> MachineLock.acquire(deadline.release().bound(vm.channel()), "apply " + PATCH,
                    Duration.ofMinutes(5), LockWait.upTo(deadline.remaining()), events::add))
                    .isInstanceOf(SutureException.class)
                    .hasMessageContaining("for the Suture lock on vm:itest-deadline, still held by 'suture revert --all'")
                    .hasMessageContaining("nothing was done");
            assertWithinDeadline(start);
            assertThatThrownBy(() -> MachineLock.acquire(vm.channel(), "apply " + PATCH, Duration.ofMinutes(5),
                    LockWait.never(), events::add)).as("the other command still holds it")
                    .hasMessageContaining("'suture revert --all'").hasMessageContaining("holds its Suture lock");
        }
    }

    /**
     * Waits until the holder is gone and stays gone: a request the agent took while it was stopped (or an insmod
     * started in the background) may still arrive after the first look, so the state must hold across looks.
     */
    private static void awaitHolderGone() throws Exception {
        String gone = "! grep -q '^suture_klp_holder ' /proc/modules && [ ! -d /sys/kernel/livepatch/suture_klp_holder ]";
        for (int stable = 0; stable < 3; ) {
            vm.channel().run("echo release > /proc/suture_klp_holder 2>/dev/null; exit 0");
            awaitTrue("the holder to let go", gone);
            Thread.sleep(1000);
            stable = vm.channel().run(gone).ok() ? stable + 1 : 0;
        }
    }

    /** Loads the holder in the background and waits until it holds the kernel's livepatch lock. */
    private static void holdLivepatchLock() throws Exception {
        vm.channel().run("setsid insmod /root/suture_klp_holder.ko >/dev/null 2>&1 &");
        awaitTrue("the holder to hold the livepatch lock", "[ -d /sys/kernel/livepatch/suture_klp_holder ]");
    }

    private static void assertWithinDeadline(long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.err.printf("ended after %.1f s%n", seconds);
        assertThat(seconds).as("ends by its deadline plus the grace")
                .isLessThanOrEqualTo(TIMEOUT.plus(Deadline.GRACE).toMillis() / 1000.0);
    }

    private static void awaitTrue(String what, String test) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (vm.channel().run(test, Duration.ofSeconds(30)).ok()) {
                    return;
                }
            } catch (java.io.IOException e) {
                // The agent may still be stopped or busy with requests abandoned while it was.
            }
            Thread.sleep(300);
        }
        throw new AssertionError("gave up waiting for " + what);
    }

    private PatchApplier applier() {
        return new PatchApplier(vm.channel(), e -> {
            events.add(e);
            System.err.println(e.describe());
        });
    }

    private static void ctl(String command) throws Exception {
        vm.channel().run("echo " + command + " > /proc/suture_fixture_ctl");
    }
}
