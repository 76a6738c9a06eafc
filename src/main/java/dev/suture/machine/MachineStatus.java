package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code suture status} tells about one machine, read in one go: the kernel, its livepatches, the tasks
 * a transition still waits for, what a deadline watcher did on its own, each patch's signer, and the threads an
 * {@code --allow-mixed} apply left on old code. One value for the text, the JSON and a fleet's table alike.
 */
public record MachineStatus(String target, RunningKernel kernel, LivepatchState livepatch,
                            Map<String, List<Blocker>> waitingFor, List<String> deadlineWatcher,
                            Map<String, String> signers, Map<String, List<Blocker>> runningOldCode) {

    public static MachineStatus read(Channel channel) throws IOException {
        RunningKernel kernel = RunningKernel.read(channel);
        LivepatchState state = LivepatchState.read(channel);
        TransitionWatch watch = new TransitionWatch(channel, e -> { });
        Map<String, List<Blocker>> waiting = new LinkedHashMap<>();
        Map<String, String> signers = new LinkedHashMap<>();
        Map<String, List<Blocker>> mixed = new LinkedHashMap<>();
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
        }
        return new MachineStatus(channel.describe(), kernel, state, waiting, DeadlineWatcher.notes(channel), signers, mixed);
    }
}
