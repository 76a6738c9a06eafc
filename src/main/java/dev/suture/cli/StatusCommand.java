package dev.suture.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.Remedy;
import dev.suture.machine.StatusVerdict;
import dev.suture.manifest.Fixes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture status}: the livepatches on a machine. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the running kernel and the livepatches on a machine, with their functions and what they fix.",
                "The exit status says whether all is settled, for scripts and monitoring (with --prometheus: 0",
                "whenever the metrics are written, 2 when the machine could not be asked)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:every patch applied is enabled and settled (also when none is), and each --expect and --cve is there",
                "1:an --expect patch is not applied, or no enabled, settled patch fixes a --cve",
                "2:the machine could not be asked (unreachable, not root), or a mistake in the command",
                "3:a transition is under way, or a patch is disabled (being taken back): ask again later",
                "4:the kernel has no livepatch support",
                "70:an internal error: a Suture bug, its stack trace kept in a crash report"})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Option(names = "--calls", description = {"With each patch, how often each replaced function's new code ran since",
            "it was applied (patches applied with --count-calls; --json always has them)."})
    boolean calls;

    @Option(names = "--cve", paramLabel = "CVE-ID",
            description = "Say whether the machine is protected from this CVE: a patch that fixes it is enabled and settled. Repeatable.")
    List<String> cves = new ArrayList<>();

    @Option(names = "--expect", paramLabel = "PATCH",
            description = "A patch (as status names it, e.g. suture_cmdline) that must be applied, enabled and settled. Repeatable.")
    List<String> expect = new ArrayList<>();

    @Option(names = "--prometheus",
            description = "Print Prometheus metrics for node_exporter's textfile collector instead (exit status 0 once written).")
    boolean prometheus;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = {"Every machine of an Ansible inventory (read with ansible-inventory --list; ansible_host,",
                    "ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_become apply) or of a file of",
                    "[USER@]HOST[:PORT] lines, asked in parallel: one table (or --json)."})
    java.nio.file.Path inventory;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "16",
            description = "With --inventory: at most N machines asked at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Override
    public Integer call() throws Exception {
        if (inventory != null) {
            if (prometheus) {
                throw new SutureException("--prometheus describes one machine (node_exporter runs on each)",
                        "run 'suture status --prometheus' on each machine, or use --json with --inventory");
            }
            expect.forEach(StatusCommand::requirePatchName);
            return FleetStatusView.show(inventory, machine.sshOptions(), parallel, json, expect, askedCves(), System.out);
        }
        List<String> askedCves = askedCves();
        expect.forEach(StatusCommand::requirePatchName);
        if (json && prometheus) {
            throw new SutureException("--json and --prometheus are two forms of the same status", "choose one of them");
        }
        Channel channel = machine.channel();
        MachineStatus status = read(channel);
        StatusVerdict verdict = StatusVerdict.of(status, expect, askedCves);
        if (prometheus) {
            // The state is in the metrics (suture_status_code): 'status --prometheus > f && mv f ...' must not keep
            // stale metrics exactly when something is wrong. The format is UTF-8 whatever the locale (a timer's is C).
            System.out.writeBytes(StatusPrometheus.render(status, verdict, askedCves).getBytes(StandardCharsets.UTF_8));
            System.out.flush();
            return 0;
        }
        if (json) {
            ObjectNode doc = Json.MAPPER.valueToTree(status);
            doc.putObject("verdict").put("state", verdict.state().name().toLowerCase(Locale.ROOT))
                    .put("exitCode", verdict.exitCode()).putPOJO("findings", verdict.findings());
            System.out.println(Json.write(doc));
        } else {
            StatusText.print(status, channel, System.out, calls);
            if (!expect.isEmpty() || !askedCves.isEmpty()) {
                verdict.findings().forEach(System.out::println);
            }
        }
        return verdict.exitCode();
    }

    /** The CVE ids --cve names, upper-cased; a malformed one is refused before any machine is asked. */
    List<String> askedCves() {
        return cves.stream().map(c -> Fixes.requireCve(c, "--cve")).toList();
    }

    /** A patch's name is its module's: a file name or a dashed name is a mistake that would never match. */
    private static void requirePatchName(String name) {
        if (!name.matches("[A-Za-z0-9_]{1,55}")) {
            throw new SutureException("--expect '" + name + "' is not a patch name as status shows it",
                    "name the livepatch, e.g. --expect " + name.replaceFirst("\\.ko$", "").replaceAll("[^A-Za-z0-9_]", "_"));
        }
    }

    /** A machine that cannot be asked is exit status 2, like every other failure to reach one. */
    private static MachineStatus read(Channel channel) {
        try {
            return MachineStatus.read(channel);
        } catch (IOException e) {
            throw new SutureException("cannot read the status of " + channel.describe() + ": "
                    + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "),
                    "check that the machine is up and answers, then: " + Remedy.suture(channel, "status"), e);
        }
    }
}
