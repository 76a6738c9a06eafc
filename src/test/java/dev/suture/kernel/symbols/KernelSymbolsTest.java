package dev.suture.kernel.symbols;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.ModuleIndex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Livepatch positions, translation units and traceability read from the real default kernel. */
class KernelSymbolsTest {
    private static CachedKernel kernel;
    private static KernelSymbols vmlinux;

    @BeforeAll
    static void load() {
        kernel = Kernels.resolve(null, System.err);
        vmlinux = KernelSymbols.ofVmlinux(kernel.vmlinux());
    }

    @Test
    void duplicatedStaticsArePositionedInAddressOrderAndGroupedByUnit() {
        List<KernelSymbol> cNext = vmlinux.named("c_next");
        assertThat(cNext).hasSizeGreaterThanOrEqualTo(3);
        assertThat(cNext).extracting(KernelSymbol::position).containsExactly(
                java.util.stream.IntStream.rangeClosed(1, cNext.size()).boxed().toArray(Integer[]::new));
        assertThat(cNext).isSortedAccordingTo(java.util.Comparator.comparingLong(KernelSymbol::address));
        assertThat(cNext).allMatch(s -> !s.global() && s.count() == cNext.size());
        // Two translation units share the file name proc.c; they are still different units.
        List<KernelSymbol> inProcC = cNext.stream().filter(s -> s.file().equals("proc.c")).toList();
        assertThat(inProcC).hasSize(2);
        assertThat(inProcC.get(0).sameUnit(inProcC.get(1))).isFalse();
        KernelSymbol showCpuinfo = vmlinux.named("show_cpuinfo").getFirst();
        assertThat(cNext.stream().filter(showCpuinfo::sameUnit)).hasSize(1);
    }

    @Test
    void uniqueNamesHavePositionZero() {
        assertThat(vmlinux.named("cmdline_proc_show")).singleElement()
                .satisfies(s -> assertThat(s.position()).isZero())
                .satisfies(s -> assertThat(s.file()).isEqualTo("cmdline.c"));
    }

    @Test
    void traceabilityFollowsTheFtraceCallSites() {
        assertThat(vmlinux.traceable(vmlinux.named("cmdline_proc_show").getFirst())).isTrue();
        assertThat(vmlinux.traceable(vmlinux.named("do_syscall_64").getFirst())).as("noinstr entry code").isFalse();
        ModuleIndex index = ModuleIndex.load(kernel.modulesDir());
        KernelSymbols xfs = KernelSymbols.ofModule("xfs", kernel.modulesDir().resolve(index.pathOf("xfs")));
        assertThat(xfs.traceable(xfs.named("xfs_stats_format").getFirst())).isTrue();
    }

    @Test
    void closestNamesHelpWithTypos() {
        assertThat(vmlinux.closest("cmdline_proc_shwo", 3)).contains("cmdline_proc_show");
    }
}
