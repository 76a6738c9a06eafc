package dev.suture.cli;

import dev.suture.machine.LivepatchState;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.StatusVerdict;
import dev.suture.manifest.Fixes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One machine's status as Prometheus metrics, in the text exposition format (0.0.4) that node_exporter's textfile
 * collector reads: each family once, HELP and TYPE before its samples, label values escaped, and no timestamps (the
 * collector refuses a file that has them: the file's age is its time). A family without samples is left out.
 */
final class StatusPrometheus {
    private StatusPrometheus() {
    }

    /** One sample: its labels in order, and its value. */
    record Sample(Map<String, String> labels, long value) {
    }

    /** One metric family. */
    record Family(String name, String type, String help, List<Sample> samples) {
    }

    /** The metrics of {@code status}; {@code cves} are those {@code --cve} asked about. */
    static String render(MachineStatus status, StatusVerdict verdict, List<String> cves) {
        List<Family> families = new ArrayList<>();
        families.add(gauge("suture_livepatch_supported", "Whether the running kernel has livepatch support (1) or not (0).",
                sample(status.livepatch().supported() ? 1 : 0)));
        families.add(gauge("suture_kernel_info", "The running kernel's release and GNU build id, as labels; always 1.",
                sample(1, "release", status.kernel().release(), "build_id", status.kernel().buildId())));
        families.add(gauge("suture_status_code", "What 'suture status' exits with: 0 settled, 1 an expected patch or CVE"
                + " missing, 3 a transition under way or a patch disabled, 4 no livepatch support.", sample(verdict.exitCode())));
        List<LivepatchState.Patch> patches = status.livepatch().patches();
        families.add(gauge("suture_patch_enabled", "Whether the livepatch is enabled (1) or being taken back (0).",
                patches.stream().map(p -> sample(p.enabled() ? 1 : 0, "patch", p.name())).toList()));
        families.add(gauge("suture_patch_transition", "Whether the livepatch's transition is under way (1) or settled (0).",
                patches.stream().map(p -> sample(p.inTransition() ? 1 : 0, "patch", p.name())).toList()));
        families.add(gauge("suture_patch_fixes", "A CVE the livepatch says it fixes (from its manifest); always 1.",
                patches.stream().flatMap(p -> status.fixes().getOrDefault(p.name(), Fixes.NONE).cves().stream()
                        .map(cve -> sample(1, "patch", p.name(), "cve", cve))).toList()));
        families.add(gauge("suture_patch_info", "What the livepatch fixes, as its title; always 1.",
                patches.stream().filter(p -> status.fixes().getOrDefault(p.name(), Fixes.NONE).title() != null)
                        .map(p -> sample(1, "patch", p.name(), "title", status.fixes().get(p.name()).title())).toList()));
        families.add(gauge("suture_threads_on_old_code", "Threads left running the livepatch's old code after a"
                        + " transition completed with --allow-mixed.",
                patches.stream().map(p -> sample(status.runningOldCode().getOrDefault(p.name(), List.of()).size(),
                        "patch", p.name())).toList()));
        families.add(gauge("suture_transition_waiting_tasks", "Tasks the livepatch's transition still waits for.",
                patches.stream().map(p -> sample(status.waitingFor().getOrDefault(p.name(), List.of()).size(),
                        "patch", p.name())).toList()));
        families.add(gauge("suture_cve_protected", "Whether a settled, enabled livepatch fixes the CVE (asked with --cve).",
                cves.stream().map(cve -> sample(status.protectedFrom(cve) ? 1 : 0, "cve", cve)).toList()));
        families.add(functionCalls(status.calls()));
        StringBuilder out = new StringBuilder();
        families.stream().filter(f -> !f.samples().isEmpty()).forEach(f -> write(f, out));
        return out.toString();
    }

    /** Calls of each replaced function's new code, of patches applied with --count-calls: patch to function to count. */
    static Family functionCalls(Map<String, ? extends Map<String, ? extends Number>> calls) {
        List<Sample> samples = new ArrayList<>();
        calls.forEach((patch, functions) -> functions.forEach((function, count) ->
                samples.add(sample(count.longValue(), "patch", patch, "function", function))));
        return new Family("suture_function_calls_total", "counter",
                "Calls of the livepatch's new code of a replaced function since it was applied with --count-calls.", samples);
    }

    private static Family gauge(String name, String help, Sample sample) {
        return gauge(name, help, List.of(sample));
    }

    private static Family gauge(String name, String help, List<Sample> samples) {
        return new Family(name, "gauge", help, samples);
    }

    /** A sample with labels given as name, value, name, value... */
    private static Sample sample(long value, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1] == null ? "" : labels[i + 1]);
        }
        return new Sample(map, value);
    }

    private static void write(Family f, StringBuilder out) {
        out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
        out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
        for (Sample s : f.samples()) {
            out.append(f.name());
            if (!s.labels().isEmpty()) {
                List<String> pairs = new ArrayList<>();
                s.labels().forEach((k, v) -> pairs.add(k + "=\"" + escapeLabel(v) + "\""));
                out.append('{').append(String.join(",", pairs)).append('}');
            }
            out.append(' ').append(s.value()).append('\n');
        }
    }

    /** In a HELP line, a backslash and a line break are escaped. */
    static String escapeHelp(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** In a label value, a backslash, a double quote and a line break are escaped. */
    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
