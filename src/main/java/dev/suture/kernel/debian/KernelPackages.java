package dev.suture.kernel.debian;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Debian packages that make up one target kernel, as far as the archive still has them. Only the image
 * is certain; the others are null when the archive lacks them at the image's version.
 *
 * @param headers       {@code linux-headers-RELEASE}: the flavour's config, Module.symvers and Makefile
 * @param headersCommon {@code linux-headers-ABI-common}: the shared kbuild tree the flavour's Makefile includes
 * @param kbuild        {@code linux-kbuild-SERIES}: scripts and host tools (modpost, fixdep, ...)
 * @param dbg           {@code linux-image-RELEASE-dbg}: the unstripped vmlinux
 * @param source        {@code linux-source-SERIES} at the same version: listed, never fetched
 */
public record KernelPackages(KernelRelease release, DebianPackage image, DebianPackage headers,
                             DebianPackage headersCommon, KbuildChoice kbuild, DebianPackage dbg,
                             DebianPackage source) {

    public DebianVersion version() {
        return image.version();
    }

    /** Whether everything a fetch needs is there (the source package is not needed). */
    public boolean fetchable() {
        return missing().isEmpty();
    }

    /** The names of the needed packages the archive lacks at this version. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        String at = " " + version();
        if (headers == null) {
            missing.add("linux-headers-" + release + at);
        } else if (headersCommon == null) {
            missing.add("the common headers of linux-headers-" + release + at);
        }
        if (kbuild == null) {
            missing.add("linux-kbuild-" + release.series());
        }
        if (dbg == null) {
            missing.add("linux-image-" + release + "-dbg" + at);
        }
        return missing;
    }

    /** What a fetch downloads, smallest first so the quick ones are done before the big -dbg package. */
    public List<DebianPackage> downloads() {
        return Stream.of(headers, headersCommon, kbuild == null ? null : kbuild.kbuild(), image, dbg)
                .filter(p -> p != null)
                .toList();
    }

    /** What the package is to the kernel, as a short label for progress output. */
    public String role(DebianPackage p) {
        if (p.equals(image)) {
            return "image";
        } else if (p.equals(headers)) {
            return "headers";
        } else if (p.equals(headersCommon)) {
            return "common headers";
        } else if (kbuild != null && p.equals(kbuild.kbuild())) {
            return "kbuild";
        } else if (p.equals(dbg)) {
            return "dbg";
        }
        return p.name();
    }

    /** Compromises a fetch makes, such as a kbuild of another version; empty when there are none. */
    public List<String> warnings() {
        String kbuildWarning = kbuild == null ? null : kbuild.warningFor(version());
        return kbuildWarning == null ? List.of() : List.of(kbuildWarning);
    }
}
