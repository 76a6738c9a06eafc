package dev.suture.cli;

import dev.suture.target.Channel;
import dev.suture.target.LocalChannel;
import dev.suture.target.TargetSpec;
import dev.suture.vm.TestVm;
import picocli.CommandLine.Option;

/** The {@code --target} option: which machine a command acts on, turned into its channel. */
final class TargetOption {
    @Option(names = {"-T", "--target"}, paramLabel = "TARGET", defaultValue = "local",
            description = "Where to act: local (this host), vm (the VM named default) or vm:NAME (default: ${DEFAULT-VALUE}).")
    String target;

    Channel channel() {
        return switch (TargetSpec.parse(target)) {
            case TargetSpec.Local local -> new LocalChannel();
            case TargetSpec.Vm vm -> TestVm.attach(vm.name()).channel();
        };
    }
}
