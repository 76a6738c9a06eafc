package dev.suture.machine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What one machine's status means to a script or a monitor: a state with the exit status {@code suture status}
 * documents for it, and the findings behind it, one line each. Made from the status value alone, so a fleet's
 * report decides each machine exactly as {@code status} does for one.
 *
 * @param findings what decided the state, in the order they were looked at: patches not settled, expected
 *                 patches, CVEs
 */
public record StatusVerdict(State state, List<String> findings) {
    /** The states, mildest first; a machine is in the worst state any of its findings puts it in. */
    public enum State {
        /** Every patch applied is enabled and settled, and everything expected is there (also: nothing applied). */
        SETTLED(0),
        /** A transition is under way, or a patch is disabled (being taken back): ask again later. */
        UNSETTLED(3),
        /** An expected patch is not applied, or no settled patch fixes an expected CVE. */
        MISSING(1),
        /** The kernel has no livepatch support: nothing can be applied there. */
        UNSUPPORTED(4);

        private final int exitCode;

        State(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public StatusVerdict {
        findings = List.copyOf(findings);
    }

    public int exitCode() {
        return state.exitCode();
    }

    /** The verdict on {@code status}, given the patches ({@code --expect}) and CVEs ({@code --cve}) it must have. */
    public static StatusVerdict of(MachineStatus status, Collection<String> expectedPatches, Collection<String> cves) {
        if (!status.livepatch().supported()) {
            return new StatusVerdict(State.UNSUPPORTED, List.of("the kernel " + status.kernel().release()
                    + " has no livepatch support"));
        }
        List<String> findings = new ArrayList<>();
        State state = State.SETTLED;
        for (LivepatchState.Patch p : status.livepatch().patches()) {
            if (!settled(p)) {
                findings.add(p.name() + " is " + unsettled(p));
                state = worse(state, State.UNSETTLED);
            }
        }
        for (String name : expectedPatches) {
            var patch = status.livepatch().patch(name);
            if (patch.isEmpty()) {
                findings.add("expected patch " + name + " is not applied");
                state = worse(state, State.MISSING);
            } else if (settled(patch.get())) {
                findings.add("expected patch " + name + " is applied, enabled and settled");
            }
        }
        for (String cve : cves) {
            List<LivepatchState.Patch> fixing = status.patchesFixing(cve);
            if (status.protectedFrom(cve)) {
                findings.add("protected from " + cve + " by " + String.join(", ",
                        fixing.stream().filter(StatusVerdict::settled).map(LivepatchState.Patch::name).toList())
                        + " (enabled, settled)");
            } else if (!fixing.isEmpty()) {
                findings.add("not yet protected from " + cve + ": " + fixing.getFirst().name() + " is "
                        + unsettled(fixing.getFirst()));
                state = worse(state, State.UNSETTLED);
            } else {
                findings.add("not protected from " + cve + ": no applied patch fixes it");
                state = worse(state, State.MISSING);
            }
        }
        return new StatusVerdict(state, findings);
    }

    private static boolean settled(LivepatchState.Patch p) {
        return p.enabled() && !p.inTransition();
    }

    private static String unsettled(LivepatchState.Patch p) {
        if (p.inTransition()) {
            return "in transition " + (p.enabled() ? "to the new code" : "back to the old code");
        }
        return "disabled";
    }

    private static State worse(State a, State b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
