package dev.suture.target;

import dev.suture.SutureException;
import dev.suture.patch.PatchManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Loads and unloads patch modules on a target through its channel: checks first that the target runs the
 * exact kernel build the patch was made for, then loads, waits for the livepatch transition and reports.
 * A transition that does not finish in time is reversed and the module unloaded: never half applied.
 */
public final class PatchApplier {
    /** Where patch modules are kept on the target while applied. */
    public static final String PATCH_DIR = "/var/lib/suture/patches";
    private static final Duration POLL = Duration.ofMillis(200);

    private final Channel channel;
    private final Consumer<String> log;

    public PatchApplier(Channel channel, Consumer<String> log) {
        this.channel = channel;
        this.log = log;
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
                    "fetch the kernel this target runs and rebuild the fix against it");
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
        return running;
    }

    /** Applies the patch and waits for its transition; returns how long it took. */
    public Duration apply(Path ko, PatchManifest manifest, Duration timeout) throws IOException {
        preflight(manifest);
        String remote = PATCH_DIR + "/" + manifest.name() + ".ko";
        channel.copyIn(ko, remote);
        long started = System.nanoTime();
        log.accept("loading " + manifest.name() + " on " + channel.describe());
        Channel.CommandResult load = channel.run("insmod " + ShellQuote.quote(remote));
        if (!load.ok()) {
            String dmesg = channel.run("dmesg | tail -n 8").output().strip();
            channel.run("rm -f " + ShellQuote.quote(remote));
            throw new SutureException("the kernel refused patch " + manifest.name() + ": " + load.output().strip()
                    + (dmesg.isEmpty() ? "" : "\nkernel log:\n" + dmesg), "see the kernel log lines above");
        }
        log.accept("transition started: tasks move to the new code at their next safe point");
        if (awaitTransition(manifest.name(), timeout)) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.accept(String.format("patch %s applied in %.1f s", manifest.name(), took.toMillis() / 1000.0));
            return took;
        }
        log.accept("transition did not finish within " + timeout.toSeconds() + " s: rolling back");
        disable(manifest.name());
        boolean reversed = awaitTransition(manifest.name(), timeout);
        unload(manifest.name());
        throw new SutureException("patch " + manifest.name() + " could not be applied within " + timeout.toSeconds()
                + " s and was " + (reversed ? "rolled back; the kernel runs the old code" : "left reversing"),
                "retry later or with a longer --timeout");
    }

    /** Disables the patch, waits for the transition back, unloads the module. */
    public void revert(String name, Duration timeout) throws IOException {
        LivepatchState state = LivepatchState.read(channel);
        Optional<LivepatchState.Patch> patch = state.patch(name);
        if (patch.isEmpty()) {
            throw new SutureException("no patch named " + name + " on " + channel.describe()
                    + (state.patches().isEmpty() ? " (none is applied)"
                    : " (applied: " + String.join(", ", state.patches().stream().map(LivepatchState.Patch::name).toList()) + ")"),
                    "see 'suture status'");
        }
        if (patch.get().enabled()) {
            log.accept("disabling " + name + ": tasks move back to the old code");
            disable(name);
        }
        if (!awaitTransition(name, timeout)) {
            throw new SutureException("patch " + name + " did not finish moving back within " + timeout.toSeconds()
                    + " s; it stays loaded", "retry 'suture revert " + name + "' later");
        }
        unload(name);
        log.accept("patch " + name + " reverted and unloaded");
    }

    private void disable(String name) throws IOException {
        channel.run("echo 0 > " + LivepatchState.ROOT + "/" + name + "/enabled");
    }

    private void unload(String name) throws IOException {
        // The livepatch directory goes away once the kernel has freed the patch; then the module can go.
        for (int i = 0; i < 50; i++) {
            Channel.CommandResult rm = channel.run("rmmod " + ShellQuote.quote(name) + " 2>&1");
            if (rm.ok()) {
                channel.run("rm -f " + ShellQuote.quote(PATCH_DIR + "/" + name + ".ko"));
                return;
            }
            sleep();
        }
        throw new SutureException("module " + name + " could not be unloaded", "check 'lsmod' on the target");
    }

    /** True once the patch is out of transition (or gone), false at the deadline. */
    private boolean awaitTransition(String name, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String file = LivepatchState.ROOT + "/" + name + "/transition";
        while (true) {
            Channel.CommandResult r = channel.run("cat " + file + " 2>/dev/null || echo gone");
            String value = r.output().strip();
            if (value.equals("0") || value.equals("gone")) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        }
    }
}
