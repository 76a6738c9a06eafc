package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.machine.TransitionEvent.Blocker;
import dev.suture.manifest.PatchManifest;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which blockers can never leave, read from the stacks /proc shows (as 6.1 prints them), and what Suture says
 * about them: refused before loading by never-quiescent unless --allow-mixed names every function they sit in.
 */
class QuiescenceTest {
    private static final Set<String> REPLACED = Set.of("smpboot_thread_fn", "fixture_kthread_wait", "fixture_block_wait");

    /** ksoftirqd asleep at the top of its loop: its thread function is the frame above kthread(). */
    private static final String KSOFTIRQD = """
            == 14/task/14 kernel ksoftirqd/0
            [<0>] smpboot_thread_fn+0x13b/0x1d0
            [<0>] kthread+0xda/0x100
            [<0>] ret_from_fork+0x22/0x30
            """;
    /** The fixture's thread asleep in a function its loop calls: it leaves it on each pass. */
    private static final String FIXTURE_THREAD = """
            == 90/task/90 kernel suture_fixture
            [<0>] fixture_kthread_wait+0x61/0xa0 [suture_fixture]
            [<0>] fixture_thread_fn+0x2a/0x50 [suture_fixture]
            [<0>] kthread+0xda/0x100
            [<0>] ret_from_fork+0x22/0x30
            """;
    /** A user task in a read: it leaves when the read returns. */
    private static final String READER = """
            == 300/task/301 user cat
            [<0>] fixture_block_wait+0x5e/0x90 [suture_fixture]
            [<0>] fixture_block_read+0x2f/0x70 [suture_fixture]
            [<0>] proc_reg_read+0x55/0xa0
            [<0>] vfs_read+0xa6/0x2e0
            [<0>] ksys_read+0x6b/0xf0
            [<0>] do_syscall_64+0x58/0xc0
            [<0>] entry_SYSCALL_64_after_hwframe+0x64/0xce
            """;

    private static final java.util.function.UnaryOperator<String> RETRY = fns -> "'suture apply --allow-mixed " + fns + " p.ko'";

    private static List<Blocker> parse(String dump) {
        return TransitionWatch.parseBlockers(dump, "suture_p", REPLACED);
    }

    @Test
    void aReplacedThreadFunctionNeverLeavesButACalleeOfTheLoopAndAUserTaskDo() {
        List<Blocker> all = parse(KSOFTIRQD + FIXTURE_THREAD + READER);
        assertThat(all).extracting(Blocker::comm).containsExactly("ksoftirqd/0", "suture_fixture", "cat");
        assertThat(all).extracting(Blocker::neverLeaves).containsExactly(true, false, false);
        assertThat(all.get(0).describe()).isEqualTo(
                "ksoftirqd/0 (pid 14) kernel thread: in smpboot_thread_fn, the thread's own function: it never leaves it");
        assertThat(all.get(2).who()).isEqualTo("cat (pid 300, tid 301)");
        assertThat(all.get(2).frames()).containsExactly("fixture_block_wait");
    }

    @Test
    void theThreadFunctionOfAThreadThatSitsInACalleeStillCountsWhenReplaced() {
        List<Blocker> all = TransitionWatch.parseBlockers(FIXTURE_THREAD, "suture_p", Set.of("fixture_thread_fn", "fixture_kthread_wait"));
        assertThat(all.getFirst().frames()).containsExactly("fixture_kthread_wait", "fixture_thread_fn");
        assertThat(all.getFirst().function()).isEqualTo("fixture_kthread_wait");
        assertThat(all.getFirst().neverLeaves()).isTrue();
    }

    @Test
    void aThreadThatNeverLeavesRefusesThePatchWithTheRuleTheThreadsAndRemediesThatCanWork() {
        assertThatThrownBy(() -> Quiescence.refuseNeverQuiescent(manifest(), parse(KSOFTIRQD + READER), Set.of(), RETRY))
                .isInstanceOfSatisfying(SutureException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("never-quiescent: smpboot_thread_fn: 1 kernel thread(s) run it as "
                            + "their own function and never leave it, so the transition could never finish: "
                            + "ksoftirqd/0 (pid 14); nothing was loaded");
                    assertThat(e.fix()).contains("move the change into a function the loop calls")
                            .endsWith("may run side by side, allow it: 'suture apply --allow-mixed smpboot_thread_fn p.ko'")
                            .doesNotContain("--timeout");
                    assertThat(e.exitCode()).isEqualTo(2);
                });
    }

    @Test
    void allowingTheFunctionToMixOrOnlyTasksThatLeaveIsNoRefusal() {
        Quiescence.refuseNeverQuiescent(manifest(), parse(KSOFTIRQD + READER), Set.of("smpboot_thread_fn"), RETRY);
        Quiescence.refuseNeverQuiescent(manifest(), parse(FIXTURE_THREAD + READER), Set.of(), RETRY);
    }

    @Test
    void mixingIsAllowedOnlyWhenEveryReplacedFrameIsNamed() {
        List<Blocker> all = parse(KSOFTIRQD + READER);
        assertThat(all.get(0).mixable(Set.of("smpboot_thread_fn"))).isTrue();
        assertThat(all.get(1).mixable(Set.of("smpboot_thread_fn"))).isFalse();
        Blocker notInAny = parse("== 5/task/5 user sh\n[<0>] do_wait+0x1/0x2\n").getFirst();
        assertThat(notInAny.mixable(Set.of("smpboot_thread_fn"))).as("waits for a safe point: never forced").isFalse();
    }

    @Test
    void allowMixedNamingAFunctionThePatchDoesNotReplaceIsATypoCaughtBeforeLoading() {
        assertThatThrownBy(() -> Quiescence.requireReplaced(manifest(), Set.of("smpboot_thread")))
                .isInstanceOf(SutureException.class)
                .hasMessage("--allow-mixed smpboot_thread: patch suture_p does not replace it; nothing was loaded")
                .satisfies(e -> assertThat(((SutureException) e).fix()).isEqualTo("name functions it replaces: fixture_block_wait, smpboot_thread_fn"));
    }

    @Test
    void timeoutAdviceSeparatesTasksThatMayLeaveFromThreadsThatNeverWill() {
        String both = Quiescence.advice(parse(KSOFTIRQD + READER), "retry");
        assertThat(both).startsWith("retry when the blocking tasks are idle").contains("(for cat)")
                .contains("no timeout is long enough for ksoftirqd/0, which never leave smpboot_thread_fn")
                .contains("--allow-mixed smpboot_thread_fn");
        assertThat(Quiescence.advice(parse(READER), "retry")).isEqualTo(
                "retry when the blocking tasks are idle, with a longer --timeout, or an earlier --signal-after");
        assertThat(Quiescence.advice(parse(KSOFTIRQD), "retry")).startsWith("no timeout is long enough");
    }

    private static PatchManifest manifest() {
        return new PatchManifest(PatchManifest.FORMAT, "suture_p", "r", "b", "f.c", "0", Instant.now(), false,
                List.of(new PatchManifest.Function("vmlinux", "smpboot_thread_fn", 0, "new_smpboot_thread_fn"),
                        new PatchManifest.Function("suture_fixture", "fixture_block_wait", 0, "new_fixture_block_wait")));
    }
}
