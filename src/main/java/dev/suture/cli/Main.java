package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.SutureHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
                CacheCommand.class,
                InstallCommand.class,
                UninstallCommand.class,
                HealthCommand.class,
                FleetCommand.class,
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
        Path crashes = SutureHome.dir().resolve("crash");
        return execute(commandLine(crashes), crashes, args);
    }

    static int execute(CommandLine cli, Path crashes, String... args) {
        try {
            return cli.execute(args);
        } catch (Error e) {
            // picocli hands only Exceptions to the handler; an Error (e.g. a stack overflow) is as much a bug.
            CommandLine.ParseResult parsed = cli.getParseResult();
            while (parsed != null && parsed.subcommand() != null) {
                parsed = parsed.subcommand();
            }
            return internalError(e, parsed != null ? parsed.commandSpec().commandLine() : cli, args, crashes);
        } finally {
            // A command's connections to machines (SSH) end with the command, also when commands share a JVM.
            MachineOption.closeAll();
        }
    }

    /** The configured CLI, saving the stack traces of internal errors in {@code crashes}. */
    static CommandLine commandLine(Path crashes) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, at, parsed) -> e instanceof SutureException user ? report(user, at)
                : internalError(e, at, parsed == null ? new String[0] : parsed.originalArgs().toArray(String[]::new),
                        crashes));
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static int report(SutureException user, CommandLine cli) {
        cli.getErr().println("suture: " + user.getMessage());
        if (user.fix() != null) {
            cli.getErr().println("  fix: " + user.fix());
        }
        cli.getErr().flush();
        return user.exitCode();
    }

    /**
     * The exit status of an internal error: 70, EX_SOFTWARE of sysexits.h. No refusal uses it (they exit 2, a
     * test VM's problems 124 and 125, 'vm run' its command's own status), so scripts can tell a Suture bug apart.
     */
    static final int EXIT_INTERNAL_ERROR = 70;

    /**
     * Anything but a {@link SutureException} escaping a command is a Suture bug. The user gets its cause in one
     * line and where its stack trace was saved (a file in {@code crashes}), never the trace itself: it says
     * nothing they can act on, and it would bury the line that does.
     */
    static int internalError(Throwable e, CommandLine cli, String[] args, Path crashes) {
        String command = cli.getCommandSpec().qualifiedName(" ").replaceFirst("^suture ", "");
        String saved;
        try {
            saved = "its stack trace is in " + saveTrace(e, command, args, crashes)
                    + " (please report it with that file)";
        } catch (IOException | RuntimeException failure) {
            saved = "its stack trace could not be saved in " + crashes + " (" + failure + "); please report it";
        }
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        cli.getErr().println("suture: internal error in '" + command + "': " + e.getClass().getName() + message);
        cli.getErr().println("  fix: this is a bug in Suture, not in what you asked; " + saved);
        cli.getErr().flush();
        return EXIT_INTERNAL_ERROR;
    }

    /**
     * Writes the trace to a new file named by time and command. The file is created exclusively under a name no
     * one can guess in advance and readable only by its owner (it may hold paths and arguments), so an earlier
     * crash or a planted link is never overwritten or followed.
     */
    private static Path saveTrace(Throwable e, String command, String[] args, Path crashes) throws IOException {
        Files.createDirectories(crashes);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = Files.createTempFile(crashes, stamp + "-" + command.replaceAll("[^A-Za-z0-9_-]", "-") + "-", ".txt");
        StringWriter trace = new StringWriter();
        try (PrintWriter w = new PrintWriter(trace)) {
            w.println(new VersionProvider().getVersion()[0] + ", Java " + Runtime.version());
            w.println("command: suture " + String.join(" ", args));
            e.printStackTrace(w);
        }
        Files.writeString(file, trace.toString());
        return file;
    }
}
