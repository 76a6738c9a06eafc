package dev.suture.cli;

import dev.suture.Json;
import dev.suture.machine.Edition;
import dev.suture.machine.EditionStore;
import dev.suture.manifest.Fixes;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture list}: the stack of editions on a machine. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the editions on a machine: the kernel's stack of patches, bottom first, with state,",
                "replaced functions, what it fixes (CVE ids, or its title), build id and when applied; --all adds",
                "reverted editions kept for 'switch'."})
final class ListCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Option(names = "--all", description = "Also show stored editions that are not loaded.")
    boolean all;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Edition> editions = new EditionStore(machine.channel()).list().stream()
                .filter(e -> all || e.loaded()).toList();
        if (json) {
            System.out.println(Json.write(editions));
            return 0;
        }
        if (editions.isEmpty()) {
            System.out.println(all ? "no edition on this machine" : "no edition applied (see --all for stored ones)");
            return 0;
        }
        TextTable table = new TextTable("#", "EDITION", "STATE", "KIND", "FUNCTIONS", "FIXES", "BUILD ID", "APPLIED");
        for (Edition e : editions) {
            var m = e.manifest();
            table.row(e.loaded() ? String.valueOf(e.position()) : "-", e.name(), e.state(),
                    m == null ? "?" : m.cumulative() ? "cumulative" : "stacked",
                    m == null ? "?" : m.functions().stream().map(f -> f.object() + ":" + f.name()).collect(Collectors.joining(",")),
                    m == null ? "?" : fixes(m.fixes()),
                    m == null ? "?" : m.buildId().substring(0, Math.min(12, m.buildId().length())),
                    e.appliedAt() == null ? "?" : e.appliedAt().toString());
        }
        table.print(System.out);
        return 0;
    }

    /** The CVE ids, which a table row has room for; the title only when there are none; '-' for neither. */
    private static String fixes(Fixes fixes) {
        return !fixes.cves().isEmpty() ? String.join(",", fixes.cves()) : fixes.title() != null ? fixes.title() : "-";
    }
}
