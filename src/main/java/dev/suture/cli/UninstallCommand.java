package dev.suture.cli;

import dev.suture.machine.Deadline;
import dev.suture.machine.Installer;
import dev.suture.machine.LockWait;
import dev.suture.machine.MachineLock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture uninstall}: stop applying an edition at boot. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = "Stop applying an edition at boot; it stays applied until 'suture revert'.")
final class UninstallCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Parameters(paramLabel = "NAME", description = "The installed edition.")
    String name;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = {"How long the command may take, waiting for another Suture command acting on the machine",
                    "included (default: ${DEFAULT-VALUE})."})
    int timeoutSeconds;

    @Option(names = "--no-wait", description = "Refuse at once when another Suture command is acting on the machine.")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
        Duration patience = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        // Every wait, the lock's included, ends by the deadline; releasing the lock may use the grace after it.
        Deadline deadline = Deadline.after(patience);
        var channel = deadline.bound(machine.channel());
        // Uninstalling is a few file operations; its lease only matters should it die on another host.
        try (var lock = MachineLock.acquire(deadline.release().bound(channel), "uninstall " + name,
                patience.plusMinutes(10), new LockWait(deadline.remaining(), noWait), e -> System.err.println(e.describe()))) {
            new Installer(channel).uninstall(name);
        }
        System.err.println(name + " is no longer installed on " + channel.describe() + " (still applied until reverted)");
        return 0;
    }
}
