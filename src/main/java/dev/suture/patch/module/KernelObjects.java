package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.symbols.KernelReferences;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.ModuleIndex;
import dev.suture.patch.source.Replacement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The symbol tables of a target kernel's objects, read once each: vmlinux from the {@code -dbg} package, a
 * module from the kernel's modules tree, or an out-of-tree module from the file the user gave.
 */
final class KernelObjects {
    private final CachedKernel kernel;
    private final Map<String, Path> outOfTree = new LinkedHashMap<>();
    private final Map<String, KernelSymbols> read = new HashMap<>();
    private final Map<String, KernelReferences> references = new HashMap<>();
    private ModuleIndex modules;
    private SpecialSectionLayout layout;

    KernelObjects(CachedKernel kernel) {
        this.kernel = kernel;
    }

    /** Makes an out-of-tree module (a vendor driver, a DKMS module) known by its {@code .ko}. */
    void addModuleFile(Path ko) {
        if (!Files.isRegularFile(ko)) {
            throw new SutureException("no such module file: " + ko, "give the .ko that runs on the target");
        }
        outOfTree.put(ModuleIndex.nameOf(ko.getFileName().toString()), ko);
    }

    /** Whether the kernel ships the module (in its modules tree, or as an out-of-tree file given). */
    boolean hasModule(String name) {
        return outOfTree.containsKey(name) || modules().contains(name);
    }

    private ModuleIndex modules() {
        if (modules == null) {
            modules = ModuleIndex.load(kernel.modulesDir());
        }
        return modules;
    }

    KernelSymbols vmlinux() {
        return of(Replacement.VMLINUX);
    }

    KernelSymbols of(String object) {
        KernelSymbols known = read.get(object);
        if (known == null) {
            known = load(object);
            read.put(object, known);
        }
        return known;
    }

    /** The kernel's special-section layout, probed (once per kernel) when original code is first asked for. */
    private SpecialSectionLayout layout() {
        if (layout == null) {
            layout = SpecialSectionLayout.of(kernel);
        }
        return layout;
    }

    private KernelSymbols load(String object) {
        if (Replacement.VMLINUX.equals(object)) {
            return KernelSymbols.ofVmlinux(kernel.vmlinux(), this::layout);
        }
        return KernelSymbols.ofModule(object, moduleFile(object), this::layout);
    }

    /** The file of a module of the kernel (or an out-of-tree one given). */
    Path moduleFile(String object) {
        Path file = outOfTree.get(object);
        if (file != null) {
            return file;
        }
        ModuleIndex index = modules();
        if (!index.contains(object)) {
            throw new SutureException("the target kernel has no module '" + object + "'",
                    "name vmlinux or a module of " + kernel.info().release()
                            + ", or give an out-of-tree module's file with --with-module PATH.ko");
        }
        return kernel.modulesDir().resolve(index.pathOf(object));
    }

    /** What in an object refers to its functions, read once, when first asked (vmlinux's relocations are large). */
    KernelReferences references(String object) {
        KernelReferences known = references.get(object);
        if (known == null) {
            Path file = Replacement.VMLINUX.equals(object) ? kernel.vmlinux() : moduleFile(object);
            try {
                known = KernelReferences.of(file);
            } catch (java.io.IOException e) {
                throw new SutureException("cannot read the relocations of " + object + " from " + file + ": " + e.getMessage(),
                        "fetch the kernel again (suture kernel rm, then fetch)", e);
            }
            references.put(object, known);
        }
        return known;
    }
}
