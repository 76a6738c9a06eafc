package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.symbols.OriginalCode;
import dev.suture.manifest.PatchManifest;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The run-pre check in a booted kernel: code recorded from the -dbg vmlinux matches the running code of a wide
 * sample of functions once the run-time rewrites are masked, and a changed original is refused by name.
 */
class RunPreCheckVmTest {

    @Test
    void recordedCodeMatchesTheRunningKernelAndADifferentOriginalIsRefused() throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        KernelSymbols vmlinux = KernelSymbols.ofVmlinux(kernel.vmlinux(), () -> SpecialSectionLayout.of(kernel));
        long stext = vmlinux.named("_stext").getFirst().address();
        long etext = vmlinux.named("_etext").getFirst().address();

        List<PatchManifest.Function> sample = new ArrayList<>();
        List<String> names = vmlinux.names();
        for (int i = 0; i < names.size() && sample.size() < 120; i += 97) {
            for (KernelSymbol f : vmlinux.named(names.get(i))) {
                if (f.function() && f.unique() && f.size() > 0 && f.address() >= stext && f.address() < etext
                        && vmlinux.traceable(f)) {
                    sample.add(function(vmlinux, f));
                }
            }
        }
        // Functions full of boot-time rewrites: alternatives, paravirt, returns, static calls.
        for (String name : List.of("cmdline_proc_show", "schedule", "do_sys_openat2", "__x64_sys_getpid", "vfs_read")) {
            sample.add(function(vmlinux, vmlinux.named(name).getFirst()));
        }
        assertThat(sample).hasSizeGreaterThan(60);

        try (TestVm vm = TestVm.boot(VmSpec.of("itest-runpre", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            RunPreCheck check = new RunPreCheck(vm.channel());
            List<RunPreCheck.Checked> checked = check.verify(manifest(sample));
            assertThat(checked).hasSize(sample.size()).allMatch(c -> c.result().equals("matches"));

            PatchManifest.Function cmdline = sample.get(sample.size() - 5);
            byte[] changed = Base64.getDecoder().decode(cmdline.code());
            int unmasked = firstUnmasked(cmdline, changed.length);
            changed[unmasked] ^= 0x01;
            PatchManifest.Function tampered = new PatchManifest.Function(cmdline.object(), cmdline.name(), 0,
                    cmdline.replacement(), Base64.getEncoder().encodeToString(changed), cmdline.mask());
            assertThatThrownBy(() -> check.verify(manifest(List.of(tampered))))
                    .isInstanceOf(SutureException.class)
                    .hasMessageContaining("run-pre check").hasMessageContaining("vmlinux:cmdline_proc_show")
                    .hasMessageContaining(String.format("at +0x%x", unmasked)).hasMessageContaining("nothing was loaded");
        }
    }

    private static PatchManifest.Function function(KernelSymbols symbols, KernelSymbol f) {
        OriginalCode code = symbols.originalCode(f);
        return new PatchManifest.Function("vmlinux", f.name(), f.position(), "unused",
                Base64.getEncoder().encodeToString(code.bytes()), code.masked());
    }

    private static PatchManifest manifest(List<PatchManifest.Function> functions) {
        return new PatchManifest(PatchManifest.FORMAT, "suture_runpre", "r", "b", "t.c", "0", Instant.now(), false, functions);
    }

    private static int firstUnmasked(PatchManifest.Function f, int length) {
        for (int i = 8; i < length; i++) {
            int at = i;
            if (f.mask().stream().noneMatch(m -> at >= m[0] && at < m[0] + m[1])) {
                return i;
            }
        }
        throw new AssertionError("no unmasked byte in " + f.name());
    }
}
