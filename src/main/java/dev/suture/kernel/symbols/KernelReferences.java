package dev.suture.kernel.symbols;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.elf.X86_64Relocations;
import dev.suture.kernel.build.SpecialSections;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What in a kernel object refers to the entry of one of its functions — calls, tail calls, function pointers in
 * code or data — read from the relocations the object keeps: a module keeps all of its own, and vmlinux those
 * of its final link, because x86 links it with {@code --emit-relocs} (the boot code relocates it for KASLR).
 * A call between functions of one section of one object file was resolved by the assembler and left none: a
 * unit's calls to its own static functions are for the unit's compiled object to tell.
 *
 * <p>Only places that can call count: code and data, not the tables that describe a function's code (jump
 * labels, ftrace and ORC sites, exception and bug tables), export tables, or init and exit sections, which ran
 * long ago or only when the object goes away.
 */
public final class KernelReferences {
    /** Tables that name functions without calling them; in vmlinux found by their {@code __start_X}/{@code __stop_X}. */
    private static final List<String> DESCRIPTIVE = List.of("__ksymtab", "__ksymtab_gpl", "__kcrctab", "__kcrctab_gpl",
            "_kprobe_blacklist", "kprobe_blacklist", "_error_injection_whitelist", "error_injection_whitelist",
            "__patchable_function_entries", "mcount_loc", "__jump_table", "static_call_sites", "static_call_tramp_key");

    private final ElfFile elf;
    private final boolean linked;
    /** Address ranges of vmlinux's descriptive tables ({@code [start, stop)} pairs), empty for a module. */
    private final long[] descriptiveRanges;
    /** Per section (0 for a linked file's one address space): its functions and data by address, read when asked. */
    private final java.util.Map<Integer, List<Symbol>> bySection = new java.util.HashMap<>();

    private KernelReferences(ElfFile elf) {
        this.elf = elf;
        // A linked file (vmlinux) has its sections at addresses; a module's are all at 0 until it loads.
        this.linked = elf.sections().stream().anyMatch(s -> s.hasFlags(Elf.SHF_ALLOC) && s.addr() != 0);
        this.descriptiveRanges = linked ? descriptiveRanges(elf) : new long[0];
    }

    /** Reads vmlinux (mapped, not loaded: its relocations are read when asked) or a module. */
    public static KernelReferences of(Path file) throws IOException {
        return new KernelReferences(ElfFile.read(file));
    }

    /**
     * The functions and data objects (by name; {@code section+0xOFFSET} where no symbol covers the place) that
     * refer to {@code function}'s entry, leaving out the function itself and those in {@code ignored}: the
     * functions a patch replaces, whose old code stops running.
     */
    public List<String> to(KernelSymbol function, Collection<KernelSymbol> ignored) {
        Place target = place(function);
        if (target == null) {
            return List.of();
        }
        List<Place> skip = new ArrayList<>();
        skip.add(target);
        for (KernelSymbol s : ignored) {
            Place p = place(s);
            if (p != null) {
                skip.add(p);
            }
        }
        Set<String> found = new LinkedHashSet<>();
        for (RelocationSection rela : elf.relocationSections()) {
            Section at = rela.target();
            if (!at.hasFlags(Elf.SHF_ALLOC) || describes(at.name())) {
                continue;
            }
            int atIndex = elf.indexOf(at);
            boolean code = at.hasFlags(Elf.SHF_EXECINSTR);
            for (Relocation r : rela.list()) {
                if (!refersTo(r, code, target) || inRanges(r.offset()) || inAny(skip, atIndex, r.offset())) {
                    continue;
                }
                found.add(nameAt(atIndex, r.offset()));
            }
        }
        return List.copyOf(found);
    }

    /** A function's place: its section (0 in a linked file) and address or offset, and its size. */
    private record Place(int section, long start, long size) {
        boolean covers(int section, long at) {
            return this.section == section && at >= start && at < start + Math.max(1, size);
        }
    }

