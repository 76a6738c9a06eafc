package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Loads and unloads patch modules on a machine through its channel: checks first that the machine runs the
 * exact kernel build the patch was made for, then loads, watches the livepatch transition and applies the
 * timeout policy. By default a transition that does not finish in time is reversed and the module unloaded:
 * never half applied.
 */
public final class PatchApplier {
    /** Where patch modules are kept on the machine (the edition store). */
    public static final String PATCH_DIR = EditionStore.DIR;

    private final Channel raw;
    private final Consumer<TransitionEvent> events;
    /** The command's deadline; null for an applier that takes each call's from its policy (see within). */
    private final Deadline deadline;
    /** The machine, every call ending by the deadline. */
    private final Channel channel;
    /** The machine for what follows the deadline: rollback, unload, the state for the report. */
    private final Channel cleanup;
    private final TransitionWatch watch;
    private final TransitionWatch cleanupWatch;
    private final EditionStore store;

    public PatchApplier(Channel channel, Consumer<TransitionEvent> events) {
        this(channel, events, null);
    }

    /** An applier for one command: every wait of every call ends by {@code deadline} (and its cleanup). */
    public PatchApplier(Channel channel, Consumer<TransitionEvent> events, Deadline deadline) {
        this.raw = channel;
        this.events = events;
        this.deadline = deadline;
        if (deadline == null) {
            this.channel = channel;
            this.cleanup = channel;
        } else {
            BoundedChannel main = (BoundedChannel) deadline.bound(channel);
            this.channel = main;
            this.cleanup = main.until(deadline.cleanup());
        }
        this.watch = new TransitionWatch(this.channel, events);
        this.cleanupWatch = new TransitionWatch(cleanup, events);
        this.store = new EditionStore(this.channel);
    }

    /** This applier if it has a deadline, else one whose deadline is the policy's timeout from now. */
    private PatchApplier within(TransitionPolicy policy) {
        return deadline != null ? this : new PatchApplier(raw, events, Deadline.after(policy.timeout()));
    }

    /** One step of a command: a deadline that stops it is reported with the step's name and the machine's state. */
    private interface Step<T> {
        T run() throws IOException;
    }

    private <T> T step(String action, String waitingFor, String patch, String hint, Step<T> body) throws IOException {
        try {
            return body.run();
        } catch (DeadlinePassed e) {
            throw ExpiryReport.of(action, waitingFor, e, cleanup, patch, hint);
        }
    }

    /** For callers that only want the human-readable account, one line per event. */
    public static Consumer<TransitionEvent> lines(Consumer<String> out) {
        return e -> out.accept(e.describe());
    }

    /** Refuses, before anything is loaded, a patch built for another kernel or already applied. */
    public RunningKernel preflight(PatchManifest manifest) throws IOException {
        return preflight(manifest, Path.of("PATCH.ko"));
    }

    /** As {@link #preflight(PatchManifest)}, for the module at {@code ko}, which a remedy names. */
    public RunningKernel preflight(PatchManifest manifest, Path ko) throws IOException {
        return step("the check of " + manifest.name(), PREFLIGHT, manifest.name(), NOTHING_LOADED,
                () -> preflight(manifest, Optional.empty(), java.util.Set.of(),
                        fns -> Remedy.suture(raw, "apply", "--allow-mixed", fns, ShellQuote.quote(ko.toString()))));
    }

    private static final String PREFLIGHT = "the checks before loading (kernel identity, run-pre, predicted blockers)";
    private static final String NOTHING_LOADED = "nothing was loaded; retry with a longer --timeout";

