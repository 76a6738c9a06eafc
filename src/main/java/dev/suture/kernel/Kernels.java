package dev.suture.kernel;

import dev.suture.Progress;

import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.debian.KernelRelease;

import dev.suture.SutureException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The one call the rest of Suture needs: "give me this target kernel, fetching it if need be". */
public final class Kernels {
    private Kernels() {
    }

    /**
     * The cached kernel of the release, fetched first when it is not in the cache.
     *
     * @param releaseOrNull a release such as {@code 6.1.0-56-cloud-amd64}, or null for {@link #defaultRelease()}
     * @param progress      where fetch progress goes, as plain lines
     */
    public static CachedKernel resolve(String releaseOrNull, PrintStream progress) {
        return resolve(releaseOrNull, Progress.plain(progress));
    }

    /** The same, with fetch progress reported to {@code progress}. */
    public static CachedKernel resolve(String releaseOrNull, Progress progress) {
        KernelRelease release = releaseOrNull == null ? defaultRelease() : KernelRelease.parse(releaseOrNull);
        KernelCache cache = KernelCache.defaultCache();
        Optional<CachedKernel> cached = cache.find(release);
        if (cached.isPresent()) {
            return cached.get();
        }
        return new KernelFetcher(cache, progress).fetch(release);
    }

    /**
     * The newest cloud-amd64 kernel whose image, headers and debug symbols are all in Debian's archive;
     * when apt knows no kernels (no package lists, not Debian), the newest cached kernel instead.
     */
    public static KernelRelease defaultRelease() {
        return defaultRelease(DebianPackageIndex::system, KernelCache.defaultCache());
    }

    static KernelRelease defaultRelease(Supplier<DebianPackageIndex> archive, KernelCache cache) {
        SutureException aptFailure;
        try {
            Optional<KernelRelease> newest = archive.get().defaultRelease();
            if (newest.isPresent()) {
                return newest.get();
            }
            aptFailure = new SutureException("apt knows no complete " + DebianPackageIndex.DEFAULT_FLAVOUR
                    + " kernel", "run 'apt-get update' as root");
        } catch (SutureException e) {
            aptFailure = e;
        }
        List<CachedKernel> cached = cache.list();
        if (!cached.isEmpty()) {
            return cached.getFirst().release();
        }
        throw new SutureException("no default kernel: " + aptFailure.getMessage() + ", and the cache is empty",
                aptFailure.fix(), aptFailure);
    }
}
