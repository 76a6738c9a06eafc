package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.manifest.Fixes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exit status 'suture status' documents, decided from one machine's status value. */
class StatusVerdictTest {
    private static final RunningKernel KERNEL = new RunningKernel("6.1.0-57-cloud-amd64", "ab12");

    static LivepatchState.Patch patch(String name, boolean enabled, boolean inTransition) {
        return new LivepatchState.Patch(name, enabled, inTransition, List.of(new LivepatchState.PatchedObject("vmlinux",
                true, List.of(new LivepatchState.PatchedFunction("cmdline_proc_show", 0)))));
    }

    static MachineStatus status(Map<String, Fixes> fixes, LivepatchState.Patch... patches) {
        return new MachineStatus("vm:lab", KERNEL, new LivepatchState(true, List.of(patches)), Map.of(), List.of(),
                Map.of(), Map.of(), fixes);
    }

    private static final Map<String, Fixes> CMDLINE_FIXES =
            Map.of("suture_cmdline", new Fixes("show the length", List.of("CVE-2026-0001")));

    @Test
    void everyPatchSettledIsZeroAndSoIsNoPatchAtAll() {
        assertThat(StatusVerdict.of(status(CMDLINE_FIXES, patch("suture_cmdline", true, false)), List.of(), List.of()))
                .isEqualTo(new StatusVerdict(StatusVerdict.State.SETTLED, List.of()));
        assertThat(StatusVerdict.of(status(Map.of()), List.of(), List.of()).exitCode()).isZero();
    }

    @Test
    void aSettledPatchThatFixesTheCveProtectsTheMachine() {
        MachineStatus s = status(CMDLINE_FIXES, patch("suture_cmdline", true, false), patch("suture_other", true, false));

        StatusVerdict v = StatusVerdict.of(s, List.of("suture_cmdline"), List.of("CVE-2026-0001"));

        assertThat(s.protectedFrom("CVE-2026-0001")).isTrue();
        assertThat(s.protectedFrom("cve-2026-0001")).isTrue();
        assertThat(v.exitCode()).isZero();
        assertThat(v.findings()).containsExactly("expected patch suture_cmdline is applied, enabled and settled",
                "protected from CVE-2026-0001 by suture_cmdline (enabled, settled)");
    }

    @Test
    void aCveNoPatchFixesOrAnExpectedPatchNotAppliedIsOne() {
        MachineStatus s = status(CMDLINE_FIXES, patch("suture_cmdline", true, false));

        StatusVerdict cve = StatusVerdict.of(s, List.of(), List.of("CVE-2026-9999"));
        StatusVerdict expected = StatusVerdict.of(s, List.of("suture_cmdline", "suture_missing"), List.of());
        StatusVerdict nothingApplied = StatusVerdict.of(status(Map.of()), List.of("suture_cmdline"), List.of());

        assertThat(s.protectedFrom("CVE-2026-9999")).isFalse();
        assertThat(cve.exitCode()).isEqualTo(1);
        assertThat(cve.findings()).containsExactly("not protected from CVE-2026-9999: no applied patch fixes it");
        assertThat(expected.exitCode()).isEqualTo(1);
        assertThat(expected.findings()).contains("expected patch suture_missing is not applied");
        assertThat(nothingApplied.exitCode()).isEqualTo(1);
    }

    @Test
    void aTransitionUnderWayOrADisabledPatchIsThreeAndProtectsFromNothingYet() {
        MachineStatus moving = status(CMDLINE_FIXES, patch("suture_cmdline", true, true));
        MachineStatus reversing = status(CMDLINE_FIXES, patch("suture_cmdline", false, true));
        MachineStatus disabled = status(CMDLINE_FIXES, patch("suture_cmdline", false, false));

        assertThat(moving.protectedFrom("CVE-2026-0001")).isFalse();
        assertThat(reversing.protectedFrom("CVE-2026-0001")).isFalse();
        assertThat(disabled.protectedFrom("CVE-2026-0001")).isFalse();
        StatusVerdict v = StatusVerdict.of(moving, List.of(), List.of("CVE-2026-0001"));
        assertThat(v.exitCode()).isEqualTo(3);
        assertThat(v.findings()).containsExactly("suture_cmdline is in transition to the new code",
                "not yet protected from CVE-2026-0001: suture_cmdline is in transition to the new code");
        assertThat(StatusVerdict.of(reversing, List.of(), List.of()).findings())
                .containsExactly("suture_cmdline is in transition back to the old code");
        assertThat(StatusVerdict.of(disabled, List.of(), List.of()).exitCode()).isEqualTo(3);
    }

    @Test
    void somethingMissingOutweighsATransitionAndNoLivepatchSupportOutweighsAll() {
        MachineStatus moving = status(CMDLINE_FIXES, patch("suture_cmdline", true, true));
        assertThat(StatusVerdict.of(moving, List.of("suture_missing"), List.of()).exitCode()).isEqualTo(1);

        MachineStatus unsupported = new MachineStatus("vm:lab", KERNEL, new LivepatchState(false, List.of()), Map.of(),
                List.of(), Map.of(), Map.of(), Map.of());
        StatusVerdict v = StatusVerdict.of(unsupported, List.of("suture_cmdline"), List.of("CVE-2026-0001"));
        assertThat(v.exitCode()).isEqualTo(4);
        assertThat(v.findings()).containsExactly("the kernel 6.1.0-57-cloud-amd64 has no livepatch support");
    }

    @Test
    void aStatusWithoutFixesAsAnOlderSutureWroteItKnowsNoFixes() {
        MachineStatus s = new MachineStatus("vm:lab", KERNEL, new LivepatchState(true, List.of(patch("p", true, false))),
                Map.of(), List.of(), Map.of(), Map.of(), null);

        assertThat(s.fixes()).isEmpty();
        assertThat(s.protectedFrom("CVE-2026-0001")).isFalse();
    }
}
