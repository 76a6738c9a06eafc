package dev.suture.cli;

import picocli.CommandLine.Command;

/** {@code suture fleet}: what Suture adds to an Ansible rollout over many machines. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Fleet rollouts run on Ansible (see ansible/ in Suture's sources); these commands report on them."},
        subcommands = {FleetReportCommand.class})
final class FleetCommand {
}
