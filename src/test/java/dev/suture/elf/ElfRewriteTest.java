package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With every managed table rebuilt and every section laid out again, a file means exactly what it meant:
 * readelf sees the same sections, symbols and relocations, and objdump the same code.
 */
class ElfRewriteTest {
    @TempDir
    Path dir;

    private static final String EXTRA = ".suture.extra";

    /**
     * Renames that change nothing still make the writer rebuild both string tables and the symbol table; an
     * extra section at the end makes it lay every section out again.
     */
    private static void touchEverything(ElfFile elf) {
        Section first = elf.section(1);
        first.setName(first.name());
        elf.symbols().rename(1, elf.symbols().get(1).name());
        elf.addSection(Section.create(EXTRA, Elf.SHT_PROGBITS).setData(new byte[] {1, 2, 3}));
    }

    private record SectionShape(int index, String name, String type, long entsize, String flags, int link, int info,
            long align, long size) {
    }

    /** Section headers without offsets; string tables' sizes vary with how their strings were packed. */
    private static List<SectionShape> shapes(Readelf readelf) {
        return readelf.sections.stream()
                .map(s -> new SectionShape(s.index(), s.name(), s.type(), s.entsize(), s.flags(), s.link(), s.info(),
                        s.align(), s.type().equals("STRTAB") ? -1 : s.size()))
                .toList();
    }

    private void assertSameMeaning(Path original, boolean disassemble) throws IOException {
        ElfFile elf = ElfFile.read(original);
        touchEverything(elf);
        Path rewritten = dir.resolve("rewritten-" + original.getFileName());
        elf.write(rewritten);

        Readelf before = Readelf.of(original);
        Readelf after = Readelf.of(rewritten);
        List<SectionShape> shapes = shapes(after);
        assertThat(shapes.getLast().name()).isEqualTo(EXTRA);
        assertThat(shapes.subList(0, shapes.size() - 1)).isEqualTo(shapes(before));
        assertThat(after.symbols).isEqualTo(before.symbols);
        assertThat(after.relocations).isEqualTo(before.relocations);

        ElfFile reread = ElfFile.read(rewritten);
        ElfFile source = ElfFile.read(original);
        for (int i = 1; i < source.sectionCount(); i++) {
            Section was = source.section(i);
            Section is = reread.section(i);
            if (was.type() != Elf.SHT_STRTAB && was.type() != Elf.SHT_SYMTAB) {
                assertThat(Arrays.equals(is.data(), was.data())).as("contents of %s", was.name()).isTrue();
            }
            if (is.addralign() > 1 && !is.isNoBits()) {
                assertThat(is.offset() % is.addralign()).as("alignment of %s", is.name()).isZero();
            }
        }
        assertThat(reread.header().shoff() % 8).isZero();
        assertThat(reread.header().shoff()).as("section headers at the end")
                .isEqualTo(Files.size(rewritten) - (long) reread.sectionCount() * Elf.SHDR_SIZE);
        if (disassemble) {
            assertThat(objdump(rewritten)).isEqualTo(objdump(original));
        }
    }

    private String objdump(Path file) {
        String out = Tools.run(dir, "objdump", "-d", "-r", file.toString()).ok().out();
        return out.substring(out.indexOf("Disassembly"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-O2", "-O0 -g", "-O2 -g -ffunction-sections -fdata-sections"})
    void gccObjects(String flags) throws IOException {
        assertSameMeaning(Tools.gcc(dir, "program", Tools.PROGRAM, flags.split(" ")), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dummy.ko", "libcrc32c.ko", "vfat.ko"})
    void smallKernelModules(String module) throws IOException {
        assertSameMeaning(TargetKernel.module(module), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xfs.ko", "btrfs.ko"})
    void largeKernelModules(String module) throws IOException {
        assertSameMeaning(TargetKernel.module(module), false);
    }
}
