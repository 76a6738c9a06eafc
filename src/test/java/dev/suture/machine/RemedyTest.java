package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.AgentChannel;
import dev.suture.channel.LocalChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RemedyTest {
    @Test
    void aSuggestedCommandActsOnTheMachineItIsAbout() {
        var vm = new AgentChannel("lab", Path.of("/nonexistent/agent.sock"), Path.of("/nonexistent/agent.lock"));
        assertThat(Remedy.suture(vm, "revert", "suture_fix")).isEqualTo("'suture revert --target vm:lab suture_fix'");
        assertThat(Remedy.suture(vm, "status")).isEqualTo("'suture status --target vm:lab'");
        assertThat(Remedy.suture(new LocalChannel(), "revert", "suture_fix")).isEqualTo("'suture revert suture_fix'");
    }
}
