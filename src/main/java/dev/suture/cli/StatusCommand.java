package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.machine.MachineStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture status}: the livepatches on a machine. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running kernel and the livepatches on a machine, with their functions.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Channel channel = machine.channel();
        MachineStatus status = MachineStatus.read(channel);
        if (json) {
            System.out.println(Json.write(status));
        } else {
            StatusText.print(status, channel, System.out);
        }
        return 0;
    }
}
