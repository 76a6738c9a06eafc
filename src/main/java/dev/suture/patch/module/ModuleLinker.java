package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.BtfIdResolver;
import dev.suture.kernel.build.Kbuild;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.kernel.symbols.KernelExports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
        KernelExports exports = KernelExports.of(kernel);
        Kbuild.Result make = make(kernel, exports, dir, name);
        Path built = dir.resolve(name + ".ko");
        if (!make.ok() || !Files.isRegularFile(built)) {
            KbuildFailure failure = KbuildFailure.of(make.output());
            if (failure.missingTool() != null) {
                throw new SutureException("kbuild could not run a tool it needs: " + failure.missingTool(),
                        "install the build tools (bin/setup, or apt-get install -y make gcc-12 flex bison bc libelf-dev libssl-dev)");
            }
            throw plan.linkFailure().apply(make.output());
        }
        List<String> notes = new ArrayList<>(plan.notes());
        for (String slot : resolveBtfIds(kernel, objects, plan, built)) {
            notes.add("BTF ID slot " + slot + " names a type the kernel's BTF does not have: it stays 0, as in the kernel's own copy");
        }
        SymbolResolver resolver = new SymbolResolver(exports, objects.vmlinux(), plan.patchedModules(),
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
        return new BuildOutcome.Built(output, plan.manifest(), plan.units(), conversion.converted(), notes);
    }

    /**
     * Fills the module's BTF ID slots ({@link BtfIdResolver}) when its code brought a {@code .BTF_ids} section along:
     * from vmlinux's BTF, or from the patched module's on vmlinux's. Returns the slots no type matched.
     */
    private static List<String> resolveBtfIds(CachedKernel kernel, KernelObjects objects, ModulePlan plan, Path ko)
            throws IOException {
        if (ElfFile.read(Files.readAllBytes(ko)).sections().stream().noneMatch(s -> s.name().equals(".BTF_ids"))) {
            return List.of();
        }
        String release = kernel.info().release();
        SourceTree tree = KernelSource.find(kernel).orElseThrow(() -> new SutureException(
                "the patch's code uses BTF ID lists or sets (BTF_ID_LIST, BTF_SET_START), which the kernel's own"
                        + " resolve_btfids fills, and " + release + "'s source is not prepared",
                "suture kernel source " + release));
        Set<String> modules = plan.patchedModules().keySet();
        if (modules.size() > 1) {
            throw new SutureException("the patch's code uses BTF ID lists or sets and patches " + modules.size()
                    + " modules (" + String.join(", ", modules) + "); its slots are filled from one module's BTF",
                    "split the fix: one patch per module");
        }
        if (modules.isEmpty()) {
            return BtfIdResolver.resolve(tree, ko, kernel.vmlinux(), java.util.Optional.empty());
        }
        return BtfIdResolver.resolve(tree, ko, objects.moduleFile(modules.iterator().next()),
                java.util.Optional.of(kernel.vmlinux()));
    }

    /**
     * kbuild on the directory, the glue importing the namespaces of the exports the code uses: those of the
     * objects a front-end extracted are known before; a function file's are known once it compiled, so when
     * the linked object needs more, the directory is built again with them.
     */
    private static Kbuild.Result make(CachedKernel kernel, KernelExports exports, Path dir, String name) throws IOException {
        Set<String> imported = NamespaceImports.needed(exports, NamespaceImports.shippedObjects(dir));
        NamespaceImports.write(dir, imported);
        Kbuild.Result make = Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
        Path linked = dir.resolve(name + ".o");
        if (make.ok() || !Files.isRegularFile(linked)) {
            return make;
        }
        Set<String> needed = NamespaceImports.needed(exports, List.of(linked));
        if (imported.containsAll(needed)) {
            return make;
        }
        needed.addAll(imported);
        NamespaceImports.write(dir, needed);
        return Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
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
