package dev.suture.kernel;

import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.debian.KernelRelease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.Json;
import dev.suture.SutureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which kernel "the default" is, with and without apt's package lists. */
class KernelsDefaultTest {
    private static final String ARCHIVE = """
            Package: linux-image-6.1.0-56-cloud-amd64
            Version: 6.1.192-2

            Package: linux-headers-6.1.0-56-cloud-amd64
            Version: 6.1.192-2
            Depends: linux-headers-6.1.0-56-common (= 6.1.192-2), linux-kbuild-6.1 (>= 6.1.192-2)

            Package: linux-headers-6.1.0-56-common
            Version: 6.1.192-2

            Package: linux-image-6.1.0-56-cloud-amd64-dbg
            Version: 6.1.192-2

            Package: linux-kbuild-6.1
            Version: 6.1.192-2
            """;

    @TempDir
    Path root;

    @Test
    void aptDecidesWhenItKnowsKernels() throws Exception {
        KernelCache cache = cacheWith("6.1.0-53-cloud-amd64");

        assertThat(Kernels.defaultRelease(() -> DebianPackageIndex.parse(ARCHIVE), cache))
                .hasToString("6.1.0-56-cloud-amd64");
    }

    @Test
    void newestCachedKernelWhenAptKnowsNothing() throws Exception {
        KernelCache cache = cacheWith("6.1.0-50-amd64", "6.1.0-53-cloud-amd64");

        assertThat(Kernels.defaultRelease(KernelsDefaultTest::noAptLists, cache)).hasToString("6.1.0-53-cloud-amd64");
    }

    @Test
    void neitherAptNorCacheIsAnErrorWithAptsFix() {
        KernelCache cache = new KernelCache(root);

        assertThatThrownBy(() -> Kernels.defaultRelease(KernelsDefaultTest::noAptLists, cache))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no Debian kernel packages known to apt")
                .hasMessageContaining("the cache is empty")
                .extracting(e -> ((SutureException) e).fix()).isEqualTo("run 'apt-get update' as root");
    }

    private static DebianPackageIndex noAptLists() {
        throw new SutureException("no Debian kernel packages known to apt", "run 'apt-get update' as root");
    }

    private KernelCache cacheWith(String... releases) throws Exception {
        KernelCache cache = new KernelCache(root);
        for (String release : releases) {
            Path dir = Files.createDirectories(cache.releaseDir(KernelRelease.parse(release)));
            Json.writeAtomically(dir.resolve(CachedKernel.INFO_FILE),
                    new KernelInfo(release, "1", "00", Instant.EPOCH, List.of(), List.of()));
        }
        return cache;
    }
}
