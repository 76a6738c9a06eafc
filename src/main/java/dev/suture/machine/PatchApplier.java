package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.nio.file.Path;
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

    private final Channel channel;
    private final Consumer<TransitionEvent> events;
    private final TransitionWatch watch;
    private final EditionStore store;

    public PatchApplier(Channel channel, Consumer<TransitionEvent> events) {
        this.channel = channel;
        this.events = events;
        this.watch = new TransitionWatch(channel, events);
        this.store = new EditionStore(channel);
    }

    /** For callers that only want the human-readable account, one line per event. */
    public static Consumer<TransitionEvent> lines(Consumer<String> out) {
        return e -> out.accept(e.describe());
    }

    /** Refuses, before anything is loaded, a patch built for another kernel or already applied. */
    public RunningKernel preflight(PatchManifest manifest) throws IOException {
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
            throw new SutureException("patch " + manifest.name() + " is already applied on " + channel.describe(),
                    "revert it first with 'suture revert " + manifest.name() + "'");
        }
        Optional<LivepatchState.Patch> busy = state.patches().stream().filter(LivepatchState.Patch::inTransition).findFirst();
        if (busy.isPresent()) {
            throw new SutureException("patch " + busy.get().name() + " is still in transition on " + channel.describe()
                    + "; the kernel runs one transition at a time and nothing was loaded",
                    "wait for it (suture status), or take it back with 'suture revert " + busy.get().name() + "'");
        }
        for (RunPreCheck.Checked c : new RunPreCheck(channel).verify(manifest)) {
            events.accept(new TransitionEvent.Verified(manifest.name(), c.object(), c.name(), c.result()));
        }
        List<Blocker> predicted = predictedBlockers(manifest);
        if (!predicted.isEmpty()) {
            events.accept(new TransitionEvent.Predicted(manifest.name(), predicted));
        }
        return running;
    }

    /** Applies the patch and sees its transition through under the policy. */
    public void apply(Path ko, PatchManifest manifest, TransitionPolicy policy) throws IOException {
        preflight(manifest);
        String name = manifest.name();
        String remote = store.put(ko, manifest);
        load(remote, manifest, policy);
    }

    /**
     * Applies an edition kept in the machine's store (one applied before and reverted since), e.g. to switch to a
     * cumulative edition again.
     */
    public void applyStored(String name, TransitionPolicy policy) throws IOException {
        EditionStore.Record record = store.find(name).orElseThrow(() -> new SutureException(
                "no edition named " + name + " is stored on " + channel.describe(),
                "see 'suture list'; apply a built module with 'suture apply PATCH.ko'"));
        preflight(record.manifest());
        store.touch(record.manifest());
        load(EditionStore.modulePath(name), record.manifest(), policy);
    }

    private void load(String remote, PatchManifest manifest, TransitionPolicy policy) throws IOException {
        String name = manifest.name();
        Channel.CommandResult load = channel.run("insmod " + ShellQuote.quote(remote));
        if (!load.ok()) {
            String dmesg = channel.run("dmesg | tail -n 8").output().strip();
            throw new SutureException("the kernel refused patch " + name + ": " + load.output().strip()
                    + (dmesg.isEmpty() ? "" : "\nkernel log:\n" + dmesg), "see the kernel log lines above");
        }
        events.accept(new TransitionEvent.Loaded(name, channel.describe()));
        Set<String> functions = functionNames(manifest);
        TransitionWatch.Outcome outcome = watch.await(name, true, functions, policy.timeout(), policy.signalAfter());
        if (outcome.completed()) {
            if (manifest.cumulative()) {
                unloadReplaced(name);
            }
            return;
        }
        switch (policy.onTimeout()) {
            case ROLLBACK -> {
                events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "rolling back"));
                disable(name);
                TransitionWatch.Outcome back = watch.await(name, false, functions, policy.timeout(), policy.signalAfter());
                if (back.completed()) {
                    unload(name);
                }
                throw new SutureException("patch " + name + " could not be applied within " + policy.timeout().toSeconds()
                        + " s and was " + (back.completed() ? "rolled back; the kernel runs the old code exactly as before"
                        : "left reversing (see suture status)") + "; blocking: " + TransitionWatch.describe(outcome.blockers()),
                        "retry when the blocking tasks are idle, with a longer --timeout, or an earlier --signal-after");
            }
            case LEAVE -> {
                events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "left in transition"));
                throw new SutureException("patch " + name + " is still in transition after " + policy.timeout().toSeconds()
                        + " s and was left so; blocking: " + TransitionWatch.describe(outcome.blockers()),
                        "watch it with 'suture status', or take it back with 'suture revert " + name + "'");
            }
            case FORCE -> {
                events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "forcing"));
                force(name);
                watch.await(name, true, functions, policy.timeout(), policy.timeout());
            }
        }
    }

    /** The tasks a patch in transition still waits for, with the replaced function each sits in. */
    public List<Blocker> pending(LivepatchState.Patch patch) throws IOException {
        return watch.pending(patch);
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
        LivepatchState state = LivepatchState.read(channel);
        Optional<LivepatchState.Patch> patch = state.patch(name);
        if (patch.isEmpty()) {
            if (channel.run("grep -q '^" + name + " ' /proc/modules").ok()) {
                // Its livepatch is gone but the module stayed (e.g. Suture was stopped before unloading it).
                unload(name);
                events.accept(new TransitionEvent.Unloaded(name));
                return;
            }
            throw new SutureException("no patch named " + name + " on " + channel.describe()
                    + (state.patches().isEmpty() ? " (none is applied)"
                    : " (applied: " + String.join(", ", state.patches().stream().map(LivepatchState.Patch::name).toList()) + ")"),
                    "see 'suture status'");
        }
        Set<String> functions = TransitionWatch.functionNames(patch.get());
        if (patch.get().enabled()) {
            events.accept(new TransitionEvent.Disabling(name, patch.get().inTransition() ? "reversing its transition" : "revert"));
            disable(name);
        }
        TransitionWatch.Outcome outcome = watch.await(name, false, functions, policy.timeout(), policy.signalAfter());
        if (!outcome.completed()) {
            switch (policy.onTimeout()) {
                case ROLLBACK -> {
                    events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "re-enabling the patch"));
                    channel.run("echo 1 > " + LivepatchState.ROOT + "/" + name + "/enabled");
                    watch.await(name, true, functions, policy.timeout(), policy.signalAfter());
                    throw new SutureException("patch " + name + " could not be reverted within " + policy.timeout().toSeconds()
                            + " s and stays applied; blocking: " + TransitionWatch.describe(outcome.blockers()),
                            "retry 'suture revert " + name + "' later or with a longer --timeout");
                }
                case LEAVE -> {
                    events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "left in transition"));
                    throw new SutureException("patch " + name + " is still moving back after " + policy.timeout().toSeconds()
                            + " s and was left so; blocking: " + TransitionWatch.describe(outcome.blockers()),
                            "retry 'suture revert " + name + "' later");
                }
                case FORCE -> {
                    events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "forcing"));
                    force(name);
                    watch.await(name, false, functions, policy.timeout(), policy.timeout());
                    // A forced patch module must stay loaded: tasks may still run its code.
                    return;
                }
            }
        }
        unload(name);
        events.accept(new TransitionEvent.Unloaded(name));
    }

    /**
     * A cumulative edition replaces every patch below it; the kernel frees their livepatches but leaves their
     * modules loaded, and nothing runs their code any more: unload them.
     */
    private void unloadReplaced(String current) throws IOException {
        LivepatchState state = LivepatchState.read(channel);
        for (Edition e : store.list()) {
            if (!e.loaded() && !e.name().equals(current) && state.patch(e.name()).isEmpty()
                    && channel.run("grep -q '^" + e.name() + " ' /proc/modules").ok()) {
                unload(e.name());
                events.accept(new TransitionEvent.Unloaded(e.name()));
            }
        }
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

    private void disable(String name) throws IOException {
        channel.run("echo 0 > " + LivepatchState.ROOT + "/" + name + "/enabled");
    }

    private void force(String name) throws IOException {
        events.accept(new TransitionEvent.Forced(name));
        channel.run("echo 1 > " + LivepatchState.ROOT + "/" + name + "/force");
    }

    private void unload(String name) throws IOException {
        // The livepatch directory goes away once the kernel has freed the patch; then the module can go.
        for (int i = 0; i < 50; i++) {
            Channel.CommandResult rm = channel.run("rmmod " + ShellQuote.quote(name) + " 2>&1");
            if (rm.ok()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SutureException("interrupted", null, e);
            }
        }
        throw new SutureException("module " + name + " could not be unloaded", "check 'lsmod' on the machine");
    }
}
