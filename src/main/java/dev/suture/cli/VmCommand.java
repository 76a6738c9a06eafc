package dev.suture.cli;

import picocli.CommandLine.Command;

/** {@code suture vm ...}: test VMs booting the exact target kernel under QEMU. */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Test VMs: boot a target kernel under QEMU and run commands in it.",
        subcommands = {})
public final class VmCommand {
}