    /** @param mixedRetry the command that retries with {@code --allow-mixed} for the given functions (a remedy) */
    private RunningKernel preflight(PatchManifest manifest, Optional<ModuleIdentity> ours, Set<String> allowMixed,
                                    java.util.function.UnaryOperator<String> mixedRetry) throws IOException {
        Quiescence.requireReplaced(manifest, allowMixed);
        RunningKernel running = RunningKernel.read(channel);
        if (!running.release().equals(manifest.release())) {
            throw new SutureException("patch " + manifest.name() + " was built for " + manifest.release()
                    + " but " + channel.describe() + " runs " + running.release() + "; nothing was loaded",
                    "build the fix for this kernel: suture build --kernel " + running.release() + " ...");
        }
        if (!running.buildId().equals(manifest.buildId())) {
            throw new SutureException("patch " + manifest.name() + " was built for build id " + manifest.buildId()
                    + " but " + channel.describe() + " runs build id " + running.buildId()
                    + " (same release, different build); nothing was loaded",
                    "fetch the kernel this machine runs and rebuild the fix against it");
        }
        LivepatchState state = LivepatchState.read(channel);
        if (!state.supported()) {
            throw new SutureException(channel.describe() + " has no " + LivepatchState.ROOT
                    + ": its kernel was built without CONFIG_LIVEPATCH", "use a kernel with livepatch support");
        }
        if (state.patch(manifest.name()).isPresent()) {
            LoadedModule there = LoadedModule.read(channel, manifest.name());
            if (ours.isPresent() && !there.is(ours)) {
                throw new SutureException("another build of patch " + manifest.name() + " is already applied on "
                        + channel.describe() + " (" + there.describe() + "; this is build " + ours.get().brief()
                        + "); nothing was loaded", "revert it first with " + Remedy.suture(channel, "revert", manifest.name())
                        + " if this build should replace it");
            }
            throw new SutureException("patch " + manifest.name() + " is already applied on " + channel.describe(),
                    "revert it first with " + Remedy.suture(channel, "revert", manifest.name()));
        }
        Optional<LivepatchState.Patch> busy = state.patches().stream().filter(LivepatchState.Patch::inTransition).findFirst();
        if (busy.isPresent()) {
            throw new SutureException("patch " + busy.get().name() + " is still in transition on " + channel.describe()
                    + "; the kernel runs one transition at a time and nothing was loaded",
                    "wait for it (" + Remedy.suture(channel, "status") + "), or take it back with " + Remedy.suture(channel, "revert", busy.get().name()));
        }
        for (RunPreCheck.Checked c : new RunPreCheck(channel).verify(manifest)) {
            events.accept(new TransitionEvent.Verified(manifest.name(), c.object(), c.name(), c.result()));
        }
        List<Blocker> predicted = predictedBlockers(manifest);
        if (!predicted.isEmpty()) {
            events.accept(new TransitionEvent.Predicted(manifest.name(), predicted));
        }
        // A thread that never leaves a replaced function would hold the transition forever: say so now, with what
        // can work, rather than load, wait out the deadline and roll back.
        Quiescence.refuseNeverQuiescent(manifest, predicted, allowMixed, mixedRetry);
        return running;
    }

    /**
     * Applies the patch and sees its transition through under the policy. The module is loaded from a copy only
     * this call writes, and the kernel is then asked which build it runs under that name: only this one counts.
     */
    public void apply(Path ko, PatchManifest manifest, TransitionPolicy policy) throws IOException {
        if (deadline == null) {
            within(policy).apply(ko, manifest, policy);
            return;
        }
        String name = manifest.name();
        String action = "apply of " + name;
        Optional<ModuleIdentity> ours = ModuleIdentity.of(ko);
        step(action, PREFLIGHT, name, NOTHING_LOADED, () -> preflight(manifest, ours, policy.allowMixed(),
                fns -> Remedy.suture(raw, "apply", "--allow-mixed", fns, ShellQuote.quote(ko.toString()))));
        // A machine that loads only signed modules refuses an unsigned or untrusted one here, with the way out,
        // rather than at insmod with the kernel's bare "Key was rejected by service".
        step(action, "the machine's module signature policy to be read", name, NOTHING_LOADED, () -> {
            SignaturePolicy.read(channel).check(channel, ko, name);
            return null;
        });
        prepareCounting(name, policy, action, "apply", ShellQuote.quote(ko.toString()));
        String staged = step(action, "the module to be copied to " + channel.describe(), name, NOTHING_LOADED,
                () -> store.stage(ko, name));
        Optional<DeadlineWatcher.Watch> watcher = keepDeadlineOnMachine(action, name, policy);
        try {
            step(action, "the kernel to load it (insmod)", name, LOAD_MAY_FINISH.formatted(Remedy.suture(raw, "revert", name)),
                    () -> insmod(staged, name, ours));
            step(action, "the edition store to record it", name, "it is loaded but not recorded: take it back with "
                    + Remedy.suture(raw, "revert", name), () -> {
                        store.keep(staged, manifest);
                        return null;
                    });
        } finally {
            discard(staged);
        }
        watchLoaded(manifest, policy, action);
        // Only a command that saw its transition through stands the watcher down. After any failure it stays: it
        // acts only on a transition still under way at its time (a load the kernel finished after the deadline).
        cancel(watcher);
        startCounting(manifest, policy, action);
    }

