package dev.suture.machine;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.suture.channel.Channel;
import dev.suture.machine.TransitionEvent.Blocker;
import dev.suture.manifest.Fixes;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code suture status} tells about one machine, read in one go: the kernel, its livepatches, the tasks
 * a transition still waits for, what a deadline watcher did on its own, each patch's signer, the threads an
 * {@code --allow-mixed} apply left on old code, and what each patch fixes (its manifest in the machine's edition
 * store). One value for the text, the JSON and a fleet's table alike.
 *
 * <p>{@code calls}: per patch applied with {@code --count-calls}, how often each replaced function's new code ran
 * since {@code callsSince} (the kernel's own counters, see {@link CallCounter}); patches not counted are absent.
 */
public record MachineStatus(String target, RunningKernel kernel, LivepatchState livepatch,
                            Map<String, List<Blocker>> waitingFor, List<String> deadlineWatcher,
                            Map<String, String> signers, Map<String, List<Blocker>> runningOldCode,
                            Map<String, Fixes> fixes, Map<String, Map<String, Long>> calls,
                            Map<String, Instant> callsSince) {
    public MachineStatus {
        fixes = fixes == null ? Map.of() : fixes;  // the JSON of a Suture that did not know what patches fix
        calls = calls == null ? Map.of() : calls;  // ... or did not count calls
        callsSince = callsSince == null ? Map.of() : callsSince;
    }

    /** A status without call counters. */
    public MachineStatus(String target, RunningKernel kernel, LivepatchState livepatch,
                         Map<String, List<Blocker>> waitingFor, List<String> deadlineWatcher, Map<String, String> signers,
                         Map<String, List<Blocker>> runningOldCode, Map<String, Fixes> fixes) {
        this(target, kernel, livepatch, waitingFor, deadlineWatcher, signers, runningOldCode, fixes, Map.of(), Map.of());
    }

    public static MachineStatus read(Channel channel) throws IOException {
        RunningKernel kernel = RunningKernel.read(channel);
        LivepatchState state = LivepatchState.read(channel);
        TransitionWatch watch = new TransitionWatch(channel, e -> { });
        Map<String, List<Blocker>> waiting = new LinkedHashMap<>();
        Map<String, String> signers = new LinkedHashMap<>();
        Map<String, List<Blocker>> mixed = new LinkedHashMap<>();
        Map<String, Fixes> fixes = new LinkedHashMap<>();
        EditionStore store = new EditionStore(channel);
        Map<String, Map<String, Long>> calls = new LinkedHashMap<>();
        Map<String, Instant> callsSince = new LinkedHashMap<>();
        // Every patch's counters in one command; counters of a module no longer a livepatch are not shown.
        Map<String, CallCounterReading.Counted> counted = CallCounter.read(channel);
        for (LivepatchState.Patch p : state.patches()) {
            if (p.inTransition()) {
                waiting.put(p.name(), watch.pending(p));
            }
            // Who signed it: what a machine that enforces signatures checks (read from its stored module).
            ModuleSignature.signerOfEdition(channel, p.name()).ifPresent(s -> signers.put(p.name(), s));
            List<Blocker> old = MixedThreads.stillOld(channel, p.name());
            if (!old.isEmpty()) {
                mixed.put(p.name(), old);
            }
            fixesOf(store, p.name()).ifPresent(f -> fixes.put(p.name(), f));
            if (counted.containsKey(p.name())) {
                calls.put(p.name(), counted.get(p.name()).calls());
                callsSince.put(p.name(), counted.get(p.name()).since());
            }
        }
        return new MachineStatus(channel.describe(), kernel, state, waiting, DeadlineWatcher.notes(channel), signers, mixed,
                fixes, calls, callsSince);
    }

    /**
     * What the stored edition of a loaded patch says it fixes; nothing for a livepatch Suture did not apply, or whose
     * record this Suture cannot read: that leaves the patch without a known fix, it does not stop the status.
     */
    private static Optional<Fixes> fixesOf(EditionStore store, String patch) throws IOException {
        try {
            return store.find(patch).map(r -> r.manifest() == null ? Fixes.NONE : r.manifest().fixes())
                    .filter(f -> !f.isEmpty());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the machine is protected from {@code cve}: a patch that says it fixes it is enabled and settled (no
     * transition under way), so every task runs its code. A fleet asks this of each machine.
     */
    public boolean protectedFrom(String cve) {
        return livepatch.patches().stream().anyMatch(p -> p.enabled() && !p.inTransition()
                && fixes.getOrDefault(p.name(), Fixes.NONE).fixes(cve));
    }

    /** The loaded patches that say they fix {@code cve}, settled or not. */
    public List<LivepatchState.Patch> patchesFixing(String cve) {
        return livepatch.patches().stream().filter(p -> fixes.getOrDefault(p.name(), Fixes.NONE).fixes(cve)).toList();
    }
}
