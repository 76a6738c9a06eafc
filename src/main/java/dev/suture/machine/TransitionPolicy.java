package dev.suture.machine;

import java.time.Duration;
import java.util.Set;

/**
 * How long to wait for a livepatch transition, when to nudge the tasks that hold it up, what to do when the
 * deadline passes, which replaced functions the user allows to run old and new code side by side, and whether the
 * new code's calls are counted once it is applied.
 *
 * @param timeout     how long the transition may take
 * @param signalAfter when to nudge stragglers across a safe point (the kernel itself signals after about 15 s)
 * @param onTimeout   what happens at the deadline
 * @param allowMixed  replaced functions whose old and new versions may run at once ({@code --allow-mixed}): when
 *                    the only tasks left sit in these alone, the transition is completed (livepatch's force),
 *                    and a thread that never leaves one of them does not refuse the patch
 * @param countCalls  count each replacement's calls from the completed transition on ({@code --count-calls},
 *                    {@link CallCounter}); a machine that cannot count refuses before loading
 */
public record TransitionPolicy(Duration timeout, Duration signalAfter, OnTimeout onTimeout, Set<String> allowMixed,
                               boolean countCalls) {
    public static final TransitionPolicy DEFAULT =
            new TransitionPolicy(Duration.ofSeconds(60), Duration.ofSeconds(15), OnTimeout.ROLLBACK);

    public TransitionPolicy {
        allowMixed = Set.copyOf(allowMixed);
    }

    public TransitionPolicy(Duration timeout, Duration signalAfter, OnTimeout onTimeout) {
        this(timeout, signalAfter, onTimeout, Set.of(), false);
    }

    public TransitionPolicy withAllowMixed(Set<String> functions) {
        return new TransitionPolicy(timeout, signalAfter, onTimeout, functions, countCalls);
    }

    public TransitionPolicy withCountCalls(boolean count) {
        return new TransitionPolicy(timeout, signalAfter, onTimeout, allowMixed, count);
    }

    /** At the deadline: reverse and unload (safe), leave the transition running, or force it (unsafe). */
    public enum OnTimeout {
        ROLLBACK, LEAVE, FORCE
    }
}