    private Place place(KernelSymbol function) {
        if (linked) {
            return new Place(0, function.address(), function.size());
        }
        // A module's symbol is an offset into its section: find the section by the symbol table entry.
        for (Symbol s : elf.symbols()) {
            if (s.type() == Elf.STT_FUNC && s.value() == function.address() && s.name().equals(function.name())
                    && !s.isUndefined()) {
                return new Place(s.sectionIndex(), s.value(), s.size());
            }
        }
        return null;
    }

    /** Whether the relocation means the entry of {@code target}: its symbol plus addend, a code field's 4-byte bias added. */
    private boolean refersTo(Relocation r, boolean code, Place target) {
        Symbol s = elf.symbols().get(r.symbol());
        if (s.isUndefined()) {
            return false;
        }
        long bias = code && (r.type() == X86_64Relocations.R_X86_64_PC32 || r.type() == X86_64Relocations.R_X86_64_PLT32) ? 4 : 0;
        long address = s.value() + r.addend() + bias;
        int section = linked ? 0 : s.sectionIndex();
        return section == target.section() && address == target.start();
    }

    private boolean inAny(List<Place> places, int section, long offset) {
        int key = linked ? 0 : section;
        for (Place p : places) {
            if (p.covers(key, offset)) {
                return true;
            }
        }
        return false;
    }

    private boolean inRanges(long address) {
        for (int i = 0; i + 1 < descriptiveRanges.length; i += 2) {
            if (address >= descriptiveRanges[i] && address < descriptiveRanges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Sections whose references describe or list code rather than call it, or that never run again. */
    private static boolean describes(String section) {
        return SpecialSections.named(section).isPresent() || DESCRIPTIVE.contains(section)
                || section.startsWith(".init") || section.startsWith(".exit") || section.startsWith("___ksymtab")
                || section.startsWith(".discard") || section.startsWith(".x86_cpu_dev.init");
    }

    private static long[] descriptiveRanges(ElfFile elf) {
        java.util.Map<String, Long> bounds = new java.util.HashMap<>();
        for (Symbol s : elf.symbols()) {
            if (s.name().startsWith("__start_") || s.name().startsWith("__stop_")) {
                bounds.put(s.name(), s.value());
            }
        }
        List<Long> ranges = new ArrayList<>();
        for (String table : DESCRIPTIVE) {
            Long start = bounds.get("__start_" + table);
            Long stop = bounds.get("__stop_" + table);
            if (start != null && stop != null && stop > start) {
                ranges.add(start);
                ranges.add(stop);
            }
        }
        return ranges.stream().mapToLong(Long::longValue).toArray();
    }

    /** The function or data object a place lies in, else the section and offset. */
    private String nameAt(int section, long offset) {
        int key = linked ? 0 : section;
        List<Symbol> symbols = bySection.computeIfAbsent(key, this::symbolsOf);
        int lo = 0;
        int hi = symbols.size() - 1;
        Symbol best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (symbols.get(mid).value() <= offset) {
                best = symbols.get(mid);
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best != null && offset < best.value() + Math.max(1, best.size())) {
            return best.name();
        }
        return elf.section(section).name() + "+0x" + Long.toHexString(offset - (linked ? elf.section(section).addr() : 0));
    }

    private List<Symbol> symbolsOf(int section) {
        List<Symbol> list = new ArrayList<>();
        for (Symbol s : elf.symbols()) {
            if ((s.type() == Elf.STT_FUNC || s.type() == Elf.STT_OBJECT) && !s.isUndefined() && !s.name().isEmpty()
                    && (linked || s.sectionIndex() == section)) {
                list.add(s);
            }
        }
        list.sort(Comparator.comparingLong(Symbol::value).thenComparing(Comparator.comparingLong(Symbol::size).reversed()));
        return list;
    }
}
