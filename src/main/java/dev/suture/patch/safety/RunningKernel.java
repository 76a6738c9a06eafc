package dev.suture.patch.safety;

import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectIndex;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the unit rules need to know of the running kernel beyond the compiled unit itself: the object the unit
 * is linked into, where a symbol the unit leaves undefined lives, and what else in that object refers to one of
 * the unit's functions.
 */
public interface RunningKernel {
    /** {@code vmlinux} or the module the unit is linked into. */
    String object();

    /** The object (vmlinux or a module) that defines a symbol the unit leaves undefined, if one is known to. */
    Optional<String> definer(String symbol);

    /** The running kernel's copy of one of the unit's functions or data objects, if the kernel has one. */
    Optional<KernelSymbol> copyOf(ObjectIndex.Entity entity);

    /**
     * The functions and data of the unit's object, other than those in {@code replaced} (the running kernel's
     * copies of what the whole patch replaces in this object, in any of its units: their old code stops running
     * once the patch is applied), that refer to the running kernel's copy of {@code original}: its callers, and
     * tables that point at it. Empty when the kernel has no copy of it.
     */
    List<String> referrers(ObjectIndex.Entity original, Collection<KernelSymbol> replaced);

    /** A kernel that knows nothing beyond the unit: for rules checked on a unit alone. */
    RunningKernel UNKNOWN = new RunningKernel() {
        @Override
        public String object() {
            return "vmlinux";
        }

        @Override
        public Optional<String> definer(String symbol) {
            return Optional.empty();
        }

        @Override
        public Optional<KernelSymbol> copyOf(ObjectIndex.Entity entity) {
            return Optional.empty();
        }

        @Override
        public List<String> referrers(ObjectIndex.Entity original, Collection<KernelSymbol> replaced) {
            return List.of();
        }
    };
}