    /**
     * Before loading: a machine that cannot count refuses {@code --count-calls}, and counters left by a module of
     * this name unloaded behind Suture's back go (the kernel would re-arm them on this one: see CallCounter).
     */
    private void prepareCounting(String name, TransitionPolicy policy, String action, String verb, String edition)
            throws IOException {
        if (policy.countCalls()) {
            step(action, "the machine's tracing to be checked", name, NOTHING_LOADED, () -> {
                CallCounter.requireSupported(channel, name, Remedy.suture(raw, verb, edition));
                return null;
            });
        }
        String retry = policy.countCalls() ? Remedy.suture(raw, verb, "--count-calls", edition) : Remedy.suture(raw, verb, edition);
        step(action, "leftover call counters to be removed", name, NOTHING_LOADED, () -> {
            CallCounter.remove(channel, name, "nothing was loaded", retry);
            return null;
        });
    }

    /** Counting starts once every task runs the new code (within the cleanup grace: the patch is applied by now). */
    private void startCounting(PatchManifest manifest, TransitionPolicy policy, String action) throws IOException {
        if (policy.countCalls()) {
            step(action, "its call counters to be placed", manifest.name(), "it is applied and its calls are not "
                    + "counted; see " + Remedy.suture(raw, "status", "--calls"), () -> {
                        CallCounter.place(cleanup, manifest);
                        return null;
                    });
        }
    }

    /**
     * With the rollback policy, the deadline also holds on the machine: a watcher there takes the transition back
     * if this command is gone by then (its process killed, its connection dropped). It acts only after the grace
     * this command has for its own rollback, so while this command lives, it decides.
     */
    private Optional<DeadlineWatcher.Watch> keepDeadlineOnMachine(String action, String name, TransitionPolicy policy)
            throws IOException {
        if (policy.onTimeout() != TransitionPolicy.OnTimeout.ROLLBACK) {
            // This command decides now: a watcher an earlier command left for this patch name stands down.
            step(action, "an earlier deadline watcher to stand down", name, NOTHING_LOADED, () -> {
                DeadlineWatcher.takeOver(cleanup, name);
                return null;
            });
            return Optional.empty();
        }
        Duration after = deadline.remaining().plus(Deadline.GRACE).plusSeconds(5);
        // Started within the cleanup grace: a command whose preflight used up its time still gets its watcher. Its
        // marker replaces any earlier watcher's for this name, which then stands down.
        return Optional.of(step(action, "the deadline watcher to start on " + channel.describe(), name, NOTHING_LOADED,
                () -> DeadlineWatcher.start(cleanup, name, after)));
    }

    /** A machine that no longer answers keeps its watcher: that is what it is there for. */
    private void cancel(Optional<DeadlineWatcher.Watch> watcher) {
        if (watcher.isPresent()) {
            try {
                DeadlineWatcher.cancel(cleanup, watcher.get());
            } catch (IOException | RuntimeException e) {
                // The watcher acts at the deadline only on a patch still in transition; nothing more to do here.
            }
        }
    }

    /** A load the kernel blocks is not undone by stopping insmod: the kernel may finish it later. */
    private static final String LOAD_MAY_FINISH = "a load the kernel is still doing may finish later and start the "
            + "transition unwatched: take it back with %s";

    /** Removes a staged copy; a machine that no longer answers keeps it (a hidden file the next stage ignores). */
    private void discard(String staged) throws IOException {
        try {
            new EditionStore(cleanup).discard(staged);
        } catch (DeadlinePassed e) {
            // Reported by the step that failed; a stray staged file is harmless.
        }
    }

