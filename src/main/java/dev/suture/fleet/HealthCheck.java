package dev.suture.fleet;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import dev.suture.machine.LivepatchState;
import dev.suture.vm.ConsoleScanner;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.Taint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a machine is well after a patch went in, checked between the waves of a rollout: the patch is enabled
 * and settled (no transition), the kernel logged no problem (oops, BUG, WARNING, lockup, stall) since it enabled
 * the patch, its taint has no flag but those livepatching sets (O, E, K), and the user's own check, run on the
 * machine, exits 0.
 */
public final class HealthCheck {
    private static final Duration USER_CHECK_LIMIT = Duration.ofMinutes(5);

    private HealthCheck() {
    }

    /** The verdict: healthy, or every finding that says otherwise. */
    public record Health(String patch, boolean healthy, List<String> findings) {
    }

    public static Health check(Channel machine, String patch, Optional<String> userCommand) throws IOException {
        List<String> findings = new ArrayList<>();
        Optional<LivepatchState.Patch> p = LivepatchState.read(machine).patch(patch);
        if (p.isEmpty()) {
            findings.add("patch " + patch + " is not applied");
        } else if (!p.get().enabled() || p.get().inTransition()) {
            findings.add("patch " + patch + " is " + (p.get().enabled() ? "enabled" : "disabled")
                    + (p.get().inTransition() ? " and still in transition" : ""));
        }
        // The kernel log from the patch's own "enabling patch" line on: what happened since it went in.
        String log = machine.run("dmesg 2>/dev/null | awk -v m=\"livepatch: enabling patch '" + patch + "'\" "
                + "'index($0, m) { out = \"\" } { out = out $0 \"\\n\" } END { printf \"%s\", out }'").output();
        for (KernelProblem problem : ConsoleScanner.scan(log)) {
            findings.add("the kernel logged " + problem.describe());
        }
        String tainted = machine.run("cat /proc/sys/kernel/tainted").output().strip();
        if (tainted.matches("\\d+")) {
            long unexpected = Taint.unexpectedNewBits(0, Long.parseLong(tainted));
            if (unexpected != 0) {
                findings.add("the kernel is tainted " + Taint.letters(unexpected) + " (tainted=" + tainted
                        + "; only O, E and K are expected from livepatching)");
            }
        }
        if (userCommand.isPresent()) {
            Channel.CommandResult r = machine.run(userCommand.get() + " </dev/null 2>&1", USER_CHECK_LIMIT);
            if (!r.ok()) {
                String last = r.output().strip().lines().reduce((a, b) -> b).orElse("");
                findings.add("the check " + ShellQuote.quote(userCommand.get()) + " failed"
                        + (last.isEmpty() ? "" : ": " + last));
            }
        }
        return new Health(patch, findings.isEmpty(), List.copyOf(findings));
    }
}
