package dev.suture.cli;

import picocli.CommandLine.Command;

/** {@code suture kernel ...}: target kernels from Debian's packages. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Target kernels: list, fetch and remove Debian kernels in the local cache.",
        subcommands = {})
public final class KernelCommand {
}
