package dev.suture.cli;

import dev.suture.vm.VmHome;
import picocli.CommandLine.Option;

/** The {@code --name} option of the VM commands that act on a running VM. */
final class VmName {
    @Option(names = {"-n", "--name"}, paramLabel = "NAME", defaultValue = VmHome.DEFAULT_NAME,
            description = "Name of the VM (default: ${DEFAULT-VALUE}).")
    String name;
}
