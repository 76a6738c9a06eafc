package dev.suture.cli;

import dev.suture.channel.Channel;
import dev.suture.channel.LocalChannel;
import dev.suture.machine.MachineSpec;
import dev.suture.vm.TestVm;
import picocli.CommandLine.Option;

/** The {@code --target} option: which machine a command acts on, turned into its channel. */
final class MachineOption {
    @Option(names = {"-T", "--target"}, paramLabel = "MACHINE", defaultValue = "local",
            description = "Where to act: local (this host), vm (the VM named default) or vm:NAME (default: ${DEFAULT-VALUE}).")
    String machine;

    Channel channel() {
        return switch (MachineSpec.parse(machine)) {
            case MachineSpec.Local local -> new LocalChannel();
            case MachineSpec.Vm vm -> TestVm.attach(vm.name()).channel();
        };
    }
}
