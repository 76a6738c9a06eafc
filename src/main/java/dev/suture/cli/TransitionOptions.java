package dev.suture.cli;

import dev.suture.Json;
import dev.suture.machine.TransitionEvent;
import dev.suture.machine.TransitionPolicy;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The transition policy options of apply and revert, and how their events are shown. */
final class TransitionOptions {
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long the transition may take (default: ${DEFAULT-VALUE}).")
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

    Consumer<TransitionEvent> events() {
        if (json) {
            return e -> System.out.println(Json.writeCompact(e));
        }
        return e -> System.err.println(e.describe());
    }
}
