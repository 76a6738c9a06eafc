package dev.suture.patch.module;

import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.safety.RunningKernel;
import dev.suture.patch.source.Replacement;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The running kernel as the unit rules see it for one unit: its object's symbols and references, the exports. */
final class UnitKernel implements RunningKernel {
    private final KernelObjects objects;
    private final UnitSymbols unit;
    private final KernelExports exports;

    UnitKernel(KernelObjects objects, UnitSymbols unit, KernelExports exports) {
        this.objects = objects;
        this.unit = unit;
        this.exports = exports;
    }

    @Override
    public String object() {
        return unit.object();
    }

    /** vmlinux's globals first (what a module's undefined name binds to), then the module's own, then exports. */
    @Override
    public Optional<String> definer(String symbol) {
        if (objects.vmlinux().named(symbol).stream().anyMatch(KernelSymbol::global)) {
            return Optional.of(Replacement.VMLINUX);
        }
        if (!Replacement.VMLINUX.equals(object()) && unit.kernel().named(symbol).stream().anyMatch(KernelSymbol::global)) {
            return Optional.of(object());
        }
        return exports.exporter(symbol);
    }

    @Override
    public Optional<KernelSymbol> copyOf(ObjectIndex.Entity entity) {
        return unit.find(entity);
    }

    @Override
    public List<String> referrers(ObjectIndex.Entity original, Collection<KernelSymbol> replaced) {
        Optional<KernelSymbol> copy = unit.find(original);
        if (copy.isEmpty()) {
            return List.of();  // inlined everywhere in the kernel's build: nothing can call what is not there
        }
        return objects.references(object()).to(copy.get(), replaced);
    }
}
