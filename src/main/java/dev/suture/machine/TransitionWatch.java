package dev.suture.machine;

import dev.suture.channel.Channel;

import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Watches one livepatch transition through {@code /sys/kernel/livepatch/NAME/transition} and every task's
 * {@code patch_state}: reports progress, names each task still on the other code with the replaced function on
 * its kernel stack, nudges user tasks when the policy says so, and gives up at the command's deadline.
 */
final class TransitionWatch {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration FIRST_BLOCKER_REPORT = Duration.ofSeconds(1);
    private static final Duration BLOCKER_REPORT_EVERY = Duration.ofSeconds(5);

    private final Channel channel;
    private final Consumer<TransitionEvent> events;
    private final TaskNudger nudger;

    TransitionWatch(Channel channel, Consumer<TransitionEvent> events) {
        this.channel = channel;
        this.events = events;
        this.nudger = new TaskNudger(channel);
    }

    /** How often a watch with tasks allowed to mix looks whether only those are left. */
    private static final Duration MIX_CHECK_EVERY = Duration.ofSeconds(1);

    /**
     * How a watch ended: the transition completed; or these tasks still held it at the deadline; or
     * ({@code onlyMixable}) the only tasks left sit in functions the user allows to run old and new side by side.
     */
    record Outcome(boolean completed, List<Blocker> blockers, double seconds, boolean onlyMixable) {
        Outcome(boolean completed, List<Blocker> blockers, double seconds) {
            this(completed, blockers, seconds, false);
        }
    }

    Outcome await(String patch, boolean patching, Set<String> functions, Deadline deadline, Duration signalAfter)
            throws IOException {
        return await(patch, patching, functions, deadline, signalAfter, Set.of());
    }