    /**
     * Applies an edition kept in the machine's store (one applied before and reverted since), e.g. to switch to a
     * cumulative edition again.
     */
    public void applyStored(String name, TransitionPolicy policy) throws IOException {
        if (deadline == null) {
            within(policy).applyStored(name, policy);
            return;
        }
        String action = "apply of " + name;
        EditionStore.Record record = step(action, "the edition store to be read", name, NOTHING_LOADED,
                () -> store.find(name)).orElseThrow(() -> new SutureException(
                "no edition named " + name + " is stored on " + channel.describe(),
                "see " + Remedy.suture(channel, "list") + "; apply a built module with " + Remedy.suture(channel, "apply", "PATCH.ko")));
        String path = EditionStore.modulePath(name);
        Optional<ModuleIdentity> ours = ModuleIdentity.of(step(action, "the stored module to be read", name,
                NOTHING_LOADED, () -> channel.readFile(path)), channel.describe() + ":" + path);
        step(action, PREFLIGHT, name, NOTHING_LOADED, () -> preflight(record.manifest(), ours, policy.allowMixed(),
                fns -> Remedy.suture(raw, "switch", "--allow-mixed", fns, name)));
        prepareCounting(name, policy, action, "switch", name);
        Optional<DeadlineWatcher.Watch> watcher = keepDeadlineOnMachine(action, name, policy);
        step(action, "the kernel to load it (insmod)", name, LOAD_MAY_FINISH.formatted(Remedy.suture(raw, "revert", name)),
                () -> {
                    store.touch(record.manifest());
                    return insmod(path, name, ours);
                });
        watchLoaded(record.manifest(), policy, action);
        cancel(watcher);  // as in apply: only after the transition was seen through
        startCounting(record.manifest(), policy, action);
    }

    /**
     * Loads a module file and checks the kernel runs that very build under its name. A refusal names what the
     * kernel runs instead and leaves it alone: a module Suture did not load here is not Suture's to unload.
     */
    private Void insmod(String remote, String name, Optional<ModuleIdentity> ours) throws IOException {
        Channel.CommandResult load = channel.run(INSMOD.formatted(ShellQuote.quote(remote), KernelRefusal.LOG_MARK));
        if (!load.ok()) {
            throw KernelRefusal.explain(channel, name, ours, load.output());
        }
        LoadedModule running = LoadedModule.read(channel, name);
        if (!running.is(ours)) {
            throw new SutureException("the kernel runs " + running.describe() + " under the name " + name + " on "
                    + channel.describe() + ", not the build just loaded (build " + ours.map(ModuleIdentity::brief).orElse("?")
                    + "): another command replaced it; Suture leaves that module alone",
                    "see " + Remedy.suture(channel, "status") + "; run one Suture command at a time on a machine");
        }
        return null;
    }

    /**
     * insmod with the kernel log lines it caused: the lines after the last one logged before it (all of them if
     * the log was empty), so a refusal shows its own reason and not the log's old tail.
     */
    private static final String INSMOD = """
            last=$(dmesg 2>/dev/null | tail -n 1)
            out=$(insmod %1$s 2>&1); rc=$?
            [ -n "$out" ] && printf '%%s\\n' "$out"
            if [ $rc -ne 0 ]; then
              echo '%2$s'
              dmesg 2>/dev/null | L="$last" awk 'ENVIRON["L"] == "" { print; next }
                $0 == ENVIRON["L"] { out = ""; f = 1; next } f { out = out $0 "\\n" } END { printf "%%s", out }'
            fi
            exit $rc
            """;

