package dev.suture.cli;

import dev.suture.channel.Channel;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.Remedy;
import dev.suture.machine.TransitionEvent;
import java.io.PrintStream;
import java.util.List;

/** The human form of one machine's status. */
final class StatusText {
    private StatusText() {
    }

    static void print(MachineStatus status, Channel channel, PrintStream out) {
        print(status, channel, out, false);
    }

    /** @param calls with each patch's calls since it was applied ({@code status --calls}) */
    static void print(MachineStatus status, Channel channel, PrintStream out, boolean calls) {
        out.printf("%s runs %s (build id %s)%n", status.target(), status.kernel().release(), status.kernel().buildId());
        if (!status.livepatch().supported()) {
            out.println("livepatch: not supported by this kernel");
            return;
        }
        if (status.livepatch().patches().isEmpty()) {
            out.println("no livepatch applied");
        }
        // What the machine did on its own at a deadline, when the command that applied a patch was gone.
        status.deadlineWatcher().forEach(note -> out.println("deadline watcher: " + note));
        for (LivepatchState.Patch p : status.livepatch().patches()) {
            out.printf("%s: %s%s%s%n", p.name(), p.enabled() ? "enabled" : "disabled",
                    p.inTransition() ? ", in transition " + (p.enabled() ? "to the new code" : "back to the old code") : "",
                    status.signers().containsKey(p.name()) ? ", signer: " + status.signers().get(p.name()) : "");
            if (status.fixes().containsKey(p.name())) {
                out.println("  fixes: " + status.fixes().get(p.name()).describe());
            }
            if (calls) {
                out.println("  " + calls(status, p.name()));
            }
            for (TransitionEvent.Blocker b : status.waitingFor().getOrDefault(p.name(), List.of())) {
                out.println("  waiting for " + b.describe());
            }
            List<TransitionEvent.Blocker> old = status.runningOldCode().getOrDefault(p.name(), List.of());
            if (!old.isEmpty()) {
                out.println("  " + old.size() + " thread(s) still run old code, as --allow-mixed allowed:");
                old.forEach(b -> out.println("    " + b.who() + ": the old " + b.function()
                        + (b.neverLeaves() ? ", its main loop, until it restarts" : ", until it leaves it")));
            }
            if (p.inTransition()) {
                out.println("  (finish or take it back with " + Remedy.suture(channel, "revert", p.name()) + ")");
            }
            for (LivepatchState.PatchedObject o : p.objects()) {
                out.printf("  %s (%s): %s%n", o.name(), o.patched() ? "patched" : "not loaded",
                        String.join(" ", o.functions().stream().map(LivepatchState.PatchedFunction::sysfsName).toList()));
            }
        }
    }

    /** "calls since TIME: f 12, g 0", from the kernel's counters of a patch applied with --count-calls. */
    private static String calls(MachineStatus status, String patch) {
        java.util.Map<String, Long> counted = status.calls().get(patch);
        if (counted == null) {
            return "calls: not counted (apply with --count-calls to count them)";
        }
        return "calls since " + status.callsSince().get(patch) + ": " + String.join(", ",
                counted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }
}
