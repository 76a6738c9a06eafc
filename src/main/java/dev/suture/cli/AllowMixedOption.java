package dev.suture.cli;

import dev.suture.machine.TransitionPolicy;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --allow-mixed}, of the commands that move tasks to a patch's code (apply, switch). */
final class AllowMixedOption {
    @Option(names = "--allow-mixed", paramLabel = "FUNCTION", split = ",",
            description = {"Replaced functions whose old and new code may run side by side: when the only tasks",
                    "left sit in these, the transition is completed and they keep the old code until they leave",
                    "(a kernel thread's main loop: until it restarts). Never for a function not named."})
    List<String> functions = List.of();

    TransitionPolicy applyTo(TransitionPolicy policy) {
        return policy.withAllowMixed(new LinkedHashSet<>(functions));
    }
}
