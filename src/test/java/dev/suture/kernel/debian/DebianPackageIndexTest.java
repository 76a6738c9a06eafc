package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import org.junit.jupiter.api.Test;

/** Grouping apt's stanzas into kernels, as {@code apt-cache show} prints them for bookworm. */
class DebianPackageIndexTest {
    private static final String ARCHIVE = String.join("\n",
            // 6.1.0-57: newest, but the archive lost its -dbg package
            image("6.1.0-57-cloud-amd64", "6.1.199-1"),
            headers("6.1.0-57-cloud-amd64", "6.1.199-1", "linux-headers-6.1.0-57-common"),
            stanza("linux-headers-6.1.0-57-common", "6.1.199-1", "all", ""),
            // 6.1.0-56: complete, in two flavours and rt
            image("6.1.0-56-cloud-amd64", "6.1.192-2"),
            image("6.1.0-56-cloud-amd64", "6.1.192-2"), // listed again by a second suite
            stanza("linux-image-6.1.0-56-cloud-amd64-unsigned", "6.1.192-2", "amd64", ""),
            headers("6.1.0-56-cloud-amd64", "6.1.192-2", "linux-headers-6.1.0-56-common"),
            stanza("linux-image-6.1.0-56-cloud-amd64-dbg", "6.1.192-2", "amd64", ""),
            image("6.1.0-56-amd64", "6.1.192-2"),
            headers("6.1.0-56-amd64", "6.1.192-2", "linux-headers-6.1.0-56-common"),
            stanza("linux-image-6.1.0-56-amd64-dbg", "6.1.192-2", "amd64", ""),
            stanza("linux-headers-6.1.0-56-common", "6.1.192-2", "all", ""),
            image("6.1.0-56-rt-amd64", "6.1.192-2"),
            headers("6.1.0-56-rt-amd64", "6.1.192-2", "linux-headers-6.1.0-56-common-rt"),
            stanza("linux-headers-6.1.0-56-common-rt", "6.1.192-2", "all", ""),
            stanza("linux-image-6.1.0-56-rt-amd64-dbg", "6.1.192-2", "amd64", ""),
            // 6.1.0-53: complete, but its kbuild version is gone from the archive
            image("6.1.0-53-cloud-amd64", "6.1.187-1"),
            headers("6.1.0-53-cloud-amd64", "6.1.187-1", "linux-headers-6.1.0-53-common"),
            stanza("linux-headers-6.1.0-53-common", "6.1.187-1", "all", ""),
            stanza("linux-image-6.1.0-53-cloud-amd64-dbg", "6.1.187-1", "amd64", ""),
            // 6.1.0-52: only the image is left
            image("6.1.0-52-cloud-amd64", "6.1.180-1"),
            // per-series packages
            stanza("linux-kbuild-6.1", "6.1.192-2", "amd64", ""),
            stanza("linux-kbuild-6.1", "6.1.176-1", "amd64", ""),
            stanza("linux-source-6.1", "6.1.192-2", "all", ""),
            stanza("linux-source-6.1", "6.1.187-1", "all", ""));

    private final DebianPackageIndex index = DebianPackageIndex.parse(ARCHIVE);

    @Test
    void releasesAreImagesOnlyNewestFirst() {
        assertThat(index.releases()).extracting(KernelRelease::toString).containsExactly(
                "6.1.0-57-cloud-amd64", "6.1.0-56-rt-amd64", "6.1.0-56-cloud-amd64", "6.1.0-56-amd64",
                "6.1.0-53-cloud-amd64", "6.1.0-52-cloud-amd64");
    }

    @Test
    void usualFlavoursLeaveOutRt() {
        assertThat(index.kernels(false)).extracting(AvailableKernel::release)
                .doesNotContain("6.1.0-56-rt-amd64").contains("6.1.0-56-amd64");
        assertThat(index.kernels(true)).extracting(AvailableKernel::release).contains("6.1.0-56-rt-amd64");
    }

    @Test
    void completeKernelHasEveryMark() {
        AvailableKernel k = kernel("6.1.0-56-cloud-amd64");

        assertThat(k.version()).isEqualTo("6.1.192-2");
        assertThat(k.flavour()).isEqualTo("cloud-amd64");
        assertThat(k.headers()).isTrue();
        assertThat(k.dbg()).isTrue();
        assertThat(k.kbuild()).isEqualTo("6.1.192-2");
        assertThat(k.kbuildExact()).isTrue();
        assertThat(k.source()).isTrue();
        assertThat(k.fetchable()).isTrue();
    }

