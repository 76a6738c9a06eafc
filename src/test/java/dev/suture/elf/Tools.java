package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the system's compiler and binutils for the tests that check our output against them. */
final class Tools {
    private Tools() {
    }

    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit status; stderr: %s", err).isZero();
            return this;
        }
    }

    static Result run(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Compiles {@code source} with {@code gcc -c} and the given flags into {@code dir/name.o}. */
    static Path gcc(Path dir, String name, String source, String... flags) throws IOException {
        Path c = dir.resolve(name + (name.endsWith(".s") ? "" : ".c"));
        Files.writeString(c, source);
        Path object = dir.resolve(name.replaceAll("\\.s$", "") + ".o");
        List<String> command = new ArrayList<>(List.of("gcc", "-c"));
        command.addAll(List.of(flags));
        command.addAll(List.of(c.getFileName().toString(), "-o", object.getFileName().toString()));
        run(dir, command.toArray(String[]::new)).ok();
        return object;
    }

    /** A C file with a bit of everything: statics, globals, strings, calls into libc, a switch. */
    static final String PROGRAM = """
            #include <stdio.h>
            #include <string.h>
            static int counter;
            int shared = 5;
            const char *names[] = {"zero", "one", "two", "three"};
            static int helper(int x) { return x * 2 + counter++; }
            __attribute__((noinline)) int compute(int v) { return helper(v) + shared; }
            static const char *pick(int i) {
                switch (i) {
                case 0: return "alpha"; case 1: return "beta"; case 2: return "gamma";
                case 3: return "delta"; case 4: return "epsilon"; default: return names[i & 3];
                }
            }
            int main(int argc, char **argv) {
                (void) argv;
                printf("compute=%d %s %zu\\n", compute(3), pick(argc + 1), strlen(names[2]));
                return 0;
            }
            """;

    /** What {@link #PROGRAM} prints when run without arguments. */
    static final String PROGRAM_OUTPUT = "compute=11 gamma 3\n";
}
