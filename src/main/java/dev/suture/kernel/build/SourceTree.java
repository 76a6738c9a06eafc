package dev.suture.kernel.build;

import java.nio.file.Path;

/**
 * A target kernel's source, as Debian published it for exactly that version, prepared once:
 * {@code source} is the pristine tree (never written to), {@code build} the kbuild output directory
 * ({@code make O=build}) holding the target's .config, generated headers and host tools.
 */
public record SourceTree(String release, String version, Path source, Path build) {
    /** The make arguments every build against this tree uses, so release strings and the compiler match. */
    public java.util.List<String> makeArguments(Path outputDir) {
        return java.util.List.of("-C", source.toString(), "O=" + outputDir, "KERNELRELEASE=" + release, "CC=gcc-12");
    }
}
