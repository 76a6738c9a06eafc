package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import org.junit.jupiter.api.Test;

/** {@code --target} as written: local, vm, vm:NAME and ssh:[USER@]HOST[:PORT]. */
class MachineSpecTest {

    @Test
    void sshTargets() {
        assertThat(MachineSpec.parse("ssh:host.example")).isEqualTo(new MachineSpec.Ssh(null, "host.example", 22));
        assertThat(MachineSpec.parse("ssh:root@10.0.0.7")).isEqualTo(new MachineSpec.Ssh("root", "10.0.0.7", 22));
        assertThat(MachineSpec.parse("ssh:deploy@host:2222")).isEqualTo(new MachineSpec.Ssh("deploy", "host", 2222));
        assertThat(MachineSpec.parse("ssh:root@[::1]:2222")).isEqualTo(new MachineSpec.Ssh("root", "::1", 2222));
        assertThat(MachineSpec.parse("vm:lab")).isEqualTo(new MachineSpec.Vm("lab"));
    }

    @Test
    void malformedSshTargetsSayHowToWriteThem() {
        for (String bad : new String[] {"ssh:", "ssh:host:0", "ssh:host:99999", "ssh:host:x", "ssh:-oProxyCommand=x",
                "ssh:a b@host", "ssh:root@[::1"}) {
            assertThatThrownBy(() -> MachineSpec.parse(bad)).as(bad).isInstanceOf(SutureException.class)
                    .hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> MachineSpec.parse("sftp:host")).isInstanceOf(SutureException.class)
                .hasMessageContaining("unknown machine").extracting(e -> ((SutureException) e).fix()).asString()
                .contains("ssh:[USER@]HOST[:PORT]");
    }
}
