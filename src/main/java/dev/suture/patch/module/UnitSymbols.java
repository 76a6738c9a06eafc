package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.patch.diff.Names;
import dev.suture.patch.diff.ObjectIndex;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a unit's symbols in the kernel object it was linked into. Static names repeat across units, so the
 * unit is first located among the object's STT_FILE groups of the same file name: the one holding most of
 * the unit's own static names. A static local whose compiler numbering differs from the kernel's is found
 * by its name without the number, in the same order.
 */
final class UnitSymbols {
    private final KernelSymbols kernel;
    private final String unit;
    private final String file;
    private final int unitIndex;

    UnitSymbols(KernelSymbols kernel, String unit, ObjectIndex original) {
        this.kernel = kernel;
        this.unit = unit;
        this.file = Path.of(unit).getFileName().toString();
        Map<Integer, Integer> votes = new HashMap<>();
        for (ObjectIndex.Entity e : original.entities()) {
            if (e.global()) {
                continue;
            }
            for (KernelSymbol k : kernel.named(e.name())) {
                if (!k.global() && k.file().equals(file)) {
                    votes.merge(k.unit(), 1, Integer::sum);
                }
            }
        }
        this.unitIndex = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(-1);
        // Objects without STT_FILE symbols (Debian strips them from modules): the unit is where its symbols
        // with unique names are, and a static namesake is told apart by being closest to them.
        List<Long> anchors = new java.util.ArrayList<>();
        for (ObjectIndex.Entity e : original.entities()) {
            List<KernelSymbol> named = kernel.named(e.name());
            if (e.function() && named.size() == 1) {
                anchors.add(named.getFirst().address());
            }
        }
        java.util.Collections.sort(anchors);
        this.anchor = anchors.isEmpty() ? -1 : anchors.get(anchors.size() / 2);
    }

    private final long anchor;

    String object() {
        return kernel.object();
    }

    KernelSymbols kernel() {
        return kernel;
    }

    /** The kernel's symbol for an entity of the unit's original object. */
    KernelSymbol of(ObjectIndex.Entity e) {
        return find(e).orElseThrow(() -> new SutureException(unit + ": " + kernel.object() + " has no symbol for '"
                + e.name() + "' of this unit, which the new code refers to",
                "this kernel was not built from this source; check the kernel release and its source version"));
    }

    Optional<KernelSymbol> find(ObjectIndex.Entity e) {
        List<KernelSymbol> named = kernel.named(e.name());
        if (e.global()) {
            return named.stream().filter(KernelSymbol::global).findFirst();
        }
        Optional<KernelSymbol> exact = named.stream().filter(this::inUnit).findFirst();
        if (exact.isPresent()) {
            return exact;
        }
        List<KernelSymbol> unplaced = named.stream().filter(k -> !k.global() && k.file().isEmpty()).toList();
        if (unplaced.size() == 1 || (!unplaced.isEmpty() && anchor >= 0)) {
            return unplaced.stream().min(java.util.Comparator.comparingLong(k -> Math.abs(k.address() - anchor)));
        }
        // Numbered static locals: same name, same order within the unit.
        String base = Names.correlated(e.name());
        int wanted = e.occurrence();
        List<KernelSymbol> sameBase = kernel.names().stream().filter(n -> n.startsWith(base + ".") && Names.correlated(n).equals(base))
                .flatMap(n -> kernel.named(n).stream()).filter(this::inUnit)
                .sorted(java.util.Comparator.comparingLong(KernelSymbol::address)).toList();
        return wanted < sameBase.size() ? Optional.of(sameBase.get(wanted)) : Optional.empty();
    }

    private boolean inUnit(KernelSymbol k) {
        return !k.global() && k.file().equals(file) && (unitIndex < 0 || k.unit() == unitIndex);
    }
}
