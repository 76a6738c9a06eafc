package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.PatchApplier;
import dev.suture.machine.TransitionPolicy;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture revert}: take patches off a machine. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = "Disable a livepatch, wait until every task is back on the old code, unload it.")
final class RevertCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The patch to revert (see 'suture status').")
    String name;

    @Option(names = "--all", description = "Revert every livepatch, newest first.")
    boolean all;

    @Mixin
    TransitionOptions transition;

    @Mixin
    ResultOption result;

    @Override
    public Integer call() throws Exception {
        if (all == (name != null)) {
            throw new SutureException("name one patch or give --all", "suture revert NAME, or suture revert --all");
        }
        TransitionPolicy policy = transition.policy();
        ResultOption.Recorder recorder = result.start("revert", machine.machine);
        recorder.patch(name);
        try {
            Channel channel = transition.bound(machine.channel());
            recorder.reached(channel);
            PatchApplier applier = new PatchApplier(channel, recorder.events(transition.events()), transition.deadline());
            // The stack is read once the lock is held: whatever ran before may have changed it.
            try (var lock = transition.lock(channel, "revert " + (all ? "--all" : name))) {
                List<String> names = all
                        ? LivepatchState.read(channel).patches().reversed().stream().map(LivepatchState.Patch::name).toList()
                        : List.of(name);
                if (names.isEmpty()) {
                    System.err.println("no livepatch applied on " + channel.describe());
                }
                for (String n : names) {
                    applier.revert(n, policy);
                }
            }
            recorder.succeeded(dev.suture.fleet.Outcome.REVERTED);
        } catch (SutureException e) {
            throw recorder.failed(e);
        }
        return 0;
    }
}
