package dev.suture.patch.module;

import dev.suture.patch.safety.LoadTimeRules;
import dev.suture.patch.safety.Refusal;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.build.SpecialSections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a kbuild-linked patch module so livepatch resolves what the module loader cannot
 * (Documentation/livepatch/module-elf-format.rst): each such undefined symbol becomes
 * {@code .klp.sym.OBJ.NAME,POS} in {@code SHN_LIVEPATCH}, and the relocations naming it move to
 * {@code .klp.rela.OBJ.SECTION}, flagged {@code SHF_ALLOC | SHF_RELA_LIVEPATCH}.
 */
public final class KlpConverter {
    static final int SHN_LIVEPATCH = 0xff20;
    static final long SHF_RELA_LIVEPATCH = 0x00100000L;

    /** What was converted, for the build report. */
    public record Converted(String name, String object, int position, int relocations) {
    }

    private KlpConverter() {
    }

    private static final String VMLINUX = dev.suture.patch.source.Replacement.VMLINUX;

    /** What was converted, or the load-time rule's refusals (then the module is left half-converted: drop it). */
    record Conversion(List<Converted> converted, List<Refusal> refusals) {
    }

    /** {@code fixName}: the fix, as a refusal names it. */
    static Conversion convert(ElfFile ko, SymbolResolver resolver, String fixName) {
        Map<Integer, SymbolResolver.Resolution.Livepatch> klp = new LinkedHashMap<>();
        List<Symbol> symbols = ko.symbols().list();
        for (int i = 1; i < symbols.size(); i++) {
            Symbol s = symbols.get(i);
            if (!s.isUndefined() || s.name().isEmpty()) {
                continue;
            }
            switch (resolver.resolve(s.name())) {
                case SymbolResolver.Resolution.Livepatch lp -> klp.put(i, lp);
                // Still undefined after the link: the module lacks its own definition, and nothing else has it.
                case SymbolResolver.Resolution.InPatch p -> throw new IllegalStateException(
                        "the patch module does not carry '" + p.name() + "', which the fix adds and its code uses");
                case SymbolResolver.Resolution.Exported e -> {
                }
            }
        }
        Map<Integer, Integer> relocationCount = new HashMap<>();
        Map<String, RelocationSection> klpSections = new HashMap<>();
        List<Refusal> refusals = new ArrayList<>();
        for (RelocationSection rela : new ArrayList<>(ko.relocationSections())) {
            if (rela.section().name().startsWith(".klp.rela.")) {
                continue;
            }
            Section target = rela.target();
            List<Integer> touched = rela.list().stream().map(r -> r.symbol()).filter(klp::containsKey).distinct().toList();
            if (touched.isEmpty()) {
                continue;
            }
            List<Integer> late = touched.stream().filter(i -> !VMLINUX.equals(klp.get(i).object())).toList();
            if ((SpecialSections.loadTime(target.name()) && !late.isEmpty()) || (target.flags() & Elf.SHF_ALLOC) == 0) {
                List<Integer> named = (target.flags() & Elf.SHF_ALLOC) == 0 ? touched : late;
                refusals.add(LoadTimeRules.refusal(fixName, target.name(),
                        named.stream().map(i -> klp.get(i).object() + ":" + klp.get(i).name()).toList()));
                continue;
            }
            for (String object : touched.stream().map(i -> klp.get(i).object()).distinct().toList()) {
                String name = ".klp.rela." + object + "." + target.name();
                RelocationSection out = klpSections.computeIfAbsent(name,
                        n -> ko.addRelaSection(n, target, Elf.SHF_ALLOC | SHF_RELA_LIVEPATCH));
                var moved = rela.moveTo(out, r -> klp.containsKey(r.symbol()) && klp.get(r.symbol()).object().equals(object));
                moved.forEach(r -> relocationCount.merge(r.symbol(), 1, Integer::sum));
            }
        }
        if (!refusals.isEmpty()) {
            return new Conversion(List.of(), refusals);
        }
        List<Converted> converted = new ArrayList<>();
        for (var entry : klp.entrySet()) {
            SymbolResolver.Resolution.Livepatch lp = entry.getValue();
            Symbol old = ko.symbols().get(entry.getKey());
            ko.symbols().set(entry.getKey(), old.withName(lp.klpName()).withShndx(SHN_LIVEPATCH).withBind(Elf.STB_GLOBAL));
            converted.add(new Converted(lp.name(), lp.object(), lp.position(), relocationCount.getOrDefault(entry.getKey(), 0)));
        }
        return new Conversion(converted, List.of());
    }
}
