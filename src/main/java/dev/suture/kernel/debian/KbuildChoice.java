package dev.suture.kernel.debian;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which {@code linux-kbuild-SERIES} version builds modules for a kernel. The archive keeps only a few kbuild
 * versions, so an exact match is often gone; kbuild changes little within a stable series, and the headers
 * package itself asks for {@code linux-kbuild (>= its version)}, so the nearest newer one is the natural
 * substitute. Only when there is none newer is the newest older one taken.
 *
 * @param exact whether the version is the kernel's own
 */
public record KbuildChoice(DebianPackage kbuild, boolean exact) {

    public static Optional<KbuildChoice> choose(DebianVersion kernelVersion, List<DebianPackage> candidates) {
        Optional<DebianPackage> same = candidates.stream()
                .filter(p -> p.version().compareTo(kernelVersion) == 0)
                .findFirst();
        if (same.isPresent()) {
            return Optional.of(new KbuildChoice(same.get(), true));
        }
        Optional<DebianPackage> lowestNewer = candidates.stream()
                .filter(p -> p.version().compareTo(kernelVersion) > 0)
                .min(Comparator.comparing(DebianPackage::version));
        Optional<DebianPackage> nearest = lowestNewer.or(() -> candidates.stream()
                .max(Comparator.comparing(DebianPackage::version)));
        return nearest.map(p -> new KbuildChoice(p, false));
    }

    public DebianVersion version() {
        return kbuild.version();
    }

    /** The warning to record when the choice is a substitute, or null for an exact match. */
    public String warningFor(DebianVersion kernelVersion) {
        if (exact) {
            return null;
        }
        return "the archive has no " + kbuild.name() + " " + kernelVersion + "; using " + kbuild.version()
                + ", the nearest version, to build modules";
    }
}
