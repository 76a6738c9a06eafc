package dev.suture.fleet;

import dev.suture.Json;
import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What one Suture command did to one machine, written as JSON by {@code --result FILE} whatever the command's
 * fate, so a rollout (and its report) knows each machine's outcome without parsing messages.
 *
 * @param machine           the machine as given ({@code ssh:root@web1:22})
 * @param action            apply, revert, install, uninstall
 * @param outcome           what happened
 * @param patch             the patch's name, when known
 * @param release           the kernel release the machine runs, when it was reached
 * @param buildId           that kernel's build id
 * @param reason            the cause of anything but success, as Suture printed it
 * @param blockers          the tasks that held a transition the deadline ended
 * @param transitionSeconds how long the transition took (or ran before it was ended)
 * @param at                when the command ended
 */
public record MachineResult(String machine, String action, Outcome outcome, String patch, String release,
                            String buildId, String reason, List<Blocker> blockers, Double transitionSeconds,
                            Instant at) {
    public MachineResult {
        blockers = blockers == null ? List.of() : List.copyOf(blockers);
    }

    public void write(Path file) throws IOException {
        Json.writeAtomically(file, this);
    }

    public static MachineResult read(Path file) throws IOException {
        return Json.read(file, MachineResult.class);
    }
}
