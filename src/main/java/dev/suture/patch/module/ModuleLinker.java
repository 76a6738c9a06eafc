package dev.suture.patch.module;

import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.Kbuild;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.kernel.symbols.KernelExports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The ending every build shares, whichever front-end planned it: kbuild links the directory into a module,
 * references the module loader cannot resolve become livepatch relocations (or a refusal by the load-time
 * rule), debug info is dropped, the module is signed if asked, and it is written atomically.
 */
final class ModuleLinker {
    private ModuleLinker() {
    }

    /** {@code signer}: signs the finished module (last: any later change to the file would break the signature), or null. */
    static BuildOutcome link(CachedKernel kernel, KernelObjects objects, ModulePlan plan, Path dir, Path output,
                             ModuleSigner signer) throws IOException {
        String name = plan.manifest().name();
        Kbuild.Result make = Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
        Path built = dir.resolve(name + ".ko");
        if (!make.ok() || !Files.isRegularFile(built)) {
            throw plan.linkFailure().apply(make.output());
        }
        SymbolResolver resolver = new SymbolResolver(KernelExports.of(kernel), objects.vmlinux(), plan.patchedModules(),
                plan.choices(), plan.originals(), plan.fixName(), plan.placeholders(), plan.newSymbols());
        ElfFile ko = ElfFile.read(Files.readAllBytes(built));
        KlpConverter.Conversion conversion = KlpConverter.convert(ko, resolver, plan.fixName());
        if (!conversion.refusals().isEmpty()) {
            return new BuildOutcome.Refused(conversion.refusals(), plan.units());
        }
        dropDebugInfo(ko);
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        try {
            ko.write(tmp);
            if (signer != null) {
                signer.sign(kernel, tmp);
            }
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new BuildOutcome.Built(output, plan.manifest(), plan.units(), conversion.converted(), plan.notes());
    }

    /**
     * Debug info is most of a module built with the kernel's flags and is never loaded; without it the patch
     * travels to its machines an order of magnitude smaller.
     */
    static void dropDebugInfo(ElfFile ko) {
        // Relocations first: debug sections refer to each other's section symbols.
        for (String prefix : List.of(".rela.debug_", ".debug_")) {
            for (var section : new ArrayList<>(ko.sections())) {
                if (section.name().startsWith(prefix) && ko.indexOf(section) >= 0) {
                    ko.removeSection(section);
                }
            }
        }
    }
}