    @Test
    void missingKbuildVersionIsReplacedByTheNearestAndMarked() {
        AvailableKernel k = kernel("6.1.0-53-cloud-amd64");

        assertThat(k.kbuild()).isEqualTo("6.1.192-2");
        assertThat(k.kbuildExact()).isFalse();
        assertThat(k.source()).isTrue();
        assertThat(k.fetchable()).isTrue();
        assertThat(index.require(KernelRelease.parse("6.1.0-53-cloud-amd64")).warnings())
                .singleElement().asString().contains("6.1.187-1").contains("6.1.192-2");
    }

    @Test
    void imageWithoutHeadersOrDbgIsListedButNotFetchable() {
        AvailableKernel k = kernel("6.1.0-52-cloud-amd64");

        assertThat(k.headers()).isFalse();
        assertThat(k.dbg()).isFalse();
        assertThat(k.source()).isFalse();
        assertThat(k.fetchable()).isFalse();
        assertThat(kernel("6.1.0-57-cloud-amd64").headers()).isTrue();
        assertThat(kernel("6.1.0-57-cloud-amd64").dbg()).isFalse();
    }

    @Test
    void defaultIsTheNewestCompleteCloudKernel() {
        assertThat(index.defaultRelease()).map(KernelRelease::toString).contains("6.1.0-56-cloud-amd64");
    }

    @Test
    void packagesForAFetchFollowTheHeadersDependencies() {
        KernelPackages rt = index.require(KernelRelease.parse("6.1.0-56-rt-amd64"));

        assertThat(rt.headersCommon().name()).isEqualTo("linux-headers-6.1.0-56-common-rt");
        assertThat(rt.downloads()).extracting(DebianPackage::name).containsExactly(
                "linux-headers-6.1.0-56-rt-amd64", "linux-headers-6.1.0-56-common-rt", "linux-kbuild-6.1",
                "linux-image-6.1.0-56-rt-amd64", "linux-image-6.1.0-56-rt-amd64-dbg");
        assertThat(rt.downloads()).allSatisfy(p -> assertThat(p.sha256()).isNotEmpty());
    }

    @Test
    void unknownReleaseNamesWhatIsAvailable() {
        assertThatThrownBy(() -> index.require(KernelRelease.parse("6.1.0-99-cloud-amd64")))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("6.1.0-99-cloud-amd64 is not in Debian's archive")
                .hasMessageContaining("6.1.0-56-cloud-amd64, 6.1.0-56-amd64, 6.1.0-53-cloud-amd64")
                .extracting(e -> ((SutureException) e).fix()).asString().contains("list-available");
    }

    @Test
    void incompleteReleaseSaysWhatIsMissing() {
        assertThatThrownBy(() -> index.require(KernelRelease.parse("6.1.0-57-cloud-amd64")))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("lacks linux-image-6.1.0-57-cloud-amd64-dbg 6.1.199-1")
                .hasMessageNotContaining("linux-headers-6.1.0-57-cloud-amd64 ");
    }

    @Test
    void dependencyNamesDropVersionsAndKeepAlternatives() {
        DebianPackage p = DebianPackage.of(Deb822.parse(
                "Package: x\nVersion: 1\nDepends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120) | "
                        + "linux-initramfs-tool\nInstalled-Size: 3\n").getFirst());

        assertThat(p.dependencyNames()).containsExactly("kmod", "linux-base", "initramfs-tools",
                "linux-initramfs-tool");
        assertThat(p.installedSize()).isEqualTo(3 * 1024);
    }

    private AvailableKernel kernel(String release) {
        return index.kernels(true).stream().filter(k -> k.release().equals(release)).findFirst().orElseThrow();
    }

    private static String image(String release, String version) {
        return stanza("linux-image-" + release, version, "amd64",
                "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool");
    }

    private static String headers(String release, String version, String common) {
        return stanza("linux-headers-" + release, version, "amd64",
                common + " (= " + version + "), linux-kbuild-6.1 (>= " + version + "), linux-compiler-gcc-12-x86");
    }

    private static String stanza(String name, String version, String arch, String depends) {
        return "Package: " + name + "\n"
                + "Version: " + version + "\n"
                + "Architecture: " + arch + "\n"
                + (depends.isEmpty() ? "" : "Depends: " + depends + "\n")
                + "Installed-Size: 1000\n"
                + "Filename: pool/main/l/linux/" + name + "_" + version + "_" + arch + ".deb\n"
                + "Size: 12345\n"
                + "SHA256: " + Integer.toHexString((name + version).hashCode()) + "\n";
    }
}
