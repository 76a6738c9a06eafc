package dev.suture.machine;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What happens while a patch moves the kernel's tasks from one code to the other; with --json, one per line. */
public sealed interface TransitionEvent {

    /** The event's name in JSON output. */
    @JsonProperty("event")
    default String event() {
        return getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** A one-line account for people. */
    String describe();

    record Verified(String patch, String object, String function, String result) implements TransitionEvent {
        public String describe() {
            return patch + ": running code of " + object + ":" + function + " " + result;
        }
    }

    record Predicted(String patch, List<Blocker> blockers) implements TransitionEvent {
        public String describe() {
            return Blocker.listed(patch + ": " + blockers.size() + " task(s) sit in functions the patch replaces and"
                    + " will hold the transition " + (blockers.stream().anyMatch(Blocker::neverLeaves)
                    ? "while they do:" : "until they leave:"), blockers);
        }
    }

    record Loaded(String patch, String machine) implements TransitionEvent {
        public String describe() {
            return "loaded " + patch + " on " + machine + "; tasks move to the new code at their next safe point";
        }
    }

    record Disabling(String patch, String why) implements TransitionEvent {
        public String describe() {
            return "disabling " + patch + " (" + why + "): tasks move back to the old code";
        }
    }

    record Progress(String patch, int switched, int total, double seconds) implements TransitionEvent {
        public String describe() {
            return String.format("%s: %d of %d tasks switched (%.1f s)", patch, switched, total, seconds);
        }
    }

    record Blocked(String patch, List<Blocker> blockers, double seconds) implements TransitionEvent {
        public String describe() {
            return Blocker.listed(String.format("%s: %d task(s) still on the other code after %.1f s:",
                    patch, blockers.size(), seconds), blockers);
        }
    }

    record Nudged(String patch, List<Blocker> tasks, List<Blocker> skipped, String report) implements TransitionEvent {
        public String describe() {
            return patch + ": nudged " + tasks.size() + " user task(s) across a safe point"
                    + (report.isBlank() ? "" : " (" + report.strip().replace("\n", "; ") + ")")
                    + (skipped.isEmpty() ? "" : "; " + skipped.size() + " kernel thread(s) are left to the kernel's own wake-up");
        }
    }

    record Completed(String patch, boolean patched, double seconds) implements TransitionEvent {
        public String describe() {
            return String.format("%s: transition complete in %.1f s, every task runs the %s code", patch, seconds,
                    patched ? "new" : "old");
        }
    }

    /** A transition completed as --allow-mixed allows: every task but the named threads runs the new code. */
    record CompletedMixed(String patch, int oldCodeThreads, double seconds) implements TransitionEvent {
        public String describe() {
            return String.format("%s: transition complete; every task runs the new code but the %d thread(s) above, "
                    + "which keep the old code until they leave it or restart (see suture status)", patch, oldCodeThreads);
        }
    }

    record TimedOut(String patch, List<Blocker> blockers, String action) implements TransitionEvent {
        public String describe() {
            return Blocker.listed(patch + ": transition timed out; " + action + "; blocking tasks:", blockers);
        }
    }

    /**
     * The kernel was told to mark every task switched. {@code allowedBy} is the option that allowed it for exactly
     * these tasks ({@code --allow-mixed}), or null for {@code --on-timeout force}.
     */
    record Forced(String patch, boolean patching, List<Blocker> tasks, String allowedBy) implements TransitionEvent {
        public String describe() {
            if (allowedBy != null) {
                return Blocker.listed(patch + ": completing the transition as " + allowedBy + " allows; "
                        + tasks.size() + " thread(s) keep running the old code of the function(s) they sit in until "
                        + "they leave them or restart:", tasks);
            }
            return "WARNING: " + patch + ": transition forced; tasks that were still in replaced functions may run "
                    + "old and new code mixed" + (patching ? " until they leave them"
                    : ", and the module can never be unloaded");
        }
    }

    record Unloaded(String patch) implements TransitionEvent {
        public String describe() {
            return patch + " unloaded";
        }
    }

    /** Another Suture command holds the machine's lock; this one waits for it (at most its --timeout). */
    record Waiting(String machine, String holder, long patienceSeconds) implements TransitionEvent {
        public String describe() {
            return "waiting for " + holder + " to finish on " + machine + " (at most " + patienceSeconds + " s)";
        }
    }

    /** A lock whose holder is gone was removed (the stale rule is in LockHolder). */
    record StaleLockCleared(String machine, String holder, String why) implements TransitionEvent {
        public String describe() {
            return "removed the stale Suture lock of " + holder + " on " + machine + ": " + why;
        }
    }

    /**
     * A task that has not switched yet, and the replaced function it sits in (if it sits in one).
     *
     * @param function    the innermost replaced function on its stack (empty: none; it waits for a safe point)
     * @param frames      every replaced function on its stack, innermost first
     * @param neverLeaves a kernel thread whose own thread function (the frame above {@code kthread}), or a frame
     *                    below it, is replaced: it runs that function until it exits, so it never switches
     */
    record Blocker(int pid, int tid, String comm, String function, boolean kernelThread, List<String> frames,
                   boolean neverLeaves) {
        /** A heading followed by one indented line per task. */
        static String listed(String heading, List<Blocker> blockers) {
            StringBuilder s = new StringBuilder(heading);
            for (Blocker b : blockers) {
                s.append("\n  ").append(b.describe());
            }
            return s.toString();
        }

        /** Whether every replaced function it sits in is one the user allows to run old and new side by side. */
        boolean mixable(java.util.Set<String> allowMixed) {
            return !frames.isEmpty() && allowMixed.containsAll(functions());
        }

        /** The replaced functions it sits in, without the module of a frame in the patch ({@code name [module]}). */
        List<String> functions() {
            return frames.stream().map(f -> f.contains(" ") ? f.substring(0, f.indexOf(' ')) : f).toList();
        }

        /** Who it is, without where it sits: {@code ksoftirqd/0 (pid 14) kernel thread}. */
        public String who() {
            return String.format("%s (pid %d%s)%s", comm, pid, tid == pid ? "" : ", tid " + tid,
                    kernelThread ? " kernel thread" : "");
        }

        public String describe() {
            return who() + ": " + (function.isEmpty() ? "not in a replaced function; waiting to pass a safe point"
                    : "in " + function + (neverLeaves ? ", the thread's own function: it never leaves it" : ""));
        }
    }
}
