package dev.suture.patch.module;

import dev.suture.SutureException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The global functions and data a diff adds. They exist nowhere in the running kernel: the patch module holds
 * the one definition of each, in the part cut from the unit that defines it, and every other part (of vmlinux or
 * of a module) refers to it by name, resolved when kbuild links the module — never through livepatch against a
 * kernel object, which has no such symbol.
 */
final class NewGlobals {
    /** Name to the index of the unit (and its extractor) that defines it. */
    private final Map<String, Integer> definer = new LinkedHashMap<>();

    /**
     * @param units      the units, as messages name them
     * @param extractors one per unit, in the same order
     */
    NewGlobals(List<String> units, List<PatchObjectExtractor> extractors) {
        for (int i = 0; i < extractors.size(); i++) {
            for (String name : extractors.get(i).newGlobals()) {
                Integer other = definer.putIfAbsent(name, i);
                if (other != null) {
                    // In the kernel they may be two symbols (one in vmlinux, one in a module); in one patch module
                    // they would be one, and the parts referring to either could not tell them apart.
                    throw new SutureException("the fix adds a global '" + name + "' to both " + units.get(other)
                            + " and " + units.get(i) + ", which would be one symbol in the patch module",
                            "give one of them another name, or make it static");
                }
            }
        }
    }

    /** The names, for the symbol resolver: they are the patch module's own. */
    Set<String> names() {
        return Set.copyOf(definer.keySet());
    }

    /**
     * Carries into the module every new global that a part of it refers to, and what that one reaches in turn,
     * until no part refers to a new global that is not carried.
     */
    void carry(List<PatchObjectExtractor> extractors) {
        boolean more = true;
        while (more) {
            more = false;
            for (PatchObjectExtractor x : extractors) {
                for (String name : x.externalNames()) {
                    Integer at = definer.get(name);
                    if (at != null && extractors.get(at).carry(name)) {
                        more = true;
                    }
                }
            }
        }
    }
}
