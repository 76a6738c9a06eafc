package dev.suture.kernel;

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
 */
public record KernelInfo(String release, String version, String buildId, Instant fetchedAt,
                         List<PackageRef> packages) {

    /** One Debian package that went into the cache. */
    public record PackageRef(String name, String version, String sha256, long size) {
    }
}
