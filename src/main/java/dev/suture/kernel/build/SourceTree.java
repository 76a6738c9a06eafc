package dev.suture.kernel.build;

import java.nio.file.Path;
import java.util.List;

/**
 * A target kernel's source, as Debian published it for exactly that version, prepared once:
 * {@code source} is the pristine tree (never written to), {@code build} the kbuild output directory
 * ({@code make O=build}) holding the target's .config, generated headers and host tools.
 */
public record SourceTree(String release, String version, Path source, Path build) {
    /**
     * The make arguments every build against this tree uses, so release strings and the compiler match.
     *
     * <p>The build's identity is fixed (number 1 and a stamp naming Debian's version, as Debian's own build does,
     * less its date; user and host neutral): left to kbuild, every make counts a build number up in
     * {@code .version} and takes the time of day, so {@code init/version-timestamp.c}'s {@code init_uts_ns}
     * would differ between a pristine and a patched compile of the same source.
     */
    public List<String> makeArguments(Path outputDir) {
        return List.of("-C", source.toString(), "O=" + outputDir, "KERNELRELEASE=" + release, "CC=gcc-12",
                "KBUILD_BUILD_VERSION=1", "KBUILD_BUILD_VERSION_TIMESTAMP=Debian " + version,
                "KBUILD_BUILD_USER=suture", "KBUILD_BUILD_HOST=suture");
    }
}
