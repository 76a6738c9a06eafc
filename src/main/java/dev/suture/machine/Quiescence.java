package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.machine.TransitionEvent.Blocker;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.safety.Refusal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Whether the tasks that hold a transition can ever let it finish. Livepatch switches a task only when no replaced
 * function is on its stack; a kernel thread runs its own thread function until it exits (and 6.1 does not switch
 * kernel threads in cond_resched), so a replaced thread function holds the transition forever. Such a patch is
 * refused before loading by the {@code never-quiescent} rule unless the user allows old and new code of those
 * functions to run side by side ({@code --allow-mixed}).
 */
final class Quiescence {
    private Quiescence() {
    }

    /** {@code --allow-mixed} may name only functions the patch replaces: anything else is a typo, caught now. */
    static void requireReplaced(PatchManifest manifest, Set<String> allowMixed) {
        Set<String> replaced = new TreeSet<>();
        manifest.functions().forEach(f -> replaced.add(f.name()));
        List<String> unknown = allowMixed.stream().filter(f -> !replaced.contains(f)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new SutureException("--allow-mixed " + String.join(",", unknown) + ": patch " + manifest.name()
                    + " does not replace " + (unknown.size() == 1 ? "it" : "them") + "; nothing was loaded",
                    "name functions it replaces: " + String.join(", ", replaced));
        }
    }

    /** Refuses, before loading, a patch that threads which never leave a replaced function would hold forever. */
    static void refuseNeverQuiescent(PatchManifest manifest, List<Blocker> predicted, Set<String> allowMixed,
                                     UnaryOperator<String> mixedRetry) {
        List<Blocker> never = predicted.stream().filter(Blocker::neverLeaves).filter(b -> !b.mixable(allowMixed)).toList();
        if (never.isEmpty()) {
            return;
        }
        Set<String> functions = functionsOf(never);
        String finding = never.size() + " kernel thread(s) run it as their own function and never leave it, so the "
                + "transition could never finish: " + never.stream().map(b -> b.comm() + " (pid " + b.pid() + ")")
                .collect(Collectors.joining(", "))
                + "; nothing was loaded";
        Refusal refusal = new Refusal(Refusal.Rule.NEVER_QUIESCENT, String.join(", ", functions), 0, finding,
                neverRemedy(functions) + ": " + mixedRetry.apply(String.join(",", functions)));
        throw new SutureException(refusal.rule().id() + ": " + refusal.file() + ": " + refusal.finding(), refusal.remedy());
    }

    /** The replaced functions the threads sit in, in the order first seen. */
    private static Set<String> functionsOf(List<Blocker> threads) {
        return threads.stream().flatMap(b -> b.functions().stream()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** What can work for threads that never leave: the change elsewhere, the threads restarted, or mixing allowed. */
    private static String neverRemedy(Set<String> functions) {
        return "move the change into a function the loop calls on each pass (it is off the stack between passes); "
                + "or restart those threads where their subsystem allows it (e.g. reload the module that runs them); "
                + "or, if old and new code of " + String.join(", ", functions) + " may run side by side, allow it";
    }

    /**
     * Advice after a deadline that fits the blockers: tasks that may still leave (retry, longer timeout, earlier
     * signal) apart from threads that never will (the remedies above). {@code retry} is the verb to start with.
     */
    static String advice(List<Blocker> blockers, String retry) {
        List<String> parts = new ArrayList<>();
        List<Blocker> never = blockers.stream().filter(Blocker::neverLeaves).toList();
        List<Blocker> mayLeave = blockers.stream().filter(b -> !b.neverLeaves()).toList();
        if (!mayLeave.isEmpty() || never.isEmpty()) {
            parts.add(retry + " when the blocking tasks are idle, with a longer --timeout, or an earlier --signal-after"
                    + (never.isEmpty() ? "" : " (for " + mayLeave.stream().map(Blocker::comm).distinct()
                    .collect(Collectors.joining(", ")) + ")"));
        }
        if (!never.isEmpty()) {
            Set<String> functions = functionsOf(never);
            parts.add("no timeout is long enough for " + never.stream().map(Blocker::comm).distinct()
                    .collect(Collectors.joining(", ")) + ", which never leave " + String.join(", ", functions) + ": "
                    + neverRemedy(functions) + " with --allow-mixed " + String.join(",", functions));
        }
        return String.join("; ", parts);
    }
}
