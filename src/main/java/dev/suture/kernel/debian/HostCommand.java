package dev.suture.kernel.debian;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one of the host's own tools (apt-cache, depmod, ...) to completion and hands back what it printed.
 * A missing tool or a failure becomes a {@link SutureException} that names the command and its complaint.
 */
public final class HostCommand {
    /** What a finished command printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private HostCommand() {
    }

    /** Runs the command; a non-zero exit is an error. */
    public static String run(List<String> command, String installHint) {
        Result result = runAllowingFailure(command, installHint);
        if (result.exitCode() != 0) {
            throw failure(command, result.exitCode(), result.stderr());
        }
        return result.stdout();
    }

    /** Runs the command and returns whatever happened; only a missing tool is an error. */
    static Result runAllowingFailure(List<String> command, String installHint) {
        Process process = start(new ProcessBuilder(command), installHint);
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            return new Result(exit, stdout, stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while running " + String.join(" ", command), null, e);
        }
    }

    /** Starts a process, turning "no such program" into an error that says what to install. */
    static Process start(ProcessBuilder builder, String installHint) {
        try {
            return builder.start();
        } catch (IOException e) {
            String tool = builder.command().getFirst();
            throw new SutureException("cannot run '" + tool + "': " + e.getMessage(),
                    installHint != null ? installHint : "install '" + tool + "'", e);
        }
    }

    /** Reads a stream to its end on a virtual thread, so a chatty stderr cannot block the process. */
    static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("(stderr unreadable: " + e.getMessage() + ")");
            }
        });
        return text;
    }

    static SutureException failure(List<String> command, int exitCode, String stderr) {
        String complaint = stderr.strip();
        if (complaint.length() > 2000) {
            complaint = "..." + complaint.substring(complaint.length() - 2000);
        }
        return new SutureException("'" + String.join(" ", command) + "' failed (exit " + exitCode + ")"
                + (complaint.isEmpty() ? "" : ": " + complaint), null);
    }
}
