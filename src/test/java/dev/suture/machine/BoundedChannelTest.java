package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.channel.Channel;
import dev.suture.channel.LocalChannel;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every call through a bounded channel ends by its deadline, however the machine behaves. */
class BoundedChannelTest {

    @Test
    void aCommandStillRunningAtTheDeadlineIsStoppedThere() {
        Channel machine = Deadline.after(Duration.ofSeconds(1)).bound(new LocalChannel());
        long start = System.nanoTime();
        assertThatThrownBy(() -> machine.run("sleep 30"))
                .isInstanceOfSatisfying(DeadlinePassed.class, e -> {
                    assertThat(e.silent()).isFalse();
                    assertThat(e.call()).isEqualTo("run 'sleep 30'");
                    assertThat(e.getMessage()).contains("1 s deadline").contains("sleep 30");
                });
        assertThat(seconds(start)).isBetween(0.8, 1.0 + BoundedChannel.ANSWER.toSeconds());
    }

    @Test
    void aMachineThatStopsAnsweringIsLeftAtTheDeadlineAndAskedNothingMore() throws Exception {
        ScriptedChannel fake = new ScriptedChannel().hold("echo 0", ScriptedChannel.Hold.FOR_EVER);
        Deadline deadline = Deadline.after(Duration.ofSeconds(1));
        Channel machine = deadline.bound(fake);
        long start = System.nanoTime();
        assertThatThrownBy(() -> machine.run("echo 0 > /sys/kernel/livepatch/x/enabled"))
                .isInstanceOfSatisfying(DeadlinePassed.class, e -> assertThat(e.silent()).isTrue())
                .hasMessageContaining("no answer");
        assertThat(seconds(start)).isBetween(0.8, 1.5 + BoundedChannel.ANSWER.toSeconds());
        // Its sibling for the cleanup after the deadline shares what it learnt: nothing more is sent.
        int sent = fake.ran.size();
        assertThatThrownBy(() -> deadline.cleanup().bound(machine).run("cat /proc/modules"))
                .isInstanceOfSatisfying(DeadlinePassed.class, e -> assertThat(e.silent()).isTrue())
                .hasMessageContaining("stopped answering");
        assertThat(fake.ran).hasSize(sent);
    }

    @Test
    void aCallsOwnShorterTimeoutIsItsOwnFailureNotTheDeadlines() {
        Channel machine = Deadline.after(Duration.ofSeconds(30)).bound(new LocalChannel());
        assertThatThrownBy(() -> machine.run("sleep 30", Duration.ofMillis(500)))
                .isInstanceOf(IOException.class).isNotInstanceOf(DeadlinePassed.class);
    }

    @Test
    void nothingIsSentOnceTheDeadlinePassed() throws Exception {
        ScriptedChannel fake = new ScriptedChannel();
        Deadline deadline = Deadline.after(Duration.ofMillis(1));
        Thread.sleep(5);
        assertThatThrownBy(() -> deadline.bound(fake).run("true")).isInstanceOf(DeadlinePassed.class)
                .hasMessageContaining("no time was left");
        assertThat(fake.ran).isEmpty();
        assertThat(deadline.cleanup().bound(fake).run("true").ok()).as("the cleanup still has its grace").isTrue();
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
