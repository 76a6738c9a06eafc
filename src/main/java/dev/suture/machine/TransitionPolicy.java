package dev.suture.machine;

import java.time.Duration;

/**
 * How long to wait for a livepatch transition, when to nudge the tasks that hold it up, and what to do when
 * the deadline passes.
 *
 * @param timeout     how long the transition may take
 * @param signalAfter when to nudge stragglers across a safe point (the kernel itself signals after about 15 s)
 * @param onTimeout   what happens at the deadline
 */
public record TransitionPolicy(Duration timeout, Duration signalAfter, OnTimeout onTimeout) {
    public static final TransitionPolicy DEFAULT =
            new TransitionPolicy(Duration.ofSeconds(60), Duration.ofSeconds(15), OnTimeout.ROLLBACK);

    /** At the deadline: reverse and unload (safe), leave the transition running, or force it (unsafe). */
    public enum OnTimeout {
        ROLLBACK, LEAVE, FORCE
    }
}
