package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.machine.RunningKernel;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code suture apply DIR}: of the modules a build for several kernels made, the one for the exact kernel build
 * the machine runs (its release and build id); a machine it has none for is told so and left untouched.
 */
final class ModuleChoice {
    private ModuleChoice() {
    }

    /** The directory has no module for the kernel build the machine runs; the machine was left untouched. */
    static final class NoModule extends SutureException {
        NoModule(String cause, String fix) {
            super(cause, fix);
        }
    }

    /** A module picked for a machine, and what it says about itself. */
    record Chosen(Path module, PatchManifest manifest) {
    }

    /** As {@link #pick}, with the module's manifest read. */
    static Chosen choose(Path given, Channel machine) throws IOException {
        Path module = pick(given, machine);
        return new Chosen(module, ManifestReader.read(module));
    }

    /** The module to apply: {@code given} itself when it is a file, else the match in the directory. */
    static Path pick(Path given, Channel machine) throws IOException {
        if (!Files.isDirectory(given)) {
            return given;
        }
        RunningKernel running = RunningKernel.read(machine);
        List<Path> modules;
        try (Stream<Path> files = Files.walk(given, 2)) {
            modules = files.filter(p -> p.toString().endsWith(".ko") && Files.isRegularFile(p)).sorted().toList();
        }
        List<String> offered = new java.util.ArrayList<>();
        for (Path ko : modules) {
            PatchManifest m = ManifestReader.read(ko);
            if (m.release().equals(running.release()) && m.buildId().equals(running.buildId())) {
                System.err.printf("%s runs %s: applying %s%n", machine.describe(), running.release(), given.relativize(ko));
                return ko;
            }
            offered.add(m.release());
        }
        throw new NoModule(machine.describe() + " runs " + running.release() + " (build id " + running.buildId()
                + "), and " + given + " has no module for it" + (offered.isEmpty() ? "" : " (it has: "
                + String.join(", ", offered) + ")") + "; nothing was done",
                "build the fix for it: suture build FIX --kernel " + running.release() + " -o " + given);
    }
}
