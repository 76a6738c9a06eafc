package dev.suture.vm;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What a module file declares about itself, read with kmod's {@code modinfo}. */
final class ModuleInfo {
    private ModuleInfo() {
    }

    /** The modules a {@code .ko} needs loaded first (its {@code depends=} field). */
    static List<String> dependencies(Path ko) {
        if (!Files.isRegularFile(ko)) {
            throw new SutureException("no such module file: " + ko, "give the path of a built .ko file");
        }
        try {
            Process p = new ProcessBuilder("modinfo", "-F", "depends", ko.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new SutureException("not a kernel module: " + ko + " (" + out + ")",
                        "give a .ko built for the target kernel");
            }
            return out.isEmpty() ? List.of() : Arrays.stream(out.split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new SutureException("cannot run modinfo: " + e.getMessage(), "install kmod: apt-get install -y kmod", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        }
    }
}
