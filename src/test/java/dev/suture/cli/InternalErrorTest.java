package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A bug escaping a command reaches the user as one line and a fix line naming the saved trace, never as a stack
 * trace. No real subcommand can be made to fail that way without a kernel, so a test-only subcommand is added
 * to the CLI {@link Main#run} builds and run the same way, through picocli and Main's own handler.
 */
class InternalErrorTest {
    private static final Pattern SAVED = Pattern.compile("its stack trace is in (\\S+\\.txt) ");

    @TempDir
    Path crashes;

    /** Fails as the demo once did, reading a number from an empty file. */
    @Command(name = "explode")
    static final class Explode implements Callable<Integer> {
        @CommandLine.Parameters
        List<String> words;

        @Override
        public Integer call() {
            return Integer.parseInt("");
        }
    }

    @Command(name = "overflow")
    static final class Overflow implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new StackOverflowError("too deep\nsecond line");
        }
    }

    @Command(name = "refuse")
    static final class Refuse implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new SutureException("the user's own mistake", "do it differently");
        }
    }

    record Run(int exitCode, String err) {
        List<String> lines() {
            return err.lines().toList();
        }
    }

    private Run run(String... args) {
        CommandLine cli = Main.commandLine(crashes)
                .addSubcommand(new Explode()).addSubcommand(new Overflow()).addSubcommand(new Refuse());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Run(Main.execute(cli, crashes, args), err.toString());
    }

    @Test
    void unexpectedExceptionIsOneLineWithItsTraceSavedForTheReport() throws IOException {
        Run run = run("explode", "--", "arg");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_INTERNAL_ERROR).isEqualTo(70);
        assertThat(run.lines()).hasSize(2);
        assertThat(run.lines().get(0))
                .isEqualTo("suture: internal error in 'explode': java.lang.NumberFormatException: For input string: \"\"");
        assertThat(run.lines().get(1)).startsWith("  fix: this is a bug in Suture");
        assertThat(run.err()).doesNotContain("at dev.suture", "\tat ", "Caused by");

        Path trace = savedTrace(run);
        assertThat(trace.getParent()).isEqualTo(crashes);
        assertThat(trace.getFileName().toString()).matches("\\d{8}-\\d{6}-explode-.*\\.txt");
        assertThat(Files.readString(trace))
                .contains("command: suture explode -- arg")
                .contains("java.lang.NumberFormatException: For input string: \"\"")
                .contains("at dev.suture.cli.InternalErrorTest$Explode.call");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trace))).isEqualTo("rw-------");
    }

    @Test
    void eachCrashKeepsItsOwnFile() throws IOException {
        Path first = savedTrace(run("explode"));
        Path second = savedTrace(run("explode"));
        assertThat(first).isNotEqualTo(second).exists();
        assertThat(second).exists();
    }

    @Test
    void anErrorIsReportedTheSameWayInOneLine() throws IOException {
        Run run = run("overflow");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_INTERNAL_ERROR);
        assertThat(run.lines()).hasSize(2);
        assertThat(run.lines().get(0))
                .isEqualTo("suture: internal error in 'overflow': java.lang.StackOverflowError: too deep second line");
        assertThat(Files.readString(savedTrace(run))).contains("at dev.suture.cli.InternalErrorTest$Overflow.call");
    }

    @Test
    void whenTheTraceCannotBeSavedTheUserIsToldSoStillWithoutIt() throws IOException {
        Files.writeString(crashes.resolve("blocked"), "a file where the folder would be");
        CommandLine cli = Main.commandLine(crashes.resolve("blocked")).addSubcommand(new Explode());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = Main.execute(cli, crashes.resolve("blocked"), "explode");
        assertThat(code).isEqualTo(Main.EXIT_INTERNAL_ERROR);
        assertThat(err.toString().lines().toList()).hasSize(2);
        assertThat(err.toString()).contains("could not be saved").doesNotContain("at dev.suture");
    }

    @Test
    void refusalsStayAsTheyWere() {
        Run run = run("refuse");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.lines()).containsExactly("suture: the user's own mistake", "  fix: do it differently");
        assertThat(crashes).isEmptyDirectory();
    }

    private static Path savedTrace(Run run) {
        Matcher m = SAVED.matcher(run.err());
        assertThat(m.find()).as(run.err()).isTrue();
        Path trace = Path.of(m.group(1));
        assertThat(trace).isRegularFile();
        return trace;
    }
}
