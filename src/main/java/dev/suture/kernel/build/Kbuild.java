package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds external modules with the kernel's own kbuild, against a cached kernel's headers tree. */
public final class Kbuild {
    private Kbuild() {
    }

    /** The outcome of one make run: its status and everything it printed. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code make -C HEADERS M=dir modules} with the compiler Debian built the kernel with. */
    public static Result buildModules(CachedKernel kernel, Path moduleDir) {
        return buildModules(kernel, moduleDir, List.of());
    }

    /** As {@link #buildModules(CachedKernel, Path)}, with extra make variables such as {@code KBUILD_MODPOST_WARN=1}. */
    public static Result buildModules(CachedKernel kernel, Path moduleDir, List<String> makeVariables) {
        List<String> argv = new ArrayList<>(List.of("make", "-C", kernel.headersDir().toString(),
                "M=" + moduleDir.toAbsolutePath(), "-j" + Runtime.getRuntime().availableProcessors()));
        argv.addAll(makeVariables);
        argv.add("modules");
        try {
            Process p = new ProcessBuilder(argv).directory(moduleDir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), output);
        } catch (IOException e) {
            throw new SutureException("cannot run make: " + e.getMessage(),
                    "install the build tools: apt-get install -y make gcc-12 flex bison bc libelf-dev libssl-dev", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while building", null, e);
        }
    }
}
