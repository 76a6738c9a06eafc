package dev.suture.cli;

import dev.suture.machine.Installer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code suture uninstall}: stop applying an edition at boot. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = "Stop applying an edition at boot; it stays applied until 'suture revert'.")
final class UninstallCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Parameters(paramLabel = "NAME", description = "The installed edition.")
    String name;

    @Override
    public Integer call() throws Exception {
        var channel = machine.channel();
        new Installer(channel).uninstall(name);
        System.err.println(name + " is no longer installed on " + channel.describe() + " (still applied until reverted)");
        return 0;
    }
}
