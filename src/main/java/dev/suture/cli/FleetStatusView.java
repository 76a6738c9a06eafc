package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.channel.SshOptions;
import dev.suture.fleet.FleetHost;
import dev.suture.fleet.FleetStatus;
import dev.suture.fleet.Inventory;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.StatusVerdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code suture status --inventory}: every machine of a fleet in one table, each judged exactly as {@code status}
 * judges one machine ({@link StatusVerdict}); with {@code --cve}, which machines are protected.
 */
final class FleetStatusView {
    /** How long the whole fleet may take to answer; each machine also has its own connect and command limits. */
    private static final long LIMIT_SECONDS = 600;

    private FleetStatusView() {
    }

    /** One machine in the fleet's JSON: its answer, and the verdict on it (null when it could not be asked). */
    record Entry(String host, String target, MachineStatus status, java.time.Instant lastChange, String error,
                 StatusVerdict verdict, List<String> protectedFrom) {
    }

    static int show(Path inventory, SshOptions ssh, int parallel, boolean json, List<String> expect, List<String> cves,
                    PrintStream out) throws Exception {
        if (parallel < 1) {
            throw new SutureException("--parallel must be at least 1", "e.g. --parallel 16");
        }
        List<FleetHost> hosts = Inventory.read(inventory, ssh);
        List<Entry> entries = new ArrayList<>();
        for (FleetStatus.HostStatus h : FleetStatus.query(hosts, parallel, LIMIT_SECONDS)) {
            StatusVerdict verdict = h.reached() ? StatusVerdict.of(h.status(), expect, cves) : null;
            List<String> protectedFrom = h.reached() ? cves.stream().filter(h.status()::protectedFrom).toList() : List.of();
            entries.add(new Entry(h.host(), h.target(), h.status(), h.lastChange(), h.error(), verdict, protectedFrom));
        }
        if (json) {
            out.println(Json.write(entries));
        } else {
            print(entries, cves, out);
        }
        return exitCode(entries);
    }

    private static void print(List<Entry> entries, List<String> cves, PrintStream out) {
        List<String> head = new ArrayList<>(List.of("HOST", "KERNEL", "BUILD ID", "PATCHES", "FIXES", "TRANSITION", "LAST CHANGE"));
        if (!cves.isEmpty()) {
            head.add("PROTECTED FROM " + String.join(", ", cves));
        }
        TextTable table = new TextTable(head.toArray(String[]::new));
        for (Entry e : entries) {
            List<String> row = new ArrayList<>();
            if (e.status() == null) {
                row.addAll(List.of(e.host(), "unreachable", "", "", "", e.error(), ""));
            } else {
                MachineStatus s = e.status();
                row.addAll(List.of(e.host(), s.kernel().release(),
                        s.kernel().buildId().substring(0, Math.min(12, s.kernel().buildId().length())), patches(s), fixes(s),
                        waiting(s), e.lastChange() == null ? "" : e.lastChange().toString()));
            }
            if (!cves.isEmpty()) {
                row.add(e.status() == null ? "?" : e.protectedFrom().size() == cves.size() ? "yes"
                        : e.protectedFrom().isEmpty() ? "no" : "only " + String.join(", ", e.protectedFrom()));
            }
            table.row(row.toArray(String[]::new));
        }
        table.print(out);
        if (!cves.isEmpty()) {
            long protectedCount = entries.stream().filter(e -> e.status() != null && e.protectedFrom().size() == cves.size()).count();
            out.printf("%d of %d machine(s) protected from %s%n", protectedCount, entries.size(), String.join(", ", cves));
        }
    }

    /**
     * The fleet's exit status, with {@code status}'s meanings: 2 if a machine could not be asked, else that of the
     * machine in the worst state, ranked as {@link StatusVerdict} ranks one machine's findings.
     */
    static int exitCode(List<Entry> entries) {
        if (entries.stream().anyMatch(e -> e.verdict() == null)) {
            return 2;
        }
        return entries.stream().map(e -> e.verdict().state()).max(java.util.Comparator.naturalOrder())
                .orElse(StatusVerdict.State.SETTLED).exitCode();
    }

    private static String patches(MachineStatus s) {
        if (!s.livepatch().supported()) {
            return "no livepatch support";
        }
        return s.livepatch().patches().isEmpty() ? "none" : s.livepatch().patches().stream()
                .map(p -> p.name() + ":" + (p.inTransition() ? "transition" : p.enabled() ? "enabled" : "disabled"))
                .collect(Collectors.joining(" "));
    }

    private static String fixes(MachineStatus s) {
        return s.fixes().values().stream().flatMap(f -> f.cves().stream()).distinct().sorted()
                .collect(Collectors.joining(" ")).toUpperCase(Locale.ROOT);
    }

    private static String waiting(MachineStatus s) {
        return s.waitingFor().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + " waits for " + e.getValue().stream().map(b -> b.comm() + " in "
                        + (b.function().isEmpty() ? "a safe point" : b.function())).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
