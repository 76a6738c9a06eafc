package dev.suture.cli;

import picocli.CommandLine.Command;

/** {@code suture vm ...}: test VMs booting the exact target kernel under QEMU. */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = {"Test VMs: boot a target kernel under QEMU (KVM when it works, else TCG) with a small busybox",
                "userland and run commands in it. A kernel oops, panic, BUG, WARN, lockup or new taint (other than",
                "O, E, K from livepatch modules) fails the command with exit status 125."},
        subcommands = {VmRunCommand.class, VmStartCommand.class, VmExecCommand.class, VmCpCommand.class,
                VmStopCommand.class, VmRebootCommand.class, VmListCommand.class})
final class VmCommand {
    /** The kernel reported a problem (or crashed) while the command ran. */
    static final int EXIT_KERNEL_PROBLEM = 125;
    /** The command did not finish in time. */
    static final int EXIT_TIMEOUT = 124;
}
