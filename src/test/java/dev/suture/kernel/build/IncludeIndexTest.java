package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.Progress;
import dev.suture.kernel.debian.DebianPackageIndex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The default kernel's built-in units and which of them include a header, quoted or through other headers. */
class IncludeIndexTest {
    private static IncludeIndex index;

    @BeforeAll
    static void prepare() {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        SourceTree tree = new KernelSource(DebianPackageIndex.system(), Progress.plain(System.err)).prepare(kernel);
        index = IncludeIndex.of(kernel, tree);
    }

    @Test
    void everyBuiltInUnitIsKnownFromTheDebugInfo() {
        assertThat(index.unitCount()).isGreaterThan(1000);
        assertThat(index.unitsIncluding("include/linux/livepatch.h")).contains("kernel/livepatch/core.c");
    }

    @Test
    void aLocalHeaderReachesTheUnitsOfItsDirectory() {
        assertThat(index.unitsIncluding("fs/proc/internal.h"))
                .contains("fs/proc/root.c", "fs/proc/base.c", "fs/proc/generic.c")
                // cmdline.c is in fs/proc but includes only <linux/...> headers
                .doesNotContain("fs/proc/cmdline.c", "kernel/panic.c", "fs/proc/internal.h");
    }

    @Test
    void aHeaderIncludedThroughAnotherReachesItsUnitsToo() {
        // fs/proc/internal.h includes <linux/proc_ns.h>, so the proc units are reached through it.
        assertThat(index.unitsIncluding("include/linux/proc_ns.h")).contains("fs/proc/root.c", "fs/nsfs.c");
    }

    @Test
    void theCachedIndexIsReadBack(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        SourceTree tree = KernelSource.find(kernel).orElseThrow();
        assertThat(Files.isRegularFile(tree.build().resolveSibling("include-index.json"))).isTrue();
        assertThat(IncludeIndex.of(kernel, tree).unitCount()).isEqualTo(index.unitCount());
    }
}