    private void watchLoaded(PatchManifest manifest, TransitionPolicy policy, String action) throws IOException {
        String name = manifest.name();
        events.accept(new TransitionEvent.Loaded(name, channel.describe()));
        Set<String> functions = functionNames(manifest);
        String left = "it is loaded and was left as it stood; take it back with " + Remedy.suture(raw, "revert", name);
        TransitionWatch.Outcome outcome = step(action, "its transition to the new code", name, left,
                () -> watch.await(name, true, functions, deadline, policy.signalAfter(), policy.allowMixed()));
        if (outcome.onlyMixable()) {
            completeMixed(name, outcome.blockers(), functions, action);
            outcome = new TransitionWatch.Outcome(true, List.of(), outcome.seconds());
        }
        if (outcome.completed()) {
            if (manifest.cumulative()) {
                step(action, "the editions it replaced to be unloaded", name, "run " + Remedy.suture(raw, "revert",
                        "NAME") + " for each replaced edition still loaded", () -> unloadReplaced(name));
            }
            return;
        }
        List<Blocker> blockers = holding(name, true, functions, outcome.blockers());
        switch (policy.onTimeout()) {
            case ROLLBACK -> {
                events.accept(new TransitionEvent.TimedOut(name, blockers, "rolling back"));
                step(action, "the kernel to take 'echo 0 > " + enabledFile(name) + "' (rolling back)", name,
                        WRITE_MAY_FINISH + "; then " + Remedy.suture(raw, "revert", name) + " unloads it",
                        () -> write(cleanup, name, "enabled", "0"));
                TransitionWatch.Outcome back = step(action, "its rollback to the old code", name, "take it back with "
                        + Remedy.suture(raw, "revert", name), () -> cleanupWatch.await(name, false, functions,
                        deadline.cleanup(), policy.signalAfter()));
                if (back.completed()) {
                    step(action, "the kernel to unload it (rmmod)", name, UNLOAD_MAY_FINISH.formatted(
                            Remedy.suture(raw, "revert", name)), () -> unload(cleanup, name));
                }
                throw new SutureException("patch " + name + " could not be applied within " + deadline.timeout().toSeconds()
                        + " s and was " + (back.completed() ? "rolled back; the kernel runs the old code exactly as before"
                        : "left reversing (see suture status)") + "; blocking: " + TransitionWatch.describe(blockers),
                        Quiescence.advice(blockers, "retry"));
            }
            case LEAVE -> {
                events.accept(new TransitionEvent.TimedOut(name, blockers, "left in transition"));
                throw new SutureException("patch " + name + " is still in transition after " + deadline.timeout().toSeconds()
                        + " s and was left so; blocking: " + TransitionWatch.describe(blockers),
                        "watch it with " + Remedy.suture(channel, "status") + ", or take it back with "
                                + Remedy.suture(channel, "revert", name) + "; " + Quiescence.advice(blockers, "then retry"));
            }
            case FORCE -> {
                events.accept(new TransitionEvent.TimedOut(name, blockers, "forcing"));
                force(name, action, true, blockers, null);
                step(action, "its forced transition to the new code", name, "see it finish", () -> cleanupWatch.await(
                        name, true, functions, deadline.cleanup(), deadline.cleanup().remaining()));
            }
        }
    }

    /**
     * The only tasks left sit in functions the user allows to mix: they are recorded on the machine (for status),
     * then the kernel is told to complete the transition. They go on running the old code of those functions until
     * they leave them (a thread's main loop: until it restarts); every other task already runs the new code.
     */
    private void completeMixed(String name, List<Blocker> mixed, Set<String> functions, String action) throws IOException {
        step(action, "the threads that keep the old code to be recorded", name, "take it back with "
                + Remedy.suture(raw, "revert", name), () -> {
                    MixedThreads.record(channel, name, mixed);
                    return null;
                });
        force(name, action, true, mixed, "--allow-mixed");
        String left = "it is applied, its transition completing; see " + Remedy.suture(raw, "status");
        // Its end is reported below: not every task runs the new code, whatever the kernel's flags now say.
        TransitionWatch quiet = new TransitionWatch(cleanup, e -> {
            if (!(e instanceof TransitionEvent.Completed)) {
                events.accept(e);
            }
        });
        TransitionWatch.Outcome done = step(action, "its completed transition to the new code", name, left,
                () -> quiet.await(name, true, functions, deadline.cleanup(), deadline.cleanup().remaining()));
        if (!done.completed()) {
            throw new SutureException("patch " + name + " was told to complete its transition but the kernel had not done so"
                    + " by the deadline; blocking: " + TransitionWatch.describe(done.blockers()), left);
        }
        events.accept(new TransitionEvent.CompletedMixed(name, mixed.size(), done.seconds()));
    }

    /** A sysfs write the kernel blocks is not undone by stopping the writer: the kernel may do it later. */
    private static final String WRITE_MAY_FINISH = "the kernel may still do the write when it gets to it";
    private static final String UNLOAD_MAY_FINISH = "an unload the kernel is still doing may finish later; if the "
            + "module stays loaded, unload it with %s";

    /** Who holds a transition the deadline ended, read once more for the report (else as last seen). */
    private List<Blocker> holding(String name, boolean patching, Set<String> functions, List<Blocker> lastSeen)
            throws IOException {
        try {
            List<Blocker> now = cleanupWatch.holding(name, patching, functions);
            return now.isEmpty() ? lastSeen : now;
        } catch (DeadlinePassed e) {
            return lastSeen;
        }
    }

    /** Applies with the default policy and the given timeout. */
    public void apply(Path ko, PatchManifest manifest, java.time.Duration timeout) throws IOException {
        apply(ko, manifest, new TransitionPolicy(timeout, TransitionPolicy.DEFAULT.signalAfter(),
                TransitionPolicy.DEFAULT.onTimeout()));
    }

