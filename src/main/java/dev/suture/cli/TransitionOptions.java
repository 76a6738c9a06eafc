package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.machine.Deadline;
import dev.suture.machine.LockWait;
import dev.suture.machine.MachineLock;
import dev.suture.machine.TransitionEvent;
import dev.suture.machine.TransitionPolicy;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The transition policy options of apply and revert, how their events are shown, and how they wait for the machine. */
final class TransitionOptions {
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = {"How long the command may take, the transition and any wait for another Suture command",
                    "included; rolling back after it gets at most 25 s more (default: ${DEFAULT-VALUE})."})
    int timeoutSeconds;

    @Option(names = "--signal-after", paramLabel = "SECONDS", defaultValue = "15",
            description = {"When to nudge user tasks that hold the transition across a safe point, unseen by them",
                    "(ptrace interrupt and detach; kernel threads are woken by the kernel itself at about 15 s)",
                    "(default: ${DEFAULT-VALUE})."})
    int signalAfterSeconds;

    @Option(names = "--on-timeout", paramLabel = "POLICY", defaultValue = "rollback",
            description = {"At the deadline: rollback (reverse the transition, unload: the kernel is as before),",
                    "leave (keep transitioning; see status), or force (UNSAFE: mark every task switched)",
                    "(default: ${DEFAULT-VALUE})."})
    String onTimeout;

    @Option(names = "--json", description = "Print every transition event as a JSON object, one per line.")
    boolean json;

    @Option(names = "--no-wait", description = {"Refuse at once when another Suture command is acting on the machine",
            "(by default wait for it, at most --timeout seconds)."})
    boolean noWait;

    /** The command's deadline, --timeout from the first time it is asked for (the start of the command). */
    private Deadline deadline;

    Deadline deadline() {
        if (deadline == null) {
            deadline = Deadline.after(Duration.ofSeconds(Math.max(1, timeoutSeconds)));
        }
        return deadline;
    }

    /** The machine with every call ending by the command's deadline. */
    Channel bound(Channel channel) {
        return deadline().bound(channel);
    }

    TransitionPolicy policy() {
        TransitionPolicy.OnTimeout action = switch (onTimeout) {
            case "rollback" -> TransitionPolicy.OnTimeout.ROLLBACK;
            case "leave" -> TransitionPolicy.OnTimeout.LEAVE;
            case "force" -> TransitionPolicy.OnTimeout.FORCE;
            default -> throw new dev.suture.SutureException("unknown --on-timeout '" + onTimeout + "'",
                    "use rollback, leave or force");
        };
        if (timeoutSeconds <= 0 || signalAfterSeconds < 0) {
            throw new dev.suture.SutureException("--timeout must be positive and --signal-after not negative",
                    "give seconds, e.g. --timeout 60 --signal-after 5");
        }
        if (action == TransitionPolicy.OnTimeout.FORCE) {
            System.err.println("suture: WARNING: --on-timeout force can leave tasks running old and new code mixed");
        }
        return new TransitionPolicy(Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(signalAfterSeconds), action);
    }

    /** How to wait for another Suture command on the machine: at most what is left of --timeout, or not at all. */
    LockWait lockWait() {
        return new LockWait(deadline().remaining(), noWait);
    }

    /**
     * How long a holder on another host keeps the machine's lock should it die: its transition, a rollback and
     * a margin for the rest (see LockHolder's stale rule; a holder on this host keeps it while its process lives).
     */
    Duration lease() {
        return Duration.ofSeconds(3L * Math.max(1, timeoutSeconds)).plusMinutes(10);
    }

    /**
     * Takes the machine's lock for this command (e.g. "apply suture_x") as these options say. Releasing it is the
     * last step after the deadline's cleanup, so its calls end by the deadline's release time.
     */
    MachineLock.Held lock(Channel channel, String command) throws java.io.IOException {
        return MachineLock.acquire(deadline().release().bound(channel), command, lease(), lockWait(), events());
    }

    Consumer<TransitionEvent> events() {
        if (json) {
            return e -> System.out.println(Json.writeCompact(e));
        }
        return e -> System.err.println(e.describe());
    }
}
