package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.symbols.KernelSymbols;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the patch module's undefined names are found, against the default kernel's real symbol tables: names the
 * fix adds are the module's own before anything the kernel has; the others go to the loader or to livepatch.
 */
class SymbolResolverTest {
    private static KernelExports exports;
    private static KernelSymbols vmlinux;
    private static Map<String, KernelSymbols> binfmtMisc;

    @BeforeAll
    static void readKernel() {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        KernelObjects objects = new KernelObjects(kernel);
        exports = KernelExports.of(kernel);
        vmlinux = objects.vmlinux();
        binfmtMisc = Map.of("binfmt_misc", objects.of("binfmt_misc"));
    }

    private static SymbolResolver resolver(Set<String> newInFix) {
        return new SymbolResolver(exports, vmlinux, binfmtMisc, List.of(), List.of(), "fix.diff", Map.of(), newInFix);
    }

    @Test
    void aNameTheFixAddsIsThePatchModulesOwnWhereVmlinuxHasNone() {
        assertThat(resolver(Set.of("bprm_extension")).resolve("bprm_extension"))
                .isEqualTo(new SymbolResolver.Resolution.InPatch("bprm_extension"));
        // Without the fix's word, the same name is unknown to the kernel: that is the refusal it replaces.
        assertThatThrownBy(() -> resolver(Set.of()).resolve("bprm_extension"))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("the new code refers to 'bprm_extension', which the target kernel does not have");
    }

    @Test
    void aNameTheFixAddsIsThePatchModulesOwnEvenWhereAPatchedModuleHasANamesake() {
        // binfmt_misc's static list of entries; a new global 'entries' of a vmlinux unit is another symbol.
        assertThat(resolver(Set.of()).resolve("entries"))
                .isEqualTo(new SymbolResolver.Resolution.Livepatch("entries", "binfmt_misc", 0));
        assertThat(resolver(Set.of("entries")).resolve("entries"))
                .isEqualTo(new SymbolResolver.Resolution.InPatch("entries"));
    }

    @Test
    void aNameTheFixAddsIsThePatchModulesOwnEvenWhereVmlinuxHasANamesake() {
        // uts_sem is vmlinux's and not exported: livepatch finds it, unless the fix's module defines the name.
        assertThat(resolver(Set.of()).resolve("uts_sem"))
                .isEqualTo(new SymbolResolver.Resolution.Livepatch("uts_sem", "vmlinux", 0));
        assertThat(resolver(Set.of("uts_sem")).resolve("uts_sem"))
                .isEqualTo(new SymbolResolver.Resolution.InPatch("uts_sem"));
    }

    @Test
    void namesTheFixDoesNotAddResolveAsTheKernelHasThem() {
        SymbolResolver resolver = resolver(Set.of("bprm_extension", "uts_hostname_changes"));

        assertThat(resolver.resolve("_printk")).isEqualTo(new SymbolResolver.Resolution.Exported("_printk", "vmlinux"));
        assertThat(resolver.resolve("uts_sem")).isEqualTo(new SymbolResolver.Resolution.Livepatch("uts_sem", "vmlinux", 0));
        assertThat(resolver.resolve("entries_lock"))
                .isEqualTo(new SymbolResolver.Resolution.Livepatch("entries_lock", "binfmt_misc", 0));
    }

    @Test
    void aPlaceholderForAUnitsOwnStaticKeepsItsExactPosition() {
        SymbolResolver.Resolution.Livepatch exact = new SymbolResolver.Resolution.Livepatch("m_start", "vmlinux", 3);
        SymbolResolver resolver = new SymbolResolver(exports, vmlinux, Map.of(), List.of(), List.of(), "fix.diff",
                Map.of("__suture0_klp_0", exact), Set.of("m_start"));

        assertThat(resolver.resolve("__suture0_klp_0")).isEqualTo(exact);
    }
}
