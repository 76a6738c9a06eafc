package dev.suture.kernel.symbols;

import dev.suture.SutureException;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.build.SpecialSectionLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The symbol table of one kernel object — vmlinux from the -dbg package or a module {@code .ko} — with what
 * livepatch needs: each name's candidates with livepatch positions (kallsyms order: by address in vmlinux,
 * symbol-table order in a module), the source file of static symbols (STT_FILE grouping), and which functions
 * ftrace can redirect (they have a call site in {@code __mcount_loc}).
 */
public final class KernelSymbols {
    private final String object;
    private final Map<String, List<KernelSymbol>> byName;
    private final Traceability traceability;
    private final java.util.function.Function<KernelSymbol, OriginalCode> code;
    private final java.util.function.Function<KernelSymbol, String> section;

    private KernelSymbols(String object, Map<String, List<KernelSymbol>> byName, Traceability traceability,
                          java.util.function.Function<KernelSymbol, OriginalCode> code,
                          java.util.function.Function<KernelSymbol, String> section) {
        this.object = object;
        this.byName = byName;
        this.traceability = traceability;
        this.code = code;
        this.section = section;
    }

    /** The name of the section a symbol lives in ({@code .text}, {@code .init.text}, ...), "" when unknown. */
    public String sectionName(KernelSymbol symbol) {
        return section.apply(symbol);
    }

    /** The function's code as built, with what may legitimately differ at run time masked. */
    public OriginalCode originalCode(KernelSymbol function) {
        return code.apply(function);
    }

    /** Whether ftrace has a call site inside a function: the precondition for livepatch to redirect it. */
    interface Traceability {
        boolean traceable(KernelSymbol function);
    }

    public String object() {
        return object;
    }

    /** All symbols of that name, in livepatch position order. */
    public List<KernelSymbol> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** Every name in the object, sorted (for sampling and suggestions). */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    public boolean traceable(KernelSymbol function) {
        return traceability.traceable(function);
    }

    /** Up to {@code limit} names closest to {@code name}, for "did you mean" messages. */
    public List<String> closest(String name, int limit) {
        return byName.keySet().stream()
                .sorted(Comparator.comparingInt((String n) -> Levenshtein.distance(name, n)).thenComparing(n -> n))
                .limit(limit).toList();
    }

    /** Symbols only: {@link #originalCode} needs the kernel's special-section layout (the other factory). */
    public static KernelSymbols ofVmlinux(Path vmlinux) {
        return ofVmlinux(vmlinux, KernelSymbols::noLayout);
    }

    /** @param layout the kernel's special-section layout, asked for when original code is (it may run a probe) */
    public static KernelSymbols ofVmlinux(Path vmlinux, Supplier<SpecialSectionLayout> layout) {
        try {
            ElfFile elf = ElfFile.read(vmlinux);
            Map<String, List<KernelSymbol>> byName = collect("vmlinux", elf, true);
            long[] sites = vmlinuxMcountSites(elf);
            return new KernelSymbols("vmlinux", byName, f -> anyIn(sites, f.address(), f.address() + Math.max(1, f.size())),
                    f -> OriginalCode.ofVmlinux(elf, f, sitesIn(sites, f.address(), f.address() + f.size()), layout.get()),
                    f -> elf.sections().stream().filter(s -> s.addr() != 0 && f.address() >= s.addr() && f.address() < s.addr() + s.size())
                            .map(Section::name).findFirst().orElse(""));
        } catch (IOException e) {
            throw new SutureException("cannot read the kernel's symbols from " + vmlinux + ": " + e.getMessage(),
                    "fetch the kernel again (suture kernel rm, then fetch)", e);
        }
    }

    /** Symbols only, like {@link #ofVmlinux(Path)}. */
    public static KernelSymbols ofModule(String name, Path ko) {
        return ofModule(name, ko, KernelSymbols::noLayout);
    }

    public static KernelSymbols ofModule(String name, Path ko, Supplier<SpecialSectionLayout> layout) {
        try {
            ElfFile elf = ElfFile.read(ko);
            Map<String, List<KernelSymbol>> byName = collect(name, elf, false);
            Map<Integer, long[]> sites = moduleMcountSites(elf);
            Map<String, Integer> sectionOf = new HashMap<>();
            for (Symbol s : elf.symbols()) {
                if (s.type() == Elf.STT_FUNC) {
                    sectionOf.put(s.name() + "@" + s.value(), s.sectionIndex());
                }
            }
            return new KernelSymbols(name, byName, f -> {
                Integer section = sectionOf.get(f.name() + "@" + f.address());
                long[] inSection = section == null ? null : sites.get(section);
                return inSection != null && anyIn(inSection, f.address(), f.address() + Math.max(1, f.size()));
            }, f -> OriginalCode.ofModule(elf, f, sectionOf.get(f.name() + "@" + f.address()), layout.get()), f -> {
                Integer index = sectionOf.get(f.name() + "@" + f.address());
                return index == null ? "" : elf.sections().get(index).name();
            });
        } catch (IOException e) {
            throw new SutureException("cannot read the symbols of module " + name + " from " + ko + ": " + e.getMessage(),
                    "fetch the kernel again (suture kernel rm, then fetch)", e);
        }
    }

