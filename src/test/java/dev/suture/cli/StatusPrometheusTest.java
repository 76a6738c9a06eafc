package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.machine.LivepatchState;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.RunningKernel;
import dev.suture.machine.StatusVerdict;
import dev.suture.machine.TransitionEvent.Blocker;
import dev.suture.manifest.Fixes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** status --prometheus: node_exporter's textfile format, read back with a strict reader of the format. */
class StatusPrometheusTest {
    private static final RunningKernel KERNEL = new RunningKernel("6.1.0-57-cloud-amd64", "0123abcd");

    private static LivepatchState.Patch patch(String name, boolean enabled, boolean inTransition) {
        return new LivepatchState.Patch(name, enabled, inTransition, List.of());
    }

    private static Blocker blocker(int pid, String comm) {
        return new Blocker(pid, pid, comm, "smpboot_thread_fn", true, List.of("smpboot_thread_fn"), true);
    }

    /** Two patches: one settled that fixes two CVEs, with threads --allow-mixed left; one still in transition. */
    private static MachineStatus twoPatches() {
        Map<String, Fixes> fixes = new LinkedHashMap<>();
        fixes.put("suture_cmdline", new Fixes("say \"hi\" \\ there", List.of("CVE-2026-0002", "CVE-2026-0001")));
        return new MachineStatus("vm:lab", KERNEL,
                new LivepatchState(true, List.of(patch("suture_cmdline", true, false), patch("suture_loop", true, true))),
                Map.of("suture_loop", List.of(blocker(12, "cat"))), List.of(), Map.of(),
                Map.of("suture_cmdline", List.of(blocker(10, "ksoftirqd/0"), blocker(11, "ksoftirqd/1"))), fixes);
    }

    private static double value(Map<String, TextExposition.Family> m, String family, Map<String, String> labels) {
        return m.get(family).samples().stream().filter(s -> s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError(family + labels + " not in " + m.get(family))).value();
    }

    @Test
    void theMetricsOfAMachineParseAndSayWhatItsStatusSays() {
        MachineStatus s = twoPatches();
        String text = StatusPrometheus.render(s, StatusVerdict.of(s, List.of(), List.of("CVE-2026-0001", "CVE-2026-9999")),
                List.of("CVE-2026-0001", "CVE-2026-9999"));

        Map<String, TextExposition.Family> m = TextExposition.parse(text);

        assertThat(text).contains("\nsuture_patch_enabled{patch=\"suture_cmdline\"} 1\n");
        assertThat(m.keySet()).containsExactly("suture_livepatch_supported", "suture_kernel_info", "suture_status_code",
                "suture_patch_enabled", "suture_patch_transition", "suture_patch_fixes", "suture_patch_info",
                "suture_threads_on_old_code", "suture_transition_waiting_tasks", "suture_cve_protected");
        assertThat(m.values()).allSatisfy(f -> assertThat(f.type()).isEqualTo("gauge"));
        assertThat(value(m, "suture_livepatch_supported", Map.of())).isEqualTo(1);
        assertThat(value(m, "suture_kernel_info", Map.of("release", "6.1.0-57-cloud-amd64", "build_id", "0123abcd"))).isEqualTo(1);
        assertThat(value(m, "suture_status_code", Map.of())).as("a CVE missing outweighs a transition").isEqualTo(1);
        assertThat(value(m, "suture_patch_transition", Map.of("patch", "suture_loop"))).isEqualTo(1);
        assertThat(value(m, "suture_patch_transition", Map.of("patch", "suture_cmdline"))).isEqualTo(0);
        assertThat(m.get("suture_patch_fixes").samples()).extracting(TextExposition.Sample::labels).containsExactly(
                Map.of("patch", "suture_cmdline", "cve", "CVE-2026-0001"), Map.of("patch", "suture_cmdline", "cve", "CVE-2026-0002"));
        assertThat(value(m, "suture_patch_info", Map.of("patch", "suture_cmdline", "title", "say \"hi\" \\ there"))).isEqualTo(1);
        assertThat(value(m, "suture_threads_on_old_code", Map.of("patch", "suture_cmdline"))).isEqualTo(2);
        assertThat(value(m, "suture_threads_on_old_code", Map.of("patch", "suture_loop"))).isEqualTo(0);
        assertThat(value(m, "suture_transition_waiting_tasks", Map.of("patch", "suture_loop"))).isEqualTo(1);
        assertThat(value(m, "suture_cve_protected", Map.of("cve", "CVE-2026-0001"))).isEqualTo(1);
        assertThat(value(m, "suture_cve_protected", Map.of("cve", "CVE-2026-9999"))).isEqualTo(0);
        assertThat(text).as("label values escaped").contains("title=\"say \\\"hi\\\" \\\\ there\"");
    }

