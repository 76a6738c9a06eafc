package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.channel.SshOptions;
import dev.suture.fleet.FleetHost;
import dev.suture.fleet.FleetStatus;
import dev.suture.fleet.Inventory;
import dev.suture.machine.MachineStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** {@code suture status --inventory}: every machine of a fleet in one table. */
final class FleetStatusView {
    /** How long the whole fleet may take to answer; each machine also has its own connect and command limits. */
    private static final long LIMIT_SECONDS = 600;

    private FleetStatusView() {
    }

    static int show(Path inventory, SshOptions ssh, int parallel, boolean json, PrintStream out) throws Exception {
        if (parallel < 1) {
            throw new SutureException("--parallel must be at least 1", "e.g. --parallel 16");
        }
        List<FleetHost> hosts = Inventory.read(inventory, ssh);
        List<FleetStatus.HostStatus> all = FleetStatus.query(hosts, parallel, LIMIT_SECONDS);
        if (json) {
            out.println(Json.write(all));
        } else {
            TextTable table = new TextTable("HOST", "KERNEL", "BUILD ID", "PATCHES", "TRANSITION", "LAST CHANGE");
            for (FleetStatus.HostStatus h : all) {
                if (!h.reached()) {
                    table.row(h.host(), "unreachable", "", "", h.error(), "");
                    continue;
                }
                MachineStatus s = h.status();
                table.row(h.host(), s.kernel().release(), s.kernel().buildId().substring(0, Math.min(12, s.kernel().buildId().length())),
                        patches(s), waiting(s), h.lastChange() == null ? "" : h.lastChange().toString());
            }
            table.print(out);
        }
        return all.stream().allMatch(FleetStatus.HostStatus::reached) ? 0 : 2;
    }

    private static String patches(MachineStatus s) {
        if (!s.livepatch().supported()) {
            return "no livepatch support";
        }
        return s.livepatch().patches().isEmpty() ? "none" : s.livepatch().patches().stream()
                .map(p -> p.name() + ":" + (p.inTransition() ? "transition" : p.enabled() ? "enabled" : "disabled"))
                .collect(Collectors.joining(" "));
    }

    private static String waiting(MachineStatus s) {
        return s.waitingFor().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + " waits for " + e.getValue().stream().map(b -> b.comm() + " in "
                        + (b.function().isEmpty() ? "a safe point" : b.function())).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