    private static SpecialSectionLayout noLayout() {
        throw new IllegalStateException("these symbols were read without the kernel's special-section layout");
    }

    private static Map<String, List<KernelSymbol>> collect(String object, ElfFile elf, boolean byAddress) {
        record Raw(Symbol symbol, String file, int unit, int index) {
        }
        Map<String, List<Raw>> raw = new HashMap<>();
        String file = "";
        int unit = -1;
        int index = 0;
        for (Symbol s : elf.symbols()) {
            index++;
            if (s.type() == Elf.STT_FILE) {
                file = s.name();
                unit = index;
                continue;
            }
            if (s.name().isEmpty() || s.type() == Elf.STT_SECTION || s.isUndefined()
                    || (s.type() != Elf.STT_FUNC && s.type() != Elf.STT_OBJECT && s.type() != Elf.STT_NOTYPE)) {
                continue;
            }
            raw.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(new Raw(s, s.isLocal() ? file : "",
                    s.isLocal() ? unit : -1, index));
        }
        Map<String, List<KernelSymbol>> byName = new HashMap<>(raw.size() * 2);
        for (var entry : raw.entrySet()) {
            List<Raw> list = entry.getValue();
            if (byAddress) {
                list.sort(Comparator.comparingLong((Raw r) -> r.symbol().value()).thenComparingInt(Raw::index));
            }
            int count = list.size();
            List<KernelSymbol> symbols = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Symbol s = list.get(i).symbol();
                symbols.add(new KernelSymbol(object, s.name(), s.value(), s.size(), s.type() == Elf.STT_FUNC,
                        !s.isLocal(), list.get(i).file(), list.get(i).unit(), count == 1 ? 0 : i + 1, count));
            }
            byName.put(entry.getKey(), List.copyOf(symbols));
        }
        return byName;
    }

    /** The addresses of all ftrace call sites: the table between __start_mcount_loc and __stop_mcount_loc. */
    private static long[] vmlinuxMcountSites(ElfFile elf) {
        long start = elf.symbols().find("__start_mcount_loc").map(Symbol::value).orElse(0L);
        long stop = elf.symbols().find("__stop_mcount_loc").map(Symbol::value).orElse(0L);
        if (start == 0 || stop <= start) {
            return new long[0];
        }
        for (Section s : elf.sections()) {
            if (!s.isNoBits() && s.addr() != 0 && start >= s.addr() && stop <= s.addr() + s.size()) {
                ByteBuffer data = s.buffer().order(ByteOrder.LITTLE_ENDIAN);
                int from = (int) (start - s.addr());
                long[] sites = new long[(int) ((stop - start) / 8)];
                for (int i = 0; i < sites.length; i++) {
                    sites[i] = data.getLong(from + i * 8);
                }
                Arrays.sort(sites);
                return sites;
            }
        }
        return new long[0];
    }

    /** In a module the table is relocations: section-relative call sites, by section index. */
    private static Map<Integer, long[]> moduleMcountSites(ElfFile elf) {
        Map<Integer, List<Long>> sites = new HashMap<>();
        elf.section("__mcount_loc").flatMap(elf::relocationsFor).ifPresent((RelocationSection rela) -> {
            for (var r : rela.list()) {
                Symbol target = elf.symbols().get(r.symbol());
                sites.computeIfAbsent(target.sectionIndex(), k -> new ArrayList<>()).add(target.value() + r.addend());
            }
        });
        Map<Integer, long[]> sorted = new HashMap<>();
        sites.forEach((section, list) -> sorted.put(section, list.stream().mapToLong(Long::longValue).sorted().toArray()));
        return sorted;
    }

    private static long[] sitesIn(long[] sorted, long from, long to) {
        int i = Arrays.binarySearch(sorted, from);
        int at = i >= 0 ? i : -i - 1;
        int end = at;
        while (end < sorted.length && sorted[end] < to) {
            end++;
        }
        return Arrays.copyOfRange(sorted, at, end);
    }

    private static boolean anyIn(long[] sorted, long from, long to) {
        int i = Arrays.binarySearch(sorted, from);
        int at = i >= 0 ? i : -i - 1;
        return at < sorted.length && sorted[at] < to;
    }
}
