package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import java.io.IOException;
import java.util.Optional;

/**
 * The message of a command its deadline stopped in the middle of a step: which step it was waiting for, why it
 * ended, and how the patch stands now, read once more from the machine (within the cleanup after the deadline)
 * so the message says what {@code suture status} shows. When the machine has stopped answering it is not asked:
 * the message says so instead.
 */
final class ExpiryReport {
    private ExpiryReport() {
    }

    /**
     * @param action  what the command was doing, e.g. "revert of suture_x"
     * @param step    what it was waiting for, e.g. "the kernel to take 'echo 0 > .../enabled' (disabling it)"
     * @param machine the machine under the cleanup deadline, to read its state
     * @param hint    what the user can do besides looking at the status
     */
    static SutureException of(String action, String step, DeadlinePassed cause, Channel machine, String patch,
                              String hint) {
        return new SutureException(action + " stopped at its " + cause.timeoutSeconds() + " s deadline while waiting for "
                + step + " (" + cause.detail() + "); " + now(machine, patch, cause), hint + "; see "
                + Remedy.suture(machine, "status"), 2, cause);
    }

    /** How the patch stands on the machine now, in the words of status. */
    static String now(Channel machine, String patch, DeadlinePassed cause) {
        if (cause.silent()) {
            return "its state could not be read: " + machine.describe() + " stopped answering";
        }
        try {
            Optional<LivepatchState.Patch> p = LivepatchState.read(machine).patch(patch);
            String module = machine.run("grep '^" + patch + " ' /proc/modules | cut -d' ' -f5").output().strip();
            String kernel = p.map(ExpiryReport::describe).orElse("patch " + patch + " has no livepatch");
            return "now " + kernel + "; module " + patch + (module.isEmpty() ? " is not loaded"
                    : " is loaded (" + module + ")");
        } catch (DeadlinePassed | IOException e) {
            return "its state could not be read in time (" + e.getMessage() + ")";
        }
    }

    static String describe(LivepatchState.Patch p) {
        return "patch " + p.name() + " is " + (p.enabled() ? "enabled" : "disabled")
                + (p.inTransition() ? ", in transition " + (p.enabled() ? "to the new code" : "back to the old code") : "");
    }
}
