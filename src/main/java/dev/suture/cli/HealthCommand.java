package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.fleet.HealthCheck;
import dev.suture.fleet.MachineResult;
import dev.suture.fleet.Outcome;
import dev.suture.machine.RunningKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture health}: is the machine well after a patch went in (between the waves of a rollout). */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Check a machine after a patch went in: the patch enabled and settled, no kernel problem logged",
                "since it was enabled, taint only O/E/K, and your own check (run on the machine) passing."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:healthy", "1:unhealthy (each finding is printed)", "2:the machine could not be asked"})
final class HealthCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Parameters(paramLabel = "PATCH", description = "The patch's name (see 'suture status').")
    String patch;

    @Option(names = "--command", paramLabel = "SHELL",
            description = "Your own check, run on the machine by sh; it must exit 0 (e.g. 'systemctl is-system-running').")
    String command;

    @Option(names = "--result", paramLabel = "FILE",
            description = "When unhealthy, write the finding as a rollout result (outcome 'unhealthy'); removed when healthy.")
    Path result;

    @Option(names = "--json", description = "Print the verdict as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Channel channel = machine.channel();
        HealthCheck.Health health = HealthCheck.check(channel, patch, Optional.ofNullable(command));
        if (result != null) {
            if (health.healthy()) {
                Files.deleteIfExists(result);
            } else {
                RunningKernel kernel = RunningKernel.read(channel);
                new MachineResult(machine.machine, "health", Outcome.UNHEALTHY, patch, kernel.release(), kernel.buildId(),
                        String.join("; ", health.findings()), List.of(), null, Instant.now()).write(result);
            }
        }
        if (json) {
            System.out.println(Json.write(health));
        } else if (health.healthy()) {
            System.out.println(channel.describe() + ": healthy with " + patch);
        } else {
            System.out.println(channel.describe() + ": UNHEALTHY with " + patch + ":");
            health.findings().forEach(f -> System.out.println("  " + f));
        }
        return health.healthy() ? 0 : 1;
    }
}
