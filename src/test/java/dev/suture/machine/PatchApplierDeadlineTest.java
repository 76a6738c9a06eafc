package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A revert whose sysfs write never returns ends at its deadline and says what it waited for and how the patch is
 * left, against a scripted machine (the same in a booted kernel: DeadlineVmTest).
 */
class PatchApplierDeadlineTest {
    private static final String STATE = "patch suture_x 1 0\nobject vmlinux 1\nfunction f,1\n";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final List<TransitionEvent> events = new ArrayList<>();

    @Test
    void aBlockedDisableWriteEndsAtTheDeadlineNamingItAndTheStateLeft() {
        ScriptedChannel machine = machine().hold("echo 0 >", ScriptedChannel.Hold.UNTIL_LIMIT);
        long start = System.nanoTime();
        assertThatThrownBy(() -> new PatchApplier(machine, events::add).revert("suture_x", TIMEOUT))
                .isInstanceOfSatisfying(SutureException.class, e -> {
                    assertThat(e.getMessage()).contains("revert of suture_x stopped at its 2 s deadline while waiting "
                            + "for the kernel to take 'echo 0 > /sys/kernel/livepatch/suture_x/enabled' (disabling it)")
                            .contains("now patch suture_x is enabled; module suture_x is loaded (Live)");
                    assertThat(e.fix()).contains("status");
                    assertThat(e.exitCode()).isEqualTo(2);
                });
        assertThat(BoundedChannelTest.seconds(start)).isBetween(1.8, TIMEOUT.plus(Deadline.GRACE).toSeconds() + 0.0);
        assertThat(events).anyMatch(e -> e instanceof TransitionEvent.Disabling);
    }

    @Test
    void aMachineThatStopsAnsweringMidRevertIsNotAskedForItsState() {
        ScriptedChannel machine = machine().hold("echo 0 >", ScriptedChannel.Hold.FOR_EVER);
        long start = System.nanoTime();
        assertThatThrownBy(() -> new PatchApplier(machine, events::add).revert("suture_x", TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("(disabling it)")
                .hasMessageContaining("its state could not be read: vm:fake stopped answering");
        assertThat(BoundedChannelTest.seconds(start)).isLessThan(TIMEOUT.plus(Deadline.GRACE).toSeconds());
        assertThat(machine.ran.getLast()).startsWith("echo 0 >");
    }

    @Test
    void aBlockedUnloadEndsWithinTheGraceAfterACompletedTransition() {
        ScriptedChannel machine = new ScriptedChannel()
                .answer("for p in /sys/kernel/livepatch/*", "")
                .answer("grep -q '^suture_x ' /proc/modules", "")
                .answer("cut -d' ' -f5", "Unloading")
                .hold("rmmod", ScriptedChannel.Hold.UNTIL_LIMIT);
        long start = System.nanoTime();
        assertThatThrownBy(() -> new PatchApplier(machine, events::add).revert("suture_x", TIMEOUT))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("while waiting for the kernel to unload module suture_x (rmmod)")
                .hasMessageContaining("now patch suture_x has no livepatch; module suture_x is loaded (Unloading)");
        assertThat(BoundedChannelTest.seconds(start)).isLessThan(TIMEOUT.plus(Deadline.GRACE).toSeconds());
    }

    private static ScriptedChannel machine() {
        return new ScriptedChannel()
                .answer("for p in /sys/kernel/livepatch/*", STATE)
                .answer("cut -d' ' -f5", "Live");
    }
}
