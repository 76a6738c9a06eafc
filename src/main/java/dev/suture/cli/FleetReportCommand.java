package dev.suture.cli;

import dev.suture.Json;
import dev.suture.channel.SshOptions;
import dev.suture.fleet.FleetReport;
import dev.suture.fleet.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code suture fleet report}: one report for a whole rollout, from each machine's result. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the rollout's report: every machine of the inventory with its outcome, kernel, build id,",
                "transition time and, for a failure, why (the blocking tasks); machines without a result were not",
                "reached. Printed as Markdown; --json and --markdown also write files."},
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:no machine failed", "1:the rollout halted: a machine failed", "2:bad input"})
final class FleetReportCommand implements Callable<Integer> {
    @Option(names = "--inventory", required = true, paramLabel = "FILE",
            description = "The rollout's inventory (Ansible's, or [USER@]HOST[:PORT] lines).")
    Path inventory;

    @Option(names = "--results", required = true, paramLabel = "DIR",
            description = "Where each machine's command wrote its --result (HOST.json).")
    Path results;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path jsonFile;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the report as Markdown.")
    Path markdownFile;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(results)) {
            throw new dev.suture.SutureException("no results directory " + results,
                    "give the directory the rollout wrote its results to (--results DIR)");
        }
        FleetReport report = FleetReport.of(Inventory.read(inventory, SshOptions.defaults()), results);
        String markdown = report.markdown();
        if (jsonFile != null) {
            Json.writeAtomically(jsonFile, report);
        }
        if (markdownFile != null) {
            Path tmp = markdownFile.resolveSibling(markdownFile.getFileName() + ".tmp");
            Files.writeString(tmp, markdown);
            Files.move(tmp, markdownFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.print(markdown);
        return report.halted() ? 1 : 0;
    }
}