    /** Reverts with the default policy and the given timeout. */
    public void revert(String name, java.time.Duration timeout) throws IOException {
        revert(name, new TransitionPolicy(timeout, TransitionPolicy.DEFAULT.signalAfter(),
                TransitionPolicy.DEFAULT.onTimeout()));
    }

    /** Disables the patch, waits for every task to be back on the old code, unloads the module. */
    public void revert(String name, TransitionPolicy policy) throws IOException {
        if (deadline == null) {
            within(policy).revert(name, policy);
            return;
        }
        String action = "revert of " + name;
        // This command decides now: a deadline watcher left by an apply that lost its machine stands down.
        step(action, "the deadline watcher to stand down", name, "nothing was changed", () -> {
            DeadlineWatcher.takeOver(channel, name);
            return null;
        });
        LivepatchState state = step(action, "the livepatch state to be read", name, "nothing was changed",
                () -> LivepatchState.read(channel));
        Optional<LivepatchState.Patch> patch = state.patch(name);
        if (patch.isEmpty()) {
            if (step(action, "the module list to be read", name, "nothing was changed",
                    () -> channel.run("grep -q '^" + name + " ' /proc/modules").ok())) {
                // Its livepatch is gone but the module stayed (e.g. Suture was stopped before unloading it).
                step(action, "the kernel to unload module " + name + " (rmmod)", name,
                        UNLOAD_MAY_FINISH.formatted(Remedy.suture(raw, "revert", name)), () -> unload(channel, name));
                forgetMixed(name);
                events.accept(new TransitionEvent.Unloaded(name));
                return;
            }
            throw new SutureException("no patch named " + name + " on " + channel.describe()
                    + (state.patches().isEmpty() ? " (none is applied)"
                    : " (applied: " + String.join(", ", state.patches().stream().map(LivepatchState.Patch::name).toList()) + ")"),
                    "see " + Remedy.suture(channel, "status"));
        }
        Set<String> functions = TransitionWatch.functionNames(patch.get());
        if (patch.get().enabled()) {
            events.accept(new TransitionEvent.Disabling(name, patch.get().inTransition() ? "reversing its transition" : "revert"));
            step(action, "the kernel to take 'echo 0 > " + enabledFile(name) + "' (disabling it)", name,
                    WRITE_MAY_FINISH + ": then the patch moves back to the old code unwatched, and "
                            + Remedy.suture(raw, "revert", name) + " again unloads it", () -> write(channel, name, "enabled", "0"));
        }
        String left = "it was left moving back; " + Remedy.suture(raw, "revert", name) + " again finishes the revert";
        TransitionWatch.Outcome outcome = step(action, "its transition back to the old code", name, left,
                () -> watch.await(name, false, functions, deadline, policy.signalAfter()));
        if (!outcome.completed()) {
            List<Blocker> blockers = holding(name, false, functions, outcome.blockers());
            switch (policy.onTimeout()) {
                case ROLLBACK -> {
                    events.accept(new TransitionEvent.TimedOut(name, blockers, "re-enabling the patch"));
                    step(action, "the kernel to take 'echo 1 > " + enabledFile(name) + "' (re-enabling it)", name,
                            WRITE_MAY_FINISH, () -> write(cleanup, name, "enabled", "1"));
                    TransitionWatch.Outcome back = step(action, "its transition to the new code again", name, left,
                            () -> cleanupWatch.await(name, true, functions, deadline.cleanup(), policy.signalAfter()));
                    throw new SutureException("patch " + name + " could not be reverted within " + deadline.timeout().toSeconds()
                            + " s and " + (back.completed() ? "stays applied" : "is left moving to the new code again (see suture status)")
                            + "; blocking: " + TransitionWatch.describe(blockers),
                            "retry " + Remedy.suture(channel, "revert", name) + " later or with a longer --timeout");
                }
                case LEAVE -> {
                    events.accept(new TransitionEvent.TimedOut(name, blockers, "left in transition"));
                    throw new SutureException("patch " + name + " is still moving back after " + deadline.timeout().toSeconds()
                            + " s and was left so; blocking: " + TransitionWatch.describe(blockers),
                            "retry " + Remedy.suture(channel, "revert", name) + " later");
                }
                case FORCE -> {
                    events.accept(new TransitionEvent.TimedOut(name, blockers, "forcing"));
                    force(name, action, false, blockers, null);
                    step(action, "its forced transition back to the old code", name, left, () -> cleanupWatch.await(
                            name, false, functions, deadline.cleanup(), deadline.cleanup().remaining()));
                    // A forced patch module must stay loaded: tasks may still run its code.
                    forgetMixed(name);
                    return;
                }
            }
        }
        step(action, "the kernel to unload module " + name + " (rmmod)", name,
                UNLOAD_MAY_FINISH.formatted(Remedy.suture(raw, "revert", name)), () -> unload(cleanup, name));
        forgetMixed(name);
        events.accept(new TransitionEvent.Unloaded(name));
    }

