package dev.suture.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one small way Suture acts on a machine: run a command, read a file, write a file, copy a file in.
 * Local hosts, SSH hosts and test VMs implement it; nothing above this interface knows which it has.
 */
public interface Channel {

    /** Runs a shell command; its output (stdout and stderr together) is streamed to {@code output} as it comes. */
    int run(String command, OutputStream output, Duration timeout) throws IOException;

    /** Writes {@code content} to {@code path} on the machine, replacing it, with the given permission bits. */
    void writeFile(String path, byte[] content, int mode) throws IOException;

    /** A short description for messages, e.g. {@code vm:default} or {@code local}. */
    String describe();

    /**
     * What a Suture command needs besides {@code --target describe()} to reach this machine as this one did, as
     * shell words (an SSH machine's {@code --known-hosts FILE}, {@code --identity FILE}...); remedies print them.
     */
    default List<String> targetOptions() {
        return List.of();
    }

    default CommandResult run(String command, Duration timeout) throws IOException {
        var buffer = new java.io.ByteArrayOutputStream();
        int status = run(command, buffer, timeout);
        return new CommandResult(status, buffer.toString(StandardCharsets.UTF_8));
    }

    default CommandResult run(String command) throws IOException {
        return run(command, Duration.ofMinutes(5));
    }

    /** The raw output (stdout and stderr) of a command that must succeed, e.g. binary data from dd. */
    default byte[] readCommand(String command) throws IOException {
        var buffer = new java.io.ByteArrayOutputStream();
        int status = run(command, buffer, Duration.ofMinutes(5));
        if (status != 0) {
            throw new IOException("'" + command + "' failed on " + describe() + " (exit " + status + ")");
        }
        return buffer.toByteArray();
    }

    default byte[] readFile(String path) throws IOException {
        return readFile(path, Duration.ofMinutes(5));
    }

    default byte[] readFile(String path, Duration timeout) throws IOException {
        var buffer = new java.io.ByteArrayOutputStream();
        int status = run("cat -- " + ShellQuote.quote(path) + " 2>/dev/null", buffer, timeout);
        if (status != 0) {
            throw new java.nio.file.NoSuchFileException(path, null, "cannot read it on " + describe());
        }
        return buffer.toByteArray();
    }

    default String readText(String path) throws IOException {
        return new String(readFile(path), StandardCharsets.UTF_8);
    }

    default String readText(String path, Duration timeout) throws IOException {
        return new String(readFile(path, timeout), StandardCharsets.UTF_8);
    }

    default void copyIn(Path local, String remotePath) throws IOException {
        int mode = Files.isExecutable(local) ? 0755 : 0644;
        writeFile(remotePath, Files.readAllBytes(local), mode);
    }

    /** The exit status and collected output of a command. */
    record CommandResult(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