    /**
     * Waits for the transition of {@code patch} towards {@code patching} (true: new code) to end, at most until
     * {@code deadline}. A look at the machine the deadline stops ends the watch as not completed, with the
     * blockers last seen; the caller's policy decides what follows. A machine that stopped answering is reported
     * as such ({@link DeadlinePassed}).
     *
     * @param functions  the names of the replaced functions, as they appear on kernel stacks
     * @param allowMixed replaced functions whose old and new code may run side by side: when every task left sits
     *                   only in these, the watch ends early with {@link Outcome#onlyMixable()}
     */
    Outcome await(String patch, boolean patching, Set<String> functions, Deadline deadline, Duration signalAfter,
                  Set<String> allowMixed) throws IOException {
        long start = System.nanoTime();
        String target = patching ? "1" : "0";
        int lastPending = -1;
        double lastBlockerReport = -1;
        double lastNudge = -1;
        double lastMixCheck = -1;
        List<Blocker> blockers = List.of();
        while (true) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (deadline.passed()) {
                return new Outcome(false, blockers, elapsed);
            }
            try {
                Snapshot snap = snapshot(patch);
                if (!snap.inTransition()) {
                    events.accept(new TransitionEvent.Completed(patch, patching, elapsed));
                    return new Outcome(true, List.of(), elapsed);
                }
                List<String> pending = snap.states().entrySet().stream()
                        .filter(e -> !e.getValue().equals(target)).map(Map.Entry::getKey).toList();
                int switched = snap.states().size() - pending.size();
                // Short-lived tasks (this watch's own shell among them) come and go; what matters is who is left.
                if (pending.size() != lastPending) {
                    events.accept(new TransitionEvent.Progress(patch, switched, snap.states().size(), elapsed));
                    lastPending = pending.size();
                }
                boolean reportDue = elapsed >= FIRST_BLOCKER_REPORT.toMillis() / 1000.0
                        && (lastBlockerReport < 0 || elapsed - lastBlockerReport >= BLOCKER_REPORT_EVERY.toSeconds());
                boolean nudgeDue = elapsed >= signalAfter.toMillis() / 1000.0
                        && (lastNudge < 0 || elapsed - lastNudge >= BLOCKER_REPORT_EVERY.toSeconds());
                boolean mixDue = !allowMixed.isEmpty() && elapsed >= FIRST_BLOCKER_REPORT.toMillis() / 1000.0
                        && (lastMixCheck < 0 || elapsed - lastMixCheck >= MIX_CHECK_EVERY.toSeconds());
                if ((reportDue || nudgeDue || mixDue) && !pending.isEmpty()) {
                    blockers = blockers(pending, patch, functions);
                    if (reportDue) {
                        events.accept(new TransitionEvent.Blocked(patch, blockers, elapsed));
                        lastBlockerReport = elapsed;
                    }
                    if (mixDue) {
                        lastMixCheck = elapsed;
                        // Tasks that exited since are not among the blockers; those without a replaced frame will
                        // pass a safe point and are waited for.
                        if (!blockers.isEmpty() && blockers.stream().allMatch(b -> b.mixable(allowMixed))) {
                            return new Outcome(false, blockers, elapsed, true);
                        }
                    }
                }
                if (nudgeDue && !blockers.isEmpty()) {
                    nudge(patch, blockers);
                    lastNudge = elapsed;
                }
            } catch (DeadlinePassed e) {
                if (e.silent()) {
                    throw e;
                }
                return new Outcome(false, blockers, (System.nanoTime() - start) / 1e9);
            }
            sleep(deadline);
        }
    }

    /**
     * The tasks that hold a transition towards {@code patching} right now (none when it is not in transition):
     * read once more after a watch ended at its deadline, for the report.
     */
    List<Blocker> holding(String patch, boolean patching, Set<String> functions) throws IOException {
        Snapshot snap = snapshot(patch);
        if (!snap.inTransition()) {
            return List.of();
        }
        String target = patching ? "1" : "0";
        return blockers(snap.states().entrySet().stream().filter(e -> !e.getValue().equals(target))
                .map(Map.Entry::getKey).toList(), patch, functions);
    }

    /** The tasks that have not switched yet in a running transition, with what holds them (for status). */
    List<Blocker> pending(LivepatchState.Patch patch) throws IOException {
        Snapshot snap = snapshot(patch.name());
        if (!snap.inTransition()) {
            return List.of();
        }
        // A patch in transition with enabled=1 is moving tasks to its code; with enabled=0, back from it.
        String target = patch.enabled() ? "1" : "0";
        List<String> tasks = snap.states().entrySet().stream()
                .filter(e -> !e.getValue().equals(target)).map(Map.Entry::getKey).toList();
        return blockers(tasks, patch.name(), functionNames(patch));
    }

    /** Tasks that hold up the transition right now, for a report before anything is loaded or on timeout. */
    List<Blocker> blockers(List<String> taskPaths, String patch, Set<String> functions) throws IOException {
        if (taskPaths.isEmpty()) {
            return List.of();
        }
        StringBuilder script = new StringBuilder("for t in");
        taskPaths.forEach(t -> script.append(' ').append(t));
        script.append("""
                ; do
                  p=${t%%/*}
                  [ -d /proc/$t ] || continue
                  # Field 9 of stat holds the task flags; PF_KTHREAD marks kernel threads.
                  s=$(cat /proc/$t/stat 2>/dev/null); s=${s##*) }; set -- $s
                  k=user; [ $(( ${7:-0} & 0x200000 )) -ne 0 ] && k=kernel
                  echo "== $t $k $(cat /proc/$t/comm 2>/dev/null)"
                  cat /proc/$t/stack 2>/dev/null
                done
                exit 0
                """);
        return parseBlockers(channel.run(script.toString()).output(), patch, functions);
    }

    static List<Blocker> parseBlockers(String dump, String patch, Set<String> functions) {
        List<Blocker> blockers = new ArrayList<>();
        String header = null;
        List<String> stack = new ArrayList<>();
        for (String line : (dump + "\n== end").lines().toList()) {
            if (line.startsWith("== ")) {
                if (header != null) {
                    blockers.add(blocker(header, stack, patch, functions));
                }
                header = line.equals("== end") ? null : line.substring(3);
                stack = new ArrayList<>();
                continue;
            }
            stack.add(line);
        }
        return blockers;
    }

    /** {@code "PID/task/TID user|kernel COMM"} and the task's stack, innermost frame first. */
    private static Blocker blocker(String header, List<String> stack, String patch, Set<String> functions) {
        String[] f = header.split(" ", 3);
        String[] ids = f[0].split("/");
        boolean kernelThread = "kernel".equals(f[1]);
        List<String> replaced = new ArrayList<>();
        // A kernel thread runs its thread function, the frame just above kthread(), until it exits: a replaced
        // function there or below can never leave its stack (6.1 does not switch kthreads in cond_resched).
        int threadFunction = -1;
        for (int i = 0; i < stack.size(); i++) {
            String name = frameName(stack.get(i));
            if (name.equals("kthread") && i > 0 && threadFunction < 0) {
                threadFunction = i - 1;
            }
        }
        boolean neverLeaves = false;
        for (int i = 0; i < stack.size(); i++) {
            String frame = replacedFrame(stack.get(i), patch, functions);
            if (!frame.isEmpty()) {
                replaced.add(frame);
                neverLeaves |= kernelThread && threadFunction >= 0 && i >= threadFunction;
            }
        }
        return new Blocker(Integer.parseInt(ids[0]), Integer.parseInt(ids[2]), f.length > 2 ? f[2] : "?",
                replaced.isEmpty() ? "" : replaced.getFirst(), kernelThread, List.copyOf(replaced), neverLeaves);
    }

    /** {@code [<0>] name+0x8a/0xd0 [module]}: the frame's function name, empty if the line is not a frame. */
    private static String frameName(String frame) {
        String s = frame.replaceFirst("^\\[<[0-9a-f]+>]\\s*", "").strip();
        int plus = s.indexOf('+');
        return plus <= 0 ? "" : s.substring(0, plus);
    }

    /** {@code [<0>] name+0x8a/0xd0 [module]}: the frame's function if it is a replaced one or the patch's own code. */
    static String replacedFrame(String frame, String patch, Set<String> functions) {
        String name = frameName(frame);
        if (name.isEmpty()) {
            return "";
        }
        boolean inPatch = frame.strip().endsWith("[" + patch + "]");
        return functions.contains(name) || inPatch ? (inPatch ? name + " [" + patch + "]" : name) : "";
    }

    private void nudge(String patch, List<Blocker> blockers) throws IOException {
        List<Blocker> user = blockers.stream().filter(b -> !b.kernelThread()).toList();
        List<Blocker> kernel = blockers.stream().filter(Blocker::kernelThread).toList();
        String report = user.isEmpty() ? "" : nudger.nudge(user.stream().map(Blocker::tid).toList());
        events.accept(new TransitionEvent.Nudged(patch, user, kernel, report));
    }

    /** The transition flag and every task's patch_state, in one round trip. */
    private record Snapshot(boolean inTransition, Map<String, String> states) {
    }

    private Snapshot snapshot(String patch) throws IOException {
        String script = """
                f=%s/%s/transition
                if [ -e $f ]; then read v < $f; echo "transition $v"; else echo "transition gone"; fi
                for t in /proc/[0-9]*/task/[0-9]*; do
                  read s < $t/patch_state 2>/dev/null && echo "${t#/proc/} $s"
                done
                exit 0
                """.formatted(LivepatchState.ROOT, patch);
        Map<String, String> states = new LinkedHashMap<>();
        boolean inTransition = false;
        for (String line : channel.run(script).output().lines().toList()) {
            String[] f = line.split(" ");
            if (f.length != 2) {
                continue;
            }
            if (f[0].equals("transition")) {
                inTransition = f[1].equals("1");
            } else {
                states.put(f[0], f[1]);
            }
        }
        return new Snapshot(inTransition, states);
    }

    /** Names of replaced functions as they appear on stacks, from the live patch's sysfs entries. */
    static Set<String> functionNames(LivepatchState.Patch patch) {
        Set<String> names = new HashSet<>();
        for (LivepatchState.PatchedObject o : patch.objects()) {
            o.functions().forEach(f -> names.add(f.name()));
        }
        return names;
    }

    static String describe(List<Blocker> blockers) {
        return blockers.stream().map(Blocker::describe).collect(Collectors.joining("; "));
    }

    private static void sleep(Deadline deadline) {
        Duration left = deadline.remaining();
        try {
            Thread.sleep(left.compareTo(POLL) < 0 ? left : POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.suture.SutureException("interrupted while watching the transition", null, e);
        }
    }
}
