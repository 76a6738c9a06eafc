package dev.suture.cli;

import picocli.CommandLine.Command;

/** {@code suture kernel ...}: target kernels from Debian's packages. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {"Target kernels: list, fetch and remove Debian kernels in the local cache.",
                "A cached kernel has its bootable image, config, unstripped vmlinux (symbols, build id),",
                "modules with modules.dep, and a headers tree that builds external modules."},
        subcommands = {KernelListAvailableCommand.class, KernelFetchCommand.class, KernelSourceCommand.class, KernelListCommand.class,
                KernelPathCommand.class, KernelRmCommand.class})
final class KernelCommand {
}
