package dev.suture.fleet;

import dev.suture.channel.SshAddress;
import dev.suture.channel.SshOptions;

/**
 * One machine of an inventory: its inventory name, where Suture reaches it over SSH, and how it logs in there
 * (Ansible's ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_become).
 */
public record FleetHost(String name, SshAddress address, SshOptions ssh) {
    /** The {@code --target} that reaches it. */
    public String target() {
        return "ssh:" + address.user() + "@" + address.host() + ":" + address.port();
    }
}
