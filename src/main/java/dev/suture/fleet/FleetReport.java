package dev.suture.fleet;

import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One report for a whole rollout: every machine of the inventory, in its order, with what happened to it, from
 * the results each machine's command wrote ({@code RESULTS/HOST.json}, and {@code HOST.health.json} when the check
 * after the soak failed). A machine without a result was not reached: the rollout halted before its wave (or has
 * not got there yet).
 *
 * @param halted   whether a machine failed, which halts the rollout
 * @param haltedBy the machines that failed
 */
public record FleetReport(boolean halted, List<String> haltedBy, Map<Outcome, Integer> counts, List<Row> machines) {

    /** One machine's line. */
    public record Row(String host, String machine, Outcome outcome, String patch, String release, String buildId,
                      Double transitionSeconds, String reason, List<Blocker> blockers) {
    }

    public static FleetReport of(List<FleetHost> hosts, Path results) throws IOException {
        // Each reached machine's row first: whether the rollout halted decides what the others' rows say.
        Map<String, Row> reached = new HashMap<>();
        List<String> failed = new ArrayList<>();
        for (FleetHost h : hosts) {
            readRow(h, results).ifPresent(row -> {
                reached.put(h.name(), row);
                if (!row.outcome().letsRolloutContinue()) {
                    failed.add(h.name());
                }
            });
        }
        boolean halted = !failed.isEmpty();
        String notReached = halted ? "the rollout halted after " + String.join(", ", failed) + " failed" : "not run (yet)";
        List<Row> rows = hosts.stream().map(h -> reached.getOrDefault(h.name(), new Row(h.name(), h.target(),
                Outcome.NOT_REACHED, null, null, null, null, notReached, List.of()))).toList();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        rows.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        return new FleetReport(halted, List.copyOf(failed), counts, rows);
    }

    /** A machine's row from its result, a failed health check overriding the outcome; empty without a result. */
    private static Optional<Row> readRow(FleetHost h, Path results) throws IOException {
        Path file = results.resolve(h.name() + ".json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        MachineResult r = MachineResult.read(file);
        Outcome outcome = r.outcome();
        String reason = r.reason();
        Path health = results.resolve(h.name() + ".health.json");
        if (Files.isRegularFile(health)) {
            MachineResult check = MachineResult.read(health);
            outcome = check.outcome();
            reason = check.reason();
        }
        return Optional.of(new Row(h.name(), r.machine(), outcome, r.patch(), r.release(), r.buildId(),
                r.transitionSeconds(), reason, r.blockers()));
    }

    /** The report as a Markdown document: a summary line and one table row per machine. */
    public String markdown() {
        StringBuilder s = new StringBuilder("# Suture rollout report\n\n");
        s.append(halted ? "**Halted**: " + String.join(", ", haltedBy) + " failed; later waves were not touched.\n\n"
                : "Completed without a failure.\n\n");
        s.append(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().id()).collect(Collectors.joining(", ")))
                .append("\n\n");
        s.append("| host | machine | outcome | kernel | build id | transition | why |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (Row r : machines) {
            s.append("| ").append(cell(r.host())).append(" | ").append(cell(r.machine())).append(" | ")
                    .append(r.outcome().id()).append(" | ").append(cell(r.release())).append(" | ")
                    .append(cell(r.buildId() == null ? null : r.buildId().substring(0, Math.min(12, r.buildId().length()))))
                    .append(" | ").append(r.transitionSeconds() == null ? "" : String.format("%.1f s", r.transitionSeconds()))
                    .append(" | ").append(cell(why(r))).append(" |\n");
        }
        return s.toString();
    }

    private static String why(Row r) {
        if (r.reason() == null) {
            return null;
        }
        String blockers = r.blockers().stream().map(Blocker::describe).collect(Collectors.joining("; "));
        return blockers.isEmpty() ? r.reason() : "blocked by " + blockers;
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