    /** Once the patch is gone every task runs the old code: the record of the mixed threads goes too. */
    private void forgetMixed(String name) throws IOException {
        try {
            MixedThreads.clear(cleanup, name);
        } catch (DeadlinePassed e) {
            // A stale record names threads as running old code, which they do: harmless, and gone at reboot.
        }
    }

    /**
     * A cumulative edition replaces every patch below it; the kernel frees their livepatches but leaves their
     * modules loaded, and nothing runs their code any more: unload them.
     */
    private Void unloadReplaced(String current) throws IOException {
        LivepatchState state = LivepatchState.read(cleanup);
        for (Edition e : new EditionStore(cleanup).list()) {
            if (!e.loaded() && !e.name().equals(current) && state.patch(e.name()).isEmpty()
                    && cleanup.run("grep -q '^" + e.name() + " ' /proc/modules").ok()) {
                unload(cleanup, e.name());
                events.accept(new TransitionEvent.Unloaded(e.name()));
            }
        }
        return null;
    }

    private List<Blocker> predictedBlockers(PatchManifest manifest) throws IOException {
        Set<String> functions = functionNames(manifest);
        StringBuilder pattern = new StringBuilder();
        for (String f : functions) {
            pattern.append(pattern.isEmpty() ? "" : "|").append(f);
        }
        String script = """
                for t in /proc/[0-9]*/task/[0-9]*; do
                  grep -qE '\\] (%s)\\+' $t/stack 2>/dev/null && echo "${t#/proc/}"
                done
                exit 0
                """.formatted(pattern);
        List<String> tasks = channel.run(script).output().lines().filter(l -> !l.isBlank()).toList();
        return watch.blockers(tasks, manifest.name(), functions);
    }

    private static Set<String> functionNames(PatchManifest manifest) {
        Set<String> names = new HashSet<>();
        manifest.functions().forEach(f -> names.add(f.name()));
        return names;
    }

    private static String enabledFile(String name) {
        return LivepatchState.ROOT + "/" + name + "/enabled";
    }

    /**
     * Writes a livepatch sysfs file. The kernel takes such a write under its livepatch lock, so it can block
     * while another livepatch operation holds that; the deadline bounds it (cleanup after the deadline).
     */
    private static Void write(Channel machine, String name, String file, String value) throws IOException {
        machine.run("echo " + value + " > " + LivepatchState.ROOT + "/" + name + "/" + file);
        return null;
    }

    /**
     * Tells the kernel to mark every task switched. {@code allowedBy} names the option that allowed it for these
     * tasks, or null for the {@code force} timeout policy.
     */
    private void force(String name, String action, boolean patching, List<Blocker> tasks, String allowedBy)
            throws IOException {
        events.accept(new TransitionEvent.Forced(name, patching, tasks, allowedBy));
        step(action, "the kernel to take 'echo 1 > " + LivepatchState.ROOT + "/" + name + "/force'", name,
                WRITE_MAY_FINISH, () -> write(cleanup, name, "force", "1"));
    }

    /**
     * Unloads a module whose livepatch is gone. The kernel frees a disabled patch shortly after its transition,
     * so rmmod is retried a while; rmmod itself can block (module exit, or the livepatch lock the kernel takes
     * for every module going away), which the channel's deadline bounds.
     */
    private Void unload(Channel machine, String name) throws IOException {
        // Counters first: the kernel lets a probed module go but keeps its events, to re-arm on the next of its name.
        CallCounter.remove(machine, name, "it was not unloaded", Remedy.suture(raw, "revert", name));
        String said = "";
        for (int i = 0; i < 50; i++) {
            Channel.CommandResult rm = machine.run("rmmod " + ShellQuote.quote(name) + " 2>&1");
            if (rm.ok()) {
                return null;
            }
            said = rm.output().strip();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SutureException("interrupted", null, e);
            }
        }
        throw new SutureException("module " + name + " could not be unloaded" + (said.isEmpty() ? "" : ": " + said),
                "check 'lsmod' on the machine");
    }
}
