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
        return preflight(manifest, Optional.empty());
    }

    private RunningKernel preflight(PatchManifest manifest, Optional<ModuleIdentity> ours) throws IOException {
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
        return running;
    }

    /**
     * Applies the patch and sees its transition through under the policy. The module is loaded from a copy only
     * this call writes, and the kernel is then asked which build it runs under that name: only this one counts.
     */
    public void apply(Path ko, PatchManifest manifest, TransitionPolicy policy) throws IOException {
        Optional<ModuleIdentity> ours = ModuleIdentity.of(ko);
        preflight(manifest, ours);
        String staged = store.stage(ko, manifest.name());
        try {
            insmod(staged, manifest.name(), ours);
            store.keep(staged, manifest);
        } finally {
            store.discard(staged);
        }
        watchLoaded(manifest, policy);
    }

    /**
     * Applies an edition kept in the machine's store (one applied before and reverted since), e.g. to switch to a
     * cumulative edition again.
     */
    public void applyStored(String name, TransitionPolicy policy) throws IOException {
        EditionStore.Record record = store.find(name).orElseThrow(() -> new SutureException(
                "no edition named " + name + " is stored on " + channel.describe(),
                "see " + Remedy.suture(channel, "list") + "; apply a built module with " + Remedy.suture(channel, "apply", "PATCH.ko")));
        String path = EditionStore.modulePath(name);
        Optional<ModuleIdentity> ours = ModuleIdentity.of(channel.readFile(path), channel.describe() + ":" + path);
        preflight(record.manifest(), ours);
        store.touch(record.manifest());
        insmod(path, name, ours);
        watchLoaded(record.manifest(), policy);
    }

    /**
     * Loads a module file and checks the kernel runs that very build under its name. A refusal names what the
     * kernel runs instead and leaves it alone: a module Suture did not load here is not Suture's to unload.
     */
    private void insmod(String remote, String name, Optional<ModuleIdentity> ours) throws IOException {
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

    private void watchLoaded(PatchManifest manifest, TransitionPolicy policy) throws IOException {
        String name = manifest.name();
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
                        "watch it with " + Remedy.suture(channel, "status") + ", or take it back with " + Remedy.suture(channel, "revert", name));
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
                    "see " + Remedy.suture(channel, "status"));
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
                            "retry " + Remedy.suture(channel, "revert", name) + " later or with a longer --timeout");
                }
                case LEAVE -> {
                    events.accept(new TransitionEvent.TimedOut(name, outcome.blockers(), "left in transition"));
                    throw new SutureException("patch " + name + " is still moving back after " + policy.timeout().toSeconds()
                            + " s and was left so; blocking: " + TransitionWatch.describe(outcome.blockers()),
                            "retry " + Remedy.suture(channel, "revert", name) + " later");
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
