package dev.suture.kernel.symbols;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.build.SpecialSection;
import dev.suture.kernel.build.SpecialSection.RunPre;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.build.SpecialSections;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A function's machine code as the build of the target kernel left it, with the byte ranges that legitimately
 * differ in the running kernel: relocated fields (KASLR, module load address), the ftrace call site at entry,
 * and the places the kernel rewrites at boot or module load — alternatives, paravirt sites, retpoline and
 * return thunks, static calls, jump labels, lock prefixes. The run-pre check compares everything else.
 *
 * @param masked ranges {@code [offset, length]} relative to the function's start
 */
public record OriginalCode(byte[] bytes, List<int[]> masked) {

    /**
     * From vmlinux: linked addresses, special sections decoded from their linked contents.
     *
     * @param mcountSites the ftrace call sites inside the function (the symbol table's reader has them sorted)
     */
    static OriginalCode ofVmlinux(ElfFile elf, KernelSymbol f, long[] mcountSites, SpecialSectionLayout layout) {
        long start = f.address();
        int size = (int) f.size();
        Section text = containing(elf, start).orElseThrow();
        byte[] bytes = slice(text, start, size);
        Masks masks = new Masks(start, size);
        int ftraceCall = ((RunPre.Fixed) SpecialSections.MCOUNT.runPre()).bytes();
        for (long site : mcountSites) {
            masks.add(site, ftraceCall);
        }
        int percpu = elf.section(".data..percpu").map(elf::indexOf).orElse(-1);
        elf.relocationsFor(text).ifPresent(rela -> {
            for (Relocation r : rela.list()) {
                if (r.offset() >= start && r.offset() < start + size) {
                    Symbol sym = elf.symbols().get(r.symbol());
                    boolean absolute = r.type() == 1 || r.type() == 10 || r.type() == 11;
                    boolean perCpu = sym.sectionIndex() == percpu || sym.shndx() == Elf.SHN_ABS;
                    if (absolute || perCpu) {
                        masks.add(r.offset(), r.type() == 1 ? 8 : 4);
                    }
                }
            }
        });
        for (SpecialSection special : SpecialSections.ALL) {
            int stride = layout.entrySize(special.name()).orElse(0);
            if (special == SpecialSections.MCOUNT || !special.masksRunPre() || stride <= 0) {
                continue;  // ftrace's sites came from the caller
            }
            // Every site is offered; Masks keeps what falls inside this function.
            linkedTable(elf, special).ifPresent(table -> {
                for (int at = table.from(); at + stride <= table.to(); at += stride) {
                    long site = switch (special.site()) {
                        case RELATIVE -> table.address() + at + table.data().getInt(at);
                        case ABSOLUTE -> table.data().getLong(at);
                        case NONE -> throw new IllegalStateException(special.name() + " masks a site it has not");
                    };
                    masks.add(site, length(special, layout, table.data(), at));
                }
            });
        }
        return new OriginalCode(bytes, masks.ranges);
    }

    /** From a module file: unrelocated, so every relocated field and every special-section site is masked. */
    static OriginalCode ofModule(ElfFile elf, KernelSymbol f, int sectionIndex, SpecialSectionLayout layout) {
        Section text = elf.section(sectionIndex);
        long start = f.address();
        int size = (int) f.size();
        byte[] bytes = java.util.Arrays.copyOfRange(text.data(), (int) start, (int) (start + size));
        Masks masks = new Masks(start, size);
        elf.relocationsFor(text).ifPresent(rela -> {
            for (Relocation r : rela.list()) {
                masks.add(r.offset(), r.type() == 1 ? 8 : 4);
            }
        });
        // A special section's entry points into code through a relocation against the code's section.
        for (SpecialSection k : SpecialSections.ALL) {
            int stride = layout.entrySize(k.name()).orElse(0);
            if (!k.masksRunPre() || stride <= 0) {
                continue;
            }
            Optional<Section> special = elf.section(k.name());
            if (special.isEmpty()) {
                continue;
            }
            Optional<RelocationSection> rela = elf.relocationsFor(special.get());
            if (rela.isEmpty()) {
                continue;
            }
            ByteBuffer data = special.get().buffer().order(ByteOrder.LITTLE_ENDIAN);
            for (Relocation r : rela.get().list()) {
                if (r.offset() % stride != 0) {
                    continue;
                }
                Symbol sym = elf.symbols().get(r.symbol());
                if (sym.sectionIndex() != sectionIndex) {
                    continue;
                }
                masks.add(sym.value() + r.addend(), length(k, layout, data, (int) r.offset()));
            }
        }
        return new OriginalCode(bytes, masks.ranges);
    }

    /** How many bytes the kernel rewrites at the site of the entry at {@code entry}. */
    private static int length(SpecialSection special, SpecialSectionLayout layout, ByteBuffer data, int entry) {
        return switch (special.runPre()) {
            case RunPre.Fixed fixed -> fixed.bytes();
            case RunPre.LengthField field -> Byte.toUnsignedInt(data.get(entry + layout.lengthField(special.name())));
            case RunPre.Untouched untouched -> 0;
        };
    }

    /** A table's entries between offsets {@code from} and {@code to} of {@code data}, which starts at {@code address}. */
    private record Table(ByteBuffer data, long address, int from, int to) {
    }

    /**
     * Where vmlinux keeps a special section: under its own name, or merged into another section between the
     * linker's {@code __start_X} and {@code __stop_X}.
     */
    private static Optional<Table> linkedTable(ElfFile elf, SpecialSection special) {
        Optional<Section> named = elf.section(special.name());
        if (named.isPresent()) {
            Section s = named.get();
            return Optional.of(new Table(s.buffer().order(ByteOrder.LITTLE_ENDIAN), s.addr(), 0, (int) s.size()));
        }
        if (special.linkedAs() == null) {
            return Optional.empty();
        }
        Optional<Symbol> startSym = elf.symbols().find("__start_" + special.linkedAs());
        Optional<Symbol> stopSym = elf.symbols().find("__stop_" + special.linkedAs());
        if (startSym.isEmpty() || stopSym.isEmpty()) {
            return Optional.empty();
        }
        long from = startSym.get().value();
        long to = stopSym.get().value();
        return containing(elf, from).map(s -> new Table(s.buffer().order(ByteOrder.LITTLE_ENDIAN), s.addr(),
                (int) (from - s.addr()), (int) (to - s.addr())));
    }

    private static Optional<Section> containing(ElfFile elf, long address) {
        return elf.sections().stream()
                .filter(s -> !s.isNoBits() && s.addr() != 0 && address >= s.addr() && address < s.addr() + s.size())
                .findFirst();
    }

    private static byte[] slice(Section s, long address, int size) {
        ByteBuffer data = s.buffer();
        byte[] out = new byte[size];
        data.get((int) (address - s.addr()), out);
        return out;
    }

    /** Ranges to ignore, clipped to one function. */
    private static final class Masks {
        final long start;
        final int size;
        final List<int[]> ranges = new ArrayList<>();

        Masks(long start, int size) {
            this.start = start;
            this.size = size;
        }

        void add(long address, int length) {
            long end = address + length;
            if (end <= start || address >= start + size) {
                return;
            }
            int from = (int) Math.max(0, address - start);
            int to = (int) Math.min(size, end - start);
            ranges.add(new int[] {from, to - from});
        }
    }
}
