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
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Suture commands on one machine at once, in one booted VM: same-named modules with different code (with the
 * lock and, as an older Suture would, without it), two different patches, --no-wait, and a lock its holder left
 * behind when it died. "Commands" here are what ApplyCommand runs: take the lock, then apply.
 */
class ConcurrentApplyVmTest {
    private static final Duration LEASE = Duration.ofMinutes(15);
    private static final String NAME = "suture_cmdline";

    private final List<TransitionEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void commandsOnOneMachineNeverMix(@TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        Path a = build(kernel, repo.resolve("examples/cmdline/cmdline.c"), dir.resolve("a.ko"));
        // Same module name (it comes from the file name), different code: another marker in /proc/cmdline.
        Path otherFix = Files.createDirectories(dir.resolve("other")).resolve("cmdline.c");
        Files.writeString(otherFix, Files.readString(repo.resolve("examples/cmdline/cmdline.c"))
                .replace(" suture.patched=", " suture.other="));
        Path other = build(kernel, otherFix, dir.resolve("other.ko"));
        Path b = build(kernel, repo.resolve("examples/editions/loadavg.c"), dir.resolve("b.ko"));
        assertThat(ManifestReader.read(other).name()).isEqualTo(NAME);
        assertThat(ModuleIdentity.of(other)).isNotEqualTo(ModuleIdentity.of(a)).isPresent();

        try (TestVm vm = TestVm.boot(VmSpec.of("itest-concurrent", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel ch = vm.channel();
            String cmdline = ch.run("cat /proc/cmdline").output().strip();

            // (a) Same name, different code, at once, each holding the lock as the CLI does: one wins, the other
            // is refused in one line, and the kernel runs the winner's code.
            sameNameRace(ch, a, other, true);
            revertLocked(ch, NAME);
            assertThat(ch.run("cat /proc/cmdline").output().strip()).isEqualTo(cmdline);

            // ... and without the lock (a Suture from before it): staging and the build-id check still decide.
            sameNameRace(ch, a, other, false);
            revertLocked(ch, NAME);

            // (b) Different patches at once: the second waits for the first, then both are applied.
            events.clear();
            List<Optional<Throwable>> both = race(() -> applyLocked(ch, a, LockWait.upTo(Duration.ofMinutes(5))),
                    () -> applyLocked(ch, b, LockWait.upTo(Duration.ofMinutes(5))));
            assertThat(both).allMatch(Optional::isEmpty);
            assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Waiting);
            assertThat(ch.run("cat /proc/cmdline /proc/loadavg").output()).contains("suture.patched=", "edition-b");

            // With --no-wait a command refuses at once, in one line, while another holds the machine.
            try (MachineLock.Held held = MachineLock.acquire(ch, "revert --all", LEASE, LockWait.never(), events::add)) {
                assertThatThrownBy(() -> applyLocked(ch, other, LockWait.never()))
                        .isInstanceOfSatisfying(SutureException.class, e -> {
                            assertThat(e.getMessage()).contains("vm:itest-concurrent is busy", "'suture revert --all'")
                                    .doesNotContain("\n");
                            assertThat(e.fix()).isNotBlank();
                        });
            }
            revertLocked(ch, "suture_loadavg");
            revertLocked(ch, NAME);

            // (c) A lock whose holder died (a process of this host that has ended) does not block.
            Process dead = new ProcessBuilder("true").start();
            dead.waitFor();
            String planted = LockHolder.prefix("dead", ThisHost.current(), dead.pid(), 0) + " 100 200 apply suture_ghost";
            assertThat(ch.run("mkdir -p /run/suture && ln -sn '" + planted + "' /run/suture/lock").ok()).isTrue();
            events.clear();
            applyLocked(ch, a, LockWait.upTo(Duration.ofSeconds(30)));
            assertThat(events).anyMatch(e -> e instanceof TransitionEvent.StaleLockCleared s && s.holder().contains("suture_ghost"));
            assertThat(ch.run("[ -L /run/suture/lock ]").ok()).as("released after the apply").isFalse();

            // The identity check itself: the kernel reports the build that runs; another build of the name is not it.
            LoadedModule running = LoadedModule.read(ch, NAME);
            assertThat(running.is(ModuleIdentity.of(a))).isTrue();
            assertThat(running.is(ModuleIdentity.of(other))).isFalse();
            assertThatThrownBy(() -> new PatchApplier(ch, events::add).apply(other, ManifestReader.read(other), TransitionPolicy.DEFAULT))
                    .isInstanceOf(SutureException.class)
                    .hasMessageContaining("another build of patch " + NAME + " is already applied")
                    .hasMessageContaining(ModuleIdentity.of(a).orElseThrow().brief());
            assertThat(ch.run("cat /proc/cmdline").output()).contains("suture.patched=");
            revertLocked(ch, NAME);

            assertThat(ch.run("ls -a " + EditionStore.DIR + " | grep -c staged").output().strip())
                    .as("no staged module is left behind").isEqualTo("0");
            assertThat(vm.problemsSince(new TestVm.Snapshot(0, vm.state().taintAtBoot()))).isEmpty();
        }
    }

    /** Applies two builds of one name at once; checks that exactly one won and the kernel runs its code. */
    private void sameNameRace(Channel ch, Path a, Path other, boolean locked) throws Exception {
        List<Optional<Throwable>> results = locked
                ? race(() -> applyLocked(ch, a, LockWait.upTo(Duration.ofMinutes(5))),
                        () -> applyLocked(ch, other, LockWait.upTo(Duration.ofMinutes(5))))
                : race(() -> applyUnlocked(ch, a), () -> applyUnlocked(ch, other));
        assertThat(results).as("exactly one wins").filteredOn(Optional::isEmpty).hasSize(1);
        boolean aWon = results.get(0).isEmpty();
        Throwable lost = results.get(aWon ? 1 : 0).orElseThrow();
        assertThat(lost).as("the loser is refused, as a user error").isInstanceOf(SutureException.class);
        assertThat(lost.getMessage()).as("in one line").doesNotContain("\n").contains(NAME);
        assertThat(((SutureException) lost).fix()).isNotBlank();
        System.err.println("refused (" + (locked ? "locked" : "unlocked") + "): " + lost.getMessage());

        assertThat(ch.run("cat /proc/cmdline").output())
                .as("the kernel runs the winner's code").contains(aWon ? " suture.patched=" : " suture.other=")
                .doesNotContain(aWon ? " suture.other=" : " suture.patched=");
        Path winner = aWon ? a : other;
        assertThat(LoadedModule.read(ch, NAME).is(ModuleIdentity.of(winner))).isTrue();
        String stored = EditionStore.modulePath(NAME);
        assertThat(ModuleIdentity.of(ch.readFile(stored), stored)).as("the store keeps the winner's module")
                .isEqualTo(ModuleIdentity.of(winner));
    }

    private void applyLocked(Channel ch, Path ko, LockWait wait) throws Exception {
        PatchManifest manifest = ManifestReader.read(ko);
        try (MachineLock.Held held = MachineLock.acquire(ch, "apply " + manifest.name(), LEASE, wait, events::add)) {
            new PatchApplier(ch, events::add).apply(ko, manifest, TransitionPolicy.DEFAULT);
        }
    }

    private void applyUnlocked(Channel ch, Path ko) throws Exception {
        new PatchApplier(ch, events::add).apply(ko, ManifestReader.read(ko), TransitionPolicy.DEFAULT);
    }

    private void revertLocked(Channel ch, String name) throws Exception {
        try (MachineLock.Held held = MachineLock.acquire(ch, "revert " + name, LEASE, LockWait.upTo(Duration.ofMinutes(2)), events::add)) {
            new PatchApplier(ch, events::add).revert(name, TransitionPolicy.DEFAULT);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs the steps at the same moment on their own threads; what each threw, if anything, in order. */
    private static List<Optional<Throwable>> race(Step... steps) throws Exception {
        CyclicBarrier start = new CyclicBarrier(steps.length);
        List<Optional<Throwable>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Throwable[] thrown = new Throwable[steps.length];
        for (int i = 0; i < steps.length; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    steps[n].run();
                } catch (Throwable t) {
                    thrown[n] = t;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Throwable t : thrown) {
            results.add(Optional.ofNullable(t));
        }
        return results;
    }

    private static Path build(CachedKernel kernel, Path fix, Path out) throws Exception {
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), out, false).orThrow();
        return out;
    }
}
