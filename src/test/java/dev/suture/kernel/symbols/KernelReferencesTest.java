package dev.suture.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.ModuleIndex;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who refers to a function, read from the default kernel's own relocations: vmlinux's and a module's. */
class KernelReferencesTest {
    private static CachedKernel kernel;
    private static KernelSymbols vmlinux;
    private static KernelReferences vmlinuxReferences;

    @BeforeAll
    static void defaultKernel() throws Exception {
        kernel = Kernels.resolve(null, System.err);
        vmlinux = KernelSymbols.ofVmlinux(kernel.vmlinux());
        vmlinuxReferences = KernelReferences.of(kernel.vmlinux());
    }

    private static KernelSymbol only(KernelSymbols symbols, String name) {
        return symbols.named(name).stream().filter(KernelSymbol::function).findFirst().orElseThrow();
    }

    @Test
    void callersAcrossUnitsOfVmlinux() {
        // fs/proc/array.c's proc_task_name: its two callers there, and comm_show in fs/proc/base.c.
        KernelSymbol taskName = only(vmlinux, "proc_task_name");
        assertThat(vmlinuxReferences.to(taskName, List.of()))
                .containsExactlyInAnyOrder("comm_show", "do_task_stat", "proc_pid_status");
        assertThat(vmlinuxReferences.to(taskName, List.of(only(vmlinux, "do_task_stat"), only(vmlinux, "proc_pid_status"))))
                .containsExactly("comm_show");
    }

    @Test
    void aStaticFunctionsPointerTakenInAnotherSectionIsAReference() {
        // comm_open passes comm_show to single_open: a mov of its address, relocated in vmlinux.
        assertThat(vmlinuxReferences.to(only(vmlinux, "comm_show"), List.of())).containsExactly("comm_open");
    }

    @Test
    void tablesThatOnlyDescribeCodeAreNoCallers() {
        // Every function has ftrace, ORC and maybe exception entries; an unreferenced one has no referrer.
        assertThat(vmlinuxReferences.to(only(vmlinux, "prctl_set_auxv"), List.of())).isEmpty();
    }

    @Test
    void referencesInsideAModule() throws Exception {
        ModuleIndex modules = ModuleIndex.load(kernel.modulesDir());
        var ko = kernel.modulesDir().resolve(modules.pathOf("bridge"));
        KernelSymbols bridge = KernelSymbols.ofModule("bridge", ko);
        KernelReferences references = KernelReferences.of(ko);
        // br_mst.c's global br_mst_set_state: called from br_stp.c's br_set_state, and from br_mst_process of its
        // own unit (the assembler keeps the relocation of a call to a global function, even within a section).
        assertThat(references.to(only(bridge, "br_mst_set_state"), List.of()))
                .containsExactlyInAnyOrder("br_set_state", "br_mst_process");
        assertThat(references.to(only(bridge, "br_mst_set_state"), List.of(only(bridge, "br_set_state"))))
                .containsExactly("br_mst_process");
    }
}
