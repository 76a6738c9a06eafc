package dev.suture.cli;

import dev.suture.SutureException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code suture} command: one class per subcommand, errors reported as a cause and a fix. */
@Command(name = "suture",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Live, function-by-function updates of running Linux kernels.",
        subcommands = {
                KernelCommand.class,
                VmCommand.class,
                BuildCommand.class,
                ApplyCommand.class,
                StatusCommand.class,
                RevertCommand.class,
                ListCommand.class,
                SwitchCommand.class,
                InstallCommand.class,
                UninstallCommand.class,
                DemoCommand.class,
                AutoComplete.GenerateCompletion.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::report);
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof SutureException user) {
            cli.getErr().println("suture: " + user.getMessage());
            if (user.fix() != null) {
                cli.getErr().println("  fix: " + user.fix());
            }
            cli.getErr().flush();
            return user.exitCode();
        }
        throw new IllegalStateException("internal error in '" + cli.getCommandName() + "'", e);
    }
}
