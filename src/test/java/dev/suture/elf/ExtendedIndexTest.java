package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files with more sections than the 16-bit fields can number: the count in section 0's sh_size, the name table
 * index in its sh_link, and symbol section indexes in SHT_SYMTAB_SHNDX.
 */
class ExtendedIndexTest {
    @TempDir
    Path dir;

    /** An object with one section (and one local label) per function, plus a global entry calling two of them. */
    private Path assemble(String name, int functions) throws IOException {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < functions; i++) {
            source.append("\t.section .text.f").append(i).append(",\"ax\",@progbits\nf").append(i).append(":\n\tret\n");
        }
        source.append("\t.section .text.last,\"ax\",@progbits\n\t.globl entry\nentry:\n\tcall f")
                .append(functions - 1).append("\n\tjmp f1\n");
        return Tools.gcc(dir, name + ".s", source.toString());
    }

    /** Every symbol in a numbered section sits in the section of the same name as before. */
    private static void assertSymbolsInSameSections(Readelf before, Readelf after, int shift) {
        Map<Integer, String> beforeNames = before.sections.stream()
                .collect(Collectors.toMap(Readelf.SectionRow::index, Readelf.SectionRow::name));
        Map<Integer, String> afterNames = after.sections.stream()
                .collect(Collectors.toMap(Readelf.SectionRow::index, Readelf.SectionRow::name));
        Map<String, Readelf.SymbolRow> afterSymbols = after.symbols.stream().filter(s -> !s.name().isEmpty())
                .collect(Collectors.toMap(Readelf.SymbolRow::name, Function.identity(), (a, b) -> a));
        int checked = 0;
        for (Readelf.SymbolRow symbol : before.symbols) {
            if (symbol.ndx().matches("\\d+") && !symbol.name().isEmpty() && !symbol.type().equals("SECTION")) {
                Readelf.SymbolRow moved = afterSymbols.get(symbol.name());
                assertThat(afterNames.get(Integer.parseInt(moved.ndx())))
                        .isEqualTo(beforeNames.get(Integer.parseInt(symbol.ndx())));
                assertThat(Integer.parseInt(moved.ndx())).isEqualTo(Integer.parseInt(symbol.ndx()) + shift);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(65000);
    }

    @Test
    void objectWithSixtySixThousandSections() throws IOException {
        Path object = assemble("big", 66000);
        byte[] original = Files.readAllBytes(object);
        ElfFile elf = ElfFile.read(object);
        assertThat(elf.sectionCount()).isGreaterThan(Elf.SHN_LORESERVE);
        assertThat(ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getShort(0x3c)).isZero();
        assertThat(elf.toBytes()).isEqualTo(original);

        SymbolTable symbols = elf.symbols();
        Symbol last = symbols.find("f65999").orElseThrow();
        assertThat(last.shndx()).isEqualTo(Elf.SHN_XINDEX);
        assertThat(elf.sectionOf(last).orElseThrow().name()).isEqualTo(".text.f65999");
        assertThat(elf.sectionOf(symbols.find("f3").orElseThrow()).orElseThrow().name()).isEqualTo(".text.f3");

        // Every section moves up one: extended indexes and the name table index with them.
        Readelf before = Readelf.of(object);
        elf.insertSection(1, Section.create(".text.first", Elf.SHT_PROGBITS)
                .setFlags(Elf.SHF_ALLOC | Elf.SHF_EXECINSTR).setData(new byte[] {(byte) 0xc3}));
        int high = elf.indexOf(elf.section(".text.f65500").orElseThrow());
        int added = symbols.add(Symbol.defined("added_local", high, 0, 1, Elf.STT_FUNC, Elf.STB_LOCAL));
        assertThat(symbols.get(added).shndx()).isEqualTo(Elf.SHN_XINDEX);
        Path edited = dir.resolve("edited.o");
        elf.write(edited);

        Readelf after = Readelf.of(edited);
        assertThat(after.sections).hasSize(before.sections.size() + 1);
        assertSymbolsInSameSections(before, after, 1);
        assertThat(after.symbol("added_local").orElseThrow().ndx()).isEqualTo(Integer.toString(high));
        assertThat(after.relocations).isEqualTo(before.relocations);
        assertThat(after.section(".symtab").orElseThrow().info()).isEqualTo((int) after.localSymbols());
        ElfFile reread = ElfFile.read(edited);
        assertThat(reread.sectionNameTable().orElseThrow().name()).isEqualTo(".shstrtab");
        assertThat(reread.sectionOf(reread.symbols().find("f65999").orElseThrow()).orElseThrow().name())
                .isEqualTo(".text.f65999");
    }

    @Test
    void crossingTheLimitAddsTheExtendedIndexSection() throws IOException {
        Path object = assemble("below", 65200);
        ElfFile elf = ElfFile.read(object);
        assertThat(elf.sectionCount()).isLessThan(Elf.SHN_LORESERVE);
        assertThat(elf.sections()).noneMatch(s -> s.type() == Elf.SHT_SYMTAB_SHNDX);
        Readelf before = Readelf.of(object);
        for (int i = 0; i < 100; i++) {
            elf.insertSection(1, Section.create(".note.pad" + i, Elf.SHT_NOTE).setAddralign(4));
        }
        Path edited = dir.resolve("edited.o");
        elf.write(edited);

        Readelf after = Readelf.of(edited);
        assertThat(after.sections).hasSize(before.sections.size() + 101);
        assertThat(after.sections).anyMatch(s -> s.type().equals("SYMTAB SECTION INDICES"));
        assertSymbolsInSameSections(before, after, 100);
        assertThat(after.relocations).isEqualTo(before.relocations);
    }

    @Test
    void extendedEncodingOfASmallFileIsReadAndKept() throws IOException {
        Path object = Tools.gcc(dir, "program", Tools.PROGRAM, "-O2");
        byte[] bytes = Files.readAllBytes(object);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = header.getLong(0x28);
        int count = header.getShort(0x3c);
        int names = header.getShort(0x3e);
        header.putShort(0x3c, (short) 0).putLong((int) shoff + 32, count);
        header.putShort(0x3e, (short) Elf.SHN_XINDEX).putInt((int) shoff + 40, names);
        Path extended = dir.resolve("extended.o");
        Files.write(extended, bytes);

        ElfFile elf = ElfFile.read(extended);
        assertThat(elf.sectionCount()).isEqualTo(count);
        assertThat(elf.header().shstrndx()).isEqualTo(names);
        assertThat(elf.sectionNameTable().orElseThrow().name()).isEqualTo(".shstrtab");
        assertThat(elf.toBytes()).isEqualTo(bytes);

        Readelf before = Readelf.of(extended);
        elf.addSection(Section.create(".comment.more", Elf.SHT_PROGBITS).setData(new byte[] {0}));
        Path edited = dir.resolve("edited.o");
        elf.write(edited);
        Readelf after = Readelf.of(edited);
        assertThat(after.sections).hasSize(count + 1);
        assertThat(after.symbols).isEqualTo(before.symbols);
        ByteBuffer written = ByteBuffer.wrap(Files.readAllBytes(edited)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(written.getShort(0x3c)).as("still extended").isZero();
        assertThat(written.getShort(0x3e)).isEqualTo((short) Elf.SHN_XINDEX);
    }
}
