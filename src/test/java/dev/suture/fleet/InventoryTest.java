package dev.suture.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.channel.SshOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventories as Ansible reads them (ansible-inventory from Debian's ansible-core), and plain host lists. */
class InventoryTest {
    @Test
    void anAnsibleInventoryGivesEachHostItsConnectionVariablesAsSshOptions(@TempDir Path dir) throws Exception {
        Path inventory = Files.writeString(dir.resolve("hosts.ini"), """
                [canary]
                web1 ansible_host=10.0.0.1

                [web]
                web2 ansible_host=10.0.0.2 ansible_port=2202 ansible_user=deploy ansible_become=true
                web3

                [web:vars]
                ansible_ssh_private_key_file=/keys/web

                [all:vars]
                ansible_user=root
                suture_known_hosts=/etc/suture/known_hosts
                """);
        List<FleetHost> hosts = Inventory.read(inventory, SshOptions.defaults());
        assertThat(hosts).extracting(FleetHost::name).containsExactlyInAnyOrder("web1", "web2", "web3");
        FleetHost web2 = hosts.stream().filter(h -> h.name().equals("web2")).findFirst().orElseThrow();
        assertThat(web2.target()).isEqualTo("ssh:deploy@10.0.0.2:2202");
        assertThat(web2.ssh().sudo()).isTrue();
        assertThat(web2.ssh().identity()).isEqualTo(Path.of("/keys/web"));
        assertThat(web2.ssh().knownHosts()).isEqualTo(Path.of("/etc/suture/known_hosts"));
        FleetHost web1 = hosts.stream().filter(h -> h.name().equals("web1")).findFirst().orElseThrow();
        assertThat(web1.target()).isEqualTo("ssh:root@10.0.0.1:22");
        assertThat(web1.ssh().identity()).as("only the web group has the key").isNull();
        assertThat(web1.ssh().sudo()).isFalse();
        FleetHost web3 = hosts.stream().filter(h -> h.name().equals("web3")).findFirst().orElseThrow();
        assertThat(web3.target()).as("the inventory name is the address").isEqualTo("ssh:root@web3:22");
    }

    @Test
    void aPlainHostListNeedsNoAnsible(@TempDir Path dir) throws Exception {
        Path list = Files.writeString(dir.resolve("hosts.txt"), "# the fleet\nroot@db1:2222\n\napp7  # a comment\n[::1]:22\n");
        List<FleetHost> hosts = Inventory.read(list, SshOptions.defaults().withSudo(true));
        assertThat(hosts).extracting(FleetHost::target).containsExactly("ssh:root@db1:2222",
                "ssh:" + System.getProperty("user.name") + "@app7:22", "ssh:" + System.getProperty("user.name") + "@::1:22");
        assertThat(hosts).allMatch(h -> h.ssh().sudo());
    }

    @Test
    void anInventoryAnsibleCannotReadIsOneLineWithTheCheckToRun(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yml"), "all:\n  hosts: [unclosed\n");
        assertThatThrownBy(() -> Inventory.read(broken, SshOptions.defaults())).isInstanceOf(SutureException.class)
                .hasMessageStartingWith("ansible-inventory cannot read " + broken)
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("ansible-inventory -i " + broken + " --list"));
        assertThatThrownBy(() -> Inventory.read(dir.resolve("missing"), SshOptions.defaults()))
                .isInstanceOf(SutureException.class).hasMessageStartingWith("no inventory at");
    }
}
