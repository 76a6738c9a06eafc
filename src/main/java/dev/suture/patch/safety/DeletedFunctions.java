package dev.suture.patch.safety;

import dev.suture.kernel.build.SpecialSections;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who still calls a function a fix deletes. A live patch never removes the running kernel's copy: code that
 * calls it, or data that points at it, and that the patch does not replace, goes on running the old function.
 * Within the unit, its original object (compiled with a section per function) has every reference, calls to a
 * static function too, which the kernel's own build resolved without a relocation; beyond the unit the running
 * kernel's object tells ({@link RunningKernel#referrers}).
 */
final class DeletedFunctions {
    private DeletedFunctions() {
    }

    /**
     * What the patch replaces of the unit: changed functions; deleted ones; a changed function carried as a new
     * copy, whose callers the patch replaces instead, so nothing reaches its old copy; and a changed constant that
     * travels with the changed code that alone reads it (the data-initializer rule lets it).
     */
    static List<ObjectIndex.Entity> replaced(SafetyRules.UnitReview u) {
        List<ObjectIndex.Entity> replaced = new ArrayList<>();
        for (ObjectDiff.Decision d : u.decisions()) {
            if (d.original() == null || d.change() == ObjectDiff.Change.UNCHANGED) {
                continue;
            }
            if (d.function() || (d.change() == ObjectDiff.Change.CHANGED && SafetyRules.travelsWithCode(u, d.patched()))) {
                replaced.add(d.original());
            }
        }
        return replaced;
    }

    /**
     * The running kernel's copies of what the patch replaces, by object: a function a fix deletes in one unit may
     * be called from another unit of the same object that the fix changes too (a rename across files).
     */
    static Map<String, List<KernelSymbol>> replacedByObject(List<SafetyRules.UnitReview> units) {
        Map<String, List<KernelSymbol>> out = new HashMap<>();
        for (SafetyRules.UnitReview u : units) {
            List<KernelSymbol> copies = out.computeIfAbsent(u.kernel().object(), o -> new ArrayList<>());
            replaced(u).forEach(e -> u.kernel().copyOf(e).ifPresent(copies::add));
        }
        return out;
    }

    /**
     * The functions and data, outside what the patch replaces, that refer to {@code deleted}; empty when none do.
     * {@code replacedInObject}: the running kernel's copies of what the whole patch replaces in the unit's object.
     */
    static List<String> stillCalling(SafetyRules.UnitReview u, ObjectDiff.Decision deleted,
                                     Collection<KernelSymbol> replacedInObject) {
        ObjectIndex.Entity gone = deleted.original();
        Set<String> replacedNames = new HashSet<>();
        replaced(u).forEach(e -> replacedNames.add(e.name()));
        Set<String> found = new LinkedHashSet<>();
        ObjectIndex original = u.original();
        for (ObjectIndex.Entity e : original.entities()) {
            if (e.equals(gone) || replacedNames.contains(e.owner()) || listsCode(original.sectionName(e))) {
                continue;
            }
            for (var r : original.relocationsIn(e)) {
                if (original.target(r) instanceof ObjectIndex.Target.InEntity in && in.entity().equals(gone)) {
                    found.add(e.owner());
                    break;
                }
            }
        }
        found.addAll(u.kernel().referrers(gone, replacedInObject));
        return List.copyOf(found);
    }

    /**
     * Sections that list functions without calling them (exports, kprobe and error-injection lists, the special
     * sections that describe code), or that never run again (init, exit, initcalls).
     */
    private static boolean listsCode(String section) {
        return SpecialSections.named(section).isPresent() || section.startsWith(".init") || section.startsWith(".exit")
                || section.startsWith("___ksymtab") || section.startsWith("__ksymtab") || section.startsWith("__kcrctab")
                || section.startsWith(".discard") || section.equals("_kprobe_blacklist")
                || section.equals("_error_injection_whitelist") || section.equals("__patchable_function_entries")
                || section.startsWith(".initcall");
    }
}
