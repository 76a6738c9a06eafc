package dev.suture.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command {@code vm run} and {@code vm exec} run in the VM, and how long it may take. */
final class GuestCommand {
    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "600",
            description = "How long CMD may run (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "CMD",
            description = "The command to run in the VM; several arguments are quoted for the shell, one is a shell command.")
    List<String> command;

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
