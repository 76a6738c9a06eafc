package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.patch.source.SymbolChoice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, for every symbol a patch module leaves undefined, how the kernel will find it: by the module
 * loader (an export of vmlinux), or by livepatch from a named object and position. Static namesakes are told
 * apart by the user's SUTURE_SYMBOL_AT choice, else by being in the same source file as a replaced function.
 * A global the fix itself adds is the module's own, whatever the kernel has of that name: never a livepatch
 * relocation, never unknown.
 */
final class SymbolResolver {
    /** How one undefined symbol gets resolved. */
    sealed interface Resolution {
        /** Left to the module loader: exported by vmlinux or by a module the patch may depend on. */
        record Exported(String name, String exporter) implements Resolution {
        }

        /**
         * Defined by the fix (a new function or variable of one of its units) and so by the patch module itself:
         * a plain reference, which kbuild's link has resolved already.
         */
        record InPatch(String name) implements Resolution {
        }

        /** Resolved by livepatch: {@code .klp.sym.OBJECT.NAME,POSITION}. */
        record Livepatch(String name, String object, int position) implements Resolution {
            String klpName() {
                return ".klp.sym." + object + "." + name + "," + position;
            }
        }
    }

    private final KernelExports exports;
    private final KernelSymbols vmlinux;
    private final Map<String, KernelSymbols> patchedModules;
    private final List<SymbolChoice> choices;
    /** The kernel's originals of the functions the fix replaces. */
    private final List<KernelSymbol> replaced;
    private final String fixName;
    private final Map<String, Resolution.Livepatch> decided;
    private final Set<String> newInFix;

    SymbolResolver(KernelExports exports, KernelSymbols vmlinux, Map<String, KernelSymbols> patchedModules,
                   List<SymbolChoice> choices, List<KernelSymbol> replaced, String fixName) {
        this(exports, vmlinux, patchedModules, choices, replaced, fixName, Map.of(), Set.of());
    }

    /**
     * @param decided  names already resolved by whoever made the object (placeholders for a unit's own static
     *                 symbols, whose object and position are known exactly)
     * @param newInFix the global functions and data the fix adds (see {@link NewGlobals})
     */
    SymbolResolver(KernelExports exports, KernelSymbols vmlinux, Map<String, KernelSymbols> patchedModules,
                   List<SymbolChoice> choices, List<KernelSymbol> replaced, String fixName,
                   Map<String, Resolution.Livepatch> decided, Set<String> newInFix) {
        this.decided = decided;
        this.newInFix = newInFix;
        this.exports = exports;
        this.vmlinux = vmlinux;
        this.patchedModules = patchedModules;
        this.choices = choices;
        this.replaced = replaced;
        this.fixName = fixName;
    }

    Resolution resolve(String name) {
        Resolution.Livepatch known = decided.get(name);
        if (known != null) {
            return known;
        }
        // Before the kernel's objects: a patched module's static of the same name is another symbol.
        if (newInFix.contains(name)) {
            return new Resolution.InPatch(name);
        }
        // A symbol of a patched module goes through livepatch even if exported, so the patch never forces that
        // module to load first; it is resolved when the module arrives.
        for (KernelSymbols module : patchedModules.values()) {
            if (!module.named(name).isEmpty()) {
                return livepatch(module, name);
            }
        }
        Optional<String> exporter = exports.exporter(name);
        if (exporter.isPresent()) {
            return new Resolution.Exported(name, exporter.get());
        }
        if (!vmlinux.named(name).isEmpty()) {
            return livepatch(vmlinux, name);
        }
        List<String> near = vmlinux.closest(name, 5);
        throw new SutureException(fixName + ": the new code refers to '" + name + "', which the target kernel does not have"
                + " in vmlinux" + (patchedModules.isEmpty() ? "" : " or in " + String.join(", ", patchedModules.keySet()))
                + " (closest: " + String.join(", ", near) + ")",
                "fix the name, or if it lives in a module, replace a function of that module in the same fix");
    }

    private Resolution.Livepatch livepatch(KernelSymbols object, String name) {
        List<KernelSymbol> candidates = object.named(name);
        if (candidates.size() == 1) {
            return new Resolution.Livepatch(name, object.object(), 0);
        }
        Optional<SymbolChoice> chosen = choices.stream()
                .filter(c -> c.object().equals(object.object()) && c.name().equals(name)).findFirst();
        if (chosen.isPresent()) {
            int pos = chosen.get().position();
            if (pos > candidates.size()) {
                throw ambiguity(object, name, candidates, "SUTURE_SYMBOL_AT at line " + chosen.get().line()
                        + " picks position " + pos + " but there are only " + candidates.size());
            }
            return new Resolution.Livepatch(name, object.object(), pos);
        }
        // A static namesake from the translation unit of a replaced function is the one its code meant.
        List<KernelSymbol> sameUnit = candidates.stream()
                .filter(c -> replaced.stream().anyMatch(c::sameUnit)).toList();
        if (sameUnit.size() == 1) {
            return new Resolution.Livepatch(name, object.object(), sameUnit.getFirst().position());
        }
        throw ambiguity(object, name, candidates, "the name occurs " + candidates.size() + " times");
    }

    private SutureException ambiguity(KernelSymbols object, String name, List<KernelSymbol> candidates, String why) {
        String list = candidates.stream().map(c -> "  " + c.describe()).collect(Collectors.joining("\n"));
        return new SutureException(fixName + ": '" + name + "' is ambiguous in " + object.object() + ": " + why + ":\n" + list,
                "pick one with SUTURE_SYMBOL_AT(" + object.object() + ", " + name + ", POSITION); in the function file");
    }
}
