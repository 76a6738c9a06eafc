package dev.suture.kernel;

import dev.suture.kernel.debian.DebianPackage;

import java.time.Instant;
import java.util.List;

/**
 * What a cached kernel is: stored as {@code kernel.json} beside its files, written last by a fetch,
 * so its presence means the fetch finished.
 *
 * @param release        {@code uname -r} of the kernel
 * @param version        Debian package version the files came from, e.g. {@code 6.1.192-2}
 * @param buildId        GNU build id of vmlinux (hex), the identity a patch is built for
 * @param fetchedAt      when the fetch completed
 * @param packages       the Debian packages that were unpacked
 * @param warnings       compromises the fetch made, e.g. a linux-kbuild of a neighbouring version
 */
public record KernelInfo(String release, String version, String buildId, Instant fetchedAt,
                         List<PackageRef> packages, List<String> warnings) {

    public KernelInfo {
        packages = packages == null ? List.of() : List.copyOf(packages);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** One Debian package that went into the cache. */
    public record PackageRef(String name, String version, String sha256, long size) {
        static PackageRef of(DebianPackage p) {
            return new PackageRef(p.name(), p.version().toString(), p.sha256(), p.size());
        }
    }
}
