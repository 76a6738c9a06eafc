package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

/**
 * What the fuzz and mutation tests do with arbitrary bytes: read them, and when that works, use everything the
 * API offers, write, edit, write again. The contract under test: malformed input ends in an
 * {@link ElfFormatException} from the reader and nowhere else; whatever reads also walks, writes and reads back.
 */
final class ElfExerciser {
    private ElfExerciser() {
    }

    /** Returns whether the input was read as ELF. Any exception other than ElfFormatException escapes. */
    static boolean exercise(byte[] input) {
        ElfFile elf;
        try {
            elf = ElfFile.read(input);
        } catch (ElfFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        }
        walk(elf);
        byte[] written = elf.toBytes();
        ElfFile again = reread(written);
        assertThat(again.sectionCount()).isEqualTo(elf.sectionCount());
        assertThat(again.hasSymbols()).isEqualTo(elf.hasSymbols());
        if (elf.hasSymbols()) {
            assertThat(again.symbols().list()).isEqualTo(elf.symbols().list());
        }
        assertThat(again.toBytes()).as("writing is a fixed point").isEqualTo(written);
        if (elf.header().phnum() == 0 && elf.hasSymbols()) {
            edit(elf);
        }
        return true;
    }

    private static ElfFile reread(byte[] written) {
        try {
            return ElfFile.read(written);
        } catch (ElfFormatException e) {
            throw new AssertionError("what was written does not read back: " + e.getMessage(), e);
        }
    }

    private static void walk(ElfFile elf) {
        elf.header();
        elf.toString();
        for (Section section : elf.sections()) {
            ByteBuffer bytes = section.buffer();
            boolean hasBytes = !section.isNoBits() && elf.indexOf(section) != 0;
            assertThat((long) bytes.remaining()).isEqualTo(hasBytes ? section.size() : 0);
            section.toString();
        }
        if (elf.hasSymbols()) {
            SymbolTable symbols = elf.symbols();
            for (int i = 0; i < symbols.size(); i++) {
                elf.symbolName(i);
                elf.sectionOf(symbols.get(i));
                symbols.get(i).toString();
            }
            symbols.indexOf("main");
        }
        for (RelocationSection relocations : elf.relocationSections()) {
            for (Relocation relocation : relocations.list()) {
                relocation.typeName();
            }
        }
    }

    /** The edits a patch generator makes, on whatever the input was; the result must read back with them. */
    private static void edit(ElfFile elf) {
        SymbolTable symbols = elf.symbols();
        int size = symbols.size();
        if (size > 1) {
            symbols.rename(1, "fuzz_renamed");
            symbols.set(1, symbols.get(1).withShndx(Elf.SHN_LOOS));
        }
        int global = symbols.add(Symbol.undefined("fuzz_global", Elf.STT_FUNC, Elf.STB_GLOBAL));
        int local = symbols.add(Symbol.undefined("fuzz_local", Elf.STT_NOTYPE, Elf.STB_LOCAL));
        Section added = elf.addSection(Section.create(".fuzz", Elf.SHT_PROGBITS).setData(new byte[] {1, 2, 3}));
        for (RelocationSection relocations : elf.relocationSections()) {
            int target = relocations.section().info();
            if (relocations.section().link() == elf.indexOf(symbols.section()) && relocations.hasAddends()
                    && target > 0 && target < elf.sectionCount()) {
                RelocationSection moved = elf.addRelaSection(".rela.fuzz", elf.section(target), 0x00100000L);
                relocations.moveTo(moved, r -> true);
                break;
            }
        }
        byte[] written = elf.toBytes();
        ElfFile again = reread(written);
        assertThat(again.symbols().size()).isEqualTo(size + 2);
        assertThat(again.symbols().get(local).name()).isEqualTo("fuzz_local");
        assertThat(again.symbols().get(global + 1).name()).isEqualTo("fuzz_global");
        assertThat(again.section(".fuzz")).isPresent();
        assertThat(again.toBytes()).isEqualTo(written);
    }
}
