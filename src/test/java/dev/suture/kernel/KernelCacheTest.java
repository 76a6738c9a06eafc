package dev.suture.kernel;

import dev.suture.Progress;

import dev.suture.kernel.debian.KernelRelease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.Json;
import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only finished fetches count as cached: staging directories and half-made release directories do not. */
class KernelCacheTest {
    @TempDir
    Path root;

    @Test
    void finishedReleasesAreListedNewestFirst() throws IOException {
        KernelCache cache = new KernelCache(root);
        finished(cache, "6.1.0-53-cloud-amd64");
        finished(cache, "6.1.0-56-cloud-amd64");

        assertThat(cache.list()).extracting(k -> k.info().release())
                .containsExactly("6.1.0-56-cloud-amd64", "6.1.0-53-cloud-amd64");
        CachedKernel k = cache.require(KernelRelease.parse("6.1.0-56-cloud-amd64"));
        assertThat(k.dir()).isEqualTo(root.resolve("kernels/6.1.0-56-cloud-amd64"));
        assertThat(k.headersDir()).isEqualTo(k.dir().resolve("headers/usr/src/linux-headers-6.1.0-56-cloud-amd64"));
        assertThat(k.info().buildId()).isEqualTo("ab12");
    }

    @Test
    void stagingDirectoriesLockFilesAndUnfinishedDirectoriesAreNotListed() throws IOException {
        KernelCache cache = new KernelCache(root);
        KernelRelease staged = KernelRelease.parse("6.1.0-55-cloud-amd64");
        Path staging = Files.createDirectories(cache.stagingDir(staged));
        // Even a staging directory that already has its kernel.json is not finished until it is renamed.
        Json.writeAtomically(staging.resolve(CachedKernel.INFO_FILE), info("6.1.0-55-cloud-amd64"));
        Files.createDirectories(cache.stagingDir(staged).resolve("downloads"));
        Files.createFile(cache.lockFile(staged));
        Files.createDirectories(cache.releaseDir(KernelRelease.parse("6.1.0-54-cloud-amd64")).resolve("modules"));
        Files.createDirectories(cache.kernelsDir().resolve("not-a-release"));

        assertThat(cache.list()).isEmpty();
        assertThat(cache.find(staged)).isEmpty();
        assertThat(cache.find(KernelRelease.parse("6.1.0-54-cloud-amd64"))).isEmpty();
    }

    @Test
    void emptyOrMissingCacheListsNothing() {
        assertThat(new KernelCache(root.resolve("nowhere")).list()).isEmpty();
    }

    @Test
    void requireOfAnUncachedReleaseNamesTheCachedOnesAndTheFix() throws IOException {
        KernelCache cache = new KernelCache(root);
        finished(cache, "6.1.0-56-cloud-amd64");
        finished(cache, "6.1.0-53-cloud-amd64");

        assertThatThrownBy(() -> cache.require(KernelRelease.parse("6.1.0-50-amd64")))
                .isInstanceOf(SutureException.class)
                .hasMessage("kernel 6.1.0-50-amd64 is not in the cache "
                        + "(cached: 6.1.0-56-cloud-amd64, 6.1.0-53-cloud-amd64)")
                .extracting(e -> ((SutureException) e).fix())
                .isEqualTo("fetch it with 'suture kernel fetch 6.1.0-50-amd64'");
    }

    @Test
    void requireOnAnEmptyCacheSaysSo() {
        assertThatThrownBy(() -> new KernelCache(root).require(KernelRelease.parse("6.1.0-56-cloud-amd64")))
                .hasMessageEndingWith("(the cache is empty)");
    }

    @Test
    void removeDeletesTheWholeTreeWithoutFollowingLinks() throws IOException {
        KernelCache cache = new KernelCache(root);
        Path outside = Files.writeString(root.resolve("outside.txt"), "keep me");
        CachedKernel k = finished(cache, "6.1.0-56-cloud-amd64");
        Path headers = Files.createDirectories(k.dir().resolve("headers/usr/src/linux-headers-6.1.0-56-cloud-amd64"));
        Files.createSymbolicLink(headers.resolve("scripts"), Path.of("../../lib/linux-kbuild-6.1/scripts"));
        Files.createSymbolicLink(k.dir().resolve("link-out"), outside);

        cache.remove(k.release(), Progress.plain(new PrintStream(new ByteArrayOutputStream())));

        assertThat(k.dir()).doesNotExist();
        assertThat(cache.stagingDir(k.release())).doesNotExist();
        assertThat(cache.list()).isEmpty();
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void removeOfAnUncachedReleaseFails() {
        KernelCache cache = new KernelCache(root);

        assertThatThrownBy(() -> cache.remove(KernelRelease.parse("6.1.0-56-cloud-amd64"),
                Progress.plain(new PrintStream(new ByteArrayOutputStream()))))
                .isInstanceOf(SutureException.class).hasMessageContaining("is not in the cache");
    }

    @Test
    void sizeOnDiskCountsFiles() throws IOException {
        KernelCache cache = new KernelCache(root);
        CachedKernel k = finished(cache, "6.1.0-56-cloud-amd64");
        long infoSize = Files.size(k.dir().resolve(CachedKernel.INFO_FILE));
        Files.write(k.dir().resolve("vmlinuz"), new byte[4096]);

        assertThat(k.sizeOnDisk()).isEqualTo(infoSize + 4096);
    }

    private static CachedKernel finished(KernelCache cache, String release) throws IOException {
        Path dir = Files.createDirectories(cache.releaseDir(KernelRelease.parse(release)));
        Json.writeAtomically(dir.resolve(CachedKernel.INFO_FILE), info(release));
        return cache.require(KernelRelease.parse(release));
    }

    private static KernelInfo info(String release) {
        return new KernelInfo(release, "6.1.192-2", "ab12", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new KernelInfo.PackageRef("linux-image-" + release, "6.1.192-2", "00", 1)), List.of());
    }
}
