package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.machine.MachineStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture status}: the livepatches on a machine. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running kernel and the livepatches on a machine, with their functions.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = {"Every machine of an Ansible inventory (read with ansible-inventory --list; ansible_host,",
                    "ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_become apply) or of a file of",
                    "[USER@]HOST[:PORT] lines, asked in parallel: one table (or --json)."})
    java.nio.file.Path inventory;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "16",
            description = "With --inventory: at most N machines asked at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Override
    public Integer call() throws Exception {
        if (inventory != null) {
            return FleetStatusView.show(inventory, machine.sshOptions(), parallel, json, System.out);
        }
        Channel channel = machine.channel();
        MachineStatus status = MachineStatus.read(channel);
        if (json) {
            System.out.println(Json.write(status));
        } else {
            StatusText.print(status, channel, System.out);
        }
        return 0;
    }
}
