package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.machine.DeadlineWatcher;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.MixedThreads;
import dev.suture.machine.ModuleSignature;
import dev.suture.machine.PatchApplier;
import dev.suture.machine.Remedy;
import dev.suture.machine.RunningKernel;
import dev.suture.machine.TransitionEvent;
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

    /**
     * The JSON form: the kernel, its livepatch state, the tasks transitions still wait for, and the threads an
     * {@code --allow-mixed} apply left running the old code of a replaced function.
     */
    record Status(String target, RunningKernel kernel, LivepatchState livepatch,
                  java.util.Map<String, java.util.List<TransitionEvent.Blocker>> waitingFor,
                  java.util.List<String> deadlineWatcher, java.util.Map<String, String> signers,
                  java.util.Map<String, java.util.List<TransitionEvent.Blocker>> runningOldCode) {
    }

    @Override
    public Integer call() throws Exception {
        Channel channel = machine.channel();
        LivepatchState state = LivepatchState.read(channel);
        var applier = new PatchApplier(channel, e -> { });
        java.util.Map<String, java.util.List<TransitionEvent.Blocker>> waiting = new java.util.LinkedHashMap<>();
        for (LivepatchState.Patch p : state.patches()) {
            if (p.inTransition()) {
                waiting.put(p.name(), applier.pending(p));
            }
        }
        // Who signed each patch: what a machine that enforces signatures checks (read from its stored module).
        java.util.Map<String, String> signers = new java.util.LinkedHashMap<>();
        for (LivepatchState.Patch p : state.patches()) {
            ModuleSignature.signerOfEdition(channel, p.name()).ifPresent(s -> signers.put(p.name(), s));
        }
        java.util.Map<String, java.util.List<TransitionEvent.Blocker>> mixed = new java.util.LinkedHashMap<>();
        for (LivepatchState.Patch p : state.patches()) {
            var old = MixedThreads.stillOld(channel, p.name());
            if (!old.isEmpty()) {
                mixed.put(p.name(), old);
            }
        }
        Status status = new Status(channel.describe(), RunningKernel.read(channel), state, waiting,
                DeadlineWatcher.notes(channel), signers, mixed);
        if (json) {
            System.out.println(Json.write(status));
            return 0;
        }
        System.out.printf("%s runs %s (build id %s)%n", status.target(), status.kernel().release(),
                status.kernel().buildId());
        if (!status.livepatch().supported()) {
            System.out.println("livepatch: not supported by this kernel");
            return 0;
        }
        if (status.livepatch().patches().isEmpty()) {
            System.out.println("no livepatch applied");
        }
        // What the machine did on its own at a deadline, when the command that applied a patch was gone.
        status.deadlineWatcher().forEach(note -> System.out.println("deadline watcher: " + note));
        for (LivepatchState.Patch p : status.livepatch().patches()) {
            System.out.printf("%s: %s%s%s%n", p.name(), p.enabled() ? "enabled" : "disabled",
                    p.inTransition() ? ", in transition " + (p.enabled() ? "to the new code" : "back to the old code") : "",
                    status.signers().containsKey(p.name()) ? ", signer: " + status.signers().get(p.name()) : "");
            for (TransitionEvent.Blocker b : status.waitingFor().getOrDefault(p.name(), java.util.List.of())) {
                System.out.println("  waiting for " + b.describe());
            }
            var old = status.runningOldCode().getOrDefault(p.name(), java.util.List.of());
            if (!old.isEmpty()) {
                System.out.println("  " + old.size() + " thread(s) still run old code, as --allow-mixed allowed:");
                old.forEach(b -> System.out.println("    " + b.who() + ": the old " + b.function()
                        + (b.neverLeaves() ? ", its main loop, until it restarts" : ", until it leaves it")));
            }
            if (p.inTransition()) {
                System.out.println("  (finish or take it back with " + Remedy.suture(channel, "revert", p.name()) + ")");
            }
            for (LivepatchState.PatchedObject o : p.objects()) {
                System.out.printf("  %s (%s): %s%n", o.name(), o.patched() ? "patched" : "not loaded",
                        String.join(" ", o.functions().stream().map(LivepatchState.PatchedFunction::sysfsName).toList()));
            }
        }
        return 0;
    }
}
