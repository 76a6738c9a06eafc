package dev.suture.kernel.symbols;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
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

    /** From vmlinux: linked addresses, special sections decoded from their linked contents. */
    static OriginalCode ofVmlinux(ElfFile elf, KernelSymbol f, long[] mcountSites) {
        long start = f.address();
        int size = (int) f.size();
        Section text = containing(elf, start).orElseThrow();
        byte[] bytes = slice(text, start, size);
        Masks masks = new Masks(start, size);
        for (long site : mcountSites) {
            masks.add(site, 5);
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
        relativeSites(elf, ".altinstructions", 12, masks, (data, at) -> Byte.toUnsignedInt(data.get(at + 10)));
        relativeSites(elf, ".retpoline_sites", 4, masks, (data, at) -> 6);
        relativeSites(elf, ".return_sites", 4, masks, (data, at) -> 5);
        relativeSites(elf, ".smp_locks", 4, masks, (data, at) -> 1);
        relativeSites(elf, ".ibt_endbr_seal", 4, masks, (data, at) -> 4);
        tableSites(elf, "__start___jump_table", "__stop___jump_table", 16, masks, 5);
        tableSites(elf, "__start_static_call_sites", "__stop_static_call_sites", 8, masks, 5);
        elf.section(".parainstructions").ifPresent(s -> {
            ByteBuffer data = s.buffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at + 16 <= s.size(); at += 16) {
                masks.add(data.getLong(at), Byte.toUnsignedInt(data.get(at + 9)));
            }
        });
        return new OriginalCode(bytes, masks.ranges);
    }

    /** From a module file: unrelocated, so every relocated field and every special-section site is masked. */
    static OriginalCode ofModule(ElfFile elf, KernelSymbol f, int sectionIndex) {
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
        record Kind(String section, int stride, int length) {
        }
        for (Kind k : List.of(new Kind("__mcount_loc", 8, 5), new Kind(".altinstructions", 12, -1),
                new Kind(".retpoline_sites", 4, 6), new Kind(".return_sites", 4, 5), new Kind(".smp_locks", 4, 1),
                new Kind("__jump_table", 16, 5), new Kind(".static_call_sites", 8, 5), new Kind(".parainstructions", 16, -2))) {
            Optional<Section> special = elf.section(k.section());
            if (special.isEmpty()) {
                continue;
            }
            Optional<RelocationSection> rela = elf.relocationsFor(special.get());
            if (rela.isEmpty()) {
                continue;
            }
            ByteBuffer data = special.get().buffer().order(ByteOrder.LITTLE_ENDIAN);
            for (Relocation r : rela.get().list()) {
                if (r.offset() % k.stride() != 0) {
                    continue;
                }
                Symbol sym = elf.symbols().get(r.symbol());
                if (sym.sectionIndex() != sectionIndex) {
                    continue;
                }
                int length = switch (k.length()) {
                    case -1 -> Byte.toUnsignedInt(data.get((int) r.offset() + 10));
                    case -2 -> Byte.toUnsignedInt(data.get((int) r.offset() + 9));
                    default -> k.length();
                };
                masks.add(sym.value() + r.addend(), length);
            }
        }
        return new OriginalCode(bytes, masks.ranges);
    }

    private interface Length {
        int at(ByteBuffer data, int entry);
    }

    /** Sections of s32 entries relative to themselves: site = entry address + value. */
    private static void relativeSites(ElfFile elf, String name, int stride, Masks masks, Length length) {
        elf.section(name).ifPresent(s -> {
            ByteBuffer data = s.buffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at + stride <= s.size(); at += stride) {
                long site = s.addr() + at + data.getInt(at);
                if (masks.covers(site)) {
                    masks.add(site, length.at(data, at));
                }
            }
        });
    }

    /** Tables inside a larger section, delimited by linker symbols; first field an s32 relative to itself. */
    private static void tableSites(ElfFile elf, String startSymbol, String stopSymbol, int stride, Masks masks, int length) {
        Optional<Symbol> startSym = elf.symbols().find(startSymbol);
        Optional<Symbol> stopSym = elf.symbols().find(stopSymbol);
        if (startSym.isEmpty() || stopSym.isEmpty()) {
            return;
        }
        long from = startSym.get().value();
        long to = stopSym.get().value();
        containing(elf, from).ifPresent(s -> {
            ByteBuffer data = s.buffer().order(ByteOrder.LITTLE_ENDIAN);
            for (long a = from; a + stride <= to; a += stride) {
                long site = a + data.getInt((int) (a - s.addr()));
                masks.add(site, length);
            }
        });
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

        boolean covers(long address) {
            return address >= start && address < start + size;
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