    @Test
    void aKernelWithoutLivepatchHasNoPatchFamiliesAtAll() {
        MachineStatus s = new MachineStatus("vm:lab", KERNEL, new LivepatchState(false, List.of()), Map.of(), List.of(),
                Map.of(), Map.of(), Map.of());

        Map<String, TextExposition.Family> m = TextExposition.parse(StatusPrometheus.render(s,
                StatusVerdict.of(s, List.of(), List.of()), List.of()));

        assertThat(m.keySet()).containsExactly("suture_livepatch_supported", "suture_kernel_info", "suture_status_code");
        assertThat(value(m, "suture_livepatch_supported", Map.of())).isZero();
        assertThat(value(m, "suture_status_code", Map.of())).isEqualTo(4);
    }

    @Test
    void callCountsAreACounterPerPatchAndFunction() {
        Map<String, Map<String, Long>> calls = new LinkedHashMap<>();
        calls.put("suture_cmdline", Map.of("cmdline_proc_show", 42L));
        MachineStatus s = new MachineStatus("vm:lab", KERNEL, new LivepatchState(true, List.of(patch("suture_cmdline", true, false))),
                Map.of(), List.of(), Map.of(), Map.of(), Map.of(), calls, Map.of());

        Map<String, TextExposition.Family> m = TextExposition.parse(StatusPrometheus.render(s,
                StatusVerdict.of(s, List.of(), List.of()), List.of()));

        assertThat(m.get("suture_function_calls_total").type()).isEqualTo("counter");
        assertThat(value(m, "suture_function_calls_total", Map.of("patch", "suture_cmdline", "function", "cmdline_proc_show")))
                .isEqualTo(42);
        assertThat(value(m, "suture_status_code", Map.of())).isZero();
    }

    @Test
    void labelAndHelpEscapesReadBackAsTheOriginal() {
        String odd = "a\\b \"c\"\nd";
        String text = "# HELP m " + StatusPrometheus.escapeHelp("help \\ with\nbreak") + "\n# TYPE m gauge\n"
                + "m{v=\"" + StatusPrometheus.escapeLabel(odd) + "\"} 1\n";

        TextExposition.Family f = TextExposition.parse(text).get("m");

        assertThat(f.help()).isEqualTo("help \\ with\nbreak");
        assertThat(f.samples().getFirst().labels()).containsEntry("v", odd);
    }

    @Test
    void theStrictReaderRefusesWhatTheCollectorWouldNot() {
        String head = "# HELP m help\n# TYPE m gauge\n";
        for (String bad : List.of(
                head + "m 1 1700000000000\n",                         // a timestamp
                head + "m{a=\"x\"y\"} 1\n",                             // an unescaped quote
                head + "m{a=\"\\t\"} 1\n",                              // an escape the format lacks
                head + "m 1\n" + head + "m 2\n",                        // a family twice
                "m 1\n" + head,                                         // a sample before its metadata
                head + "m{a=\"1\"} 1\nm{a=\"1\"} 2\n",                  // the same sample twice
                head + "m one\n",                                       // not a number
                head + "m 1",                                           // no line break at the end
                "# HELP m help\n# TYPE m gauge\n# TYPE m gauge\nm 1\n", // a second TYPE
                "# HELP 1m help\n# TYPE 1m gauge\n1m 1\n")) {           // not a metric name
            assertThatThrownBy(() -> TextExposition.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
