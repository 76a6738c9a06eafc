package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits checked the way the toolchain sees them: readelf without complaints, objdump, and gcc linking. */
class ElfEditTest {
    private static final long OS_FLAG = 0x00100000L;

    @TempDir
    Path dir;
    Path object;

    @BeforeEach
    void compile() throws IOException {
        object = Tools.gcc(dir, "program", Tools.PROGRAM, "-O2");
    }

    private Path write(ElfFile elf, String name) throws IOException {
        Path out = dir.resolve(name);
        elf.write(out);
        return out;
    }

    private static void assertDisassembles(Path file) {
        Tools.Result result = Tools.run(file.getParent(), "objdump", "-d", "-r", file.toString()).ok();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("<main>:").contains("<compute>:");
    }

    /** Links the object with gcc, runs the program and returns what it printed. */
    private String linkAndRun(Path file) {
        Tools.run(dir, "gcc", file.toString(), "-o", "linked").ok();
        return Tools.run(dir, dir.resolve("linked").toString()).ok().out();
    }

    @Test
    void untouchedProgramLinksAndRuns() {
        assertThat(linkAndRun(object)).isEqualTo(Tools.PROGRAM_OUTPUT);
    }

    @Test
    void renamedSymbolShowsUnderItsNewNameEverywhere() throws IOException {
        ElfFile elf = ElfFile.read(object);
        SymbolTable symbols = elf.symbols();
        int printf = symbols.indexOf("printf").orElseThrow();
        symbols.rename(printf, "printf_renamed");
        assertThat(symbols.get(printf).name()).isEqualTo("printf_renamed");

        Readelf readelf = Readelf.of(write(elf, "renamed.o"));
        assertThat(readelf.symbol("printf_renamed")).isPresent();
        assertThat(readelf.symbol("printf")).isEmpty();
        assertThat(readelf.relocations).extracting(Readelf.RelocationRow::symbol)
                .contains("printf_renamed").doesNotContain("printf");
    }

    @Test
    void addedGlobalSymbolIsListedAndTheObjectStillLinksAndRuns() throws IOException {
        ElfFile elf = ElfFile.read(object);
        int text = elf.indexOf(elf.section(".text").orElseThrow());
        int locals = elf.symbols().firstNonLocal();
        int added = elf.symbols().add(Symbol.defined("compute_alias", text, 0, 4, Elf.STT_FUNC, Elf.STB_GLOBAL));
        assertThat(added).isEqualTo(elf.symbols().size() - 1);
        assertThat(elf.symbols().firstNonLocal()).isEqualTo(locals);

        Path edited = write(elf, "added.o");
        Readelf readelf = Readelf.of(edited);
        Readelf.SymbolRow row = readelf.symbol("compute_alias").orElseThrow();
        assertThat(row.index()).isEqualTo(added);
        assertThat(row.bind()).isEqualTo("GLOBAL");
        assertThat(row.type()).isEqualTo("FUNC");
        assertThat(row.ndx()).isEqualTo(Integer.toString(text));
        assertThat(readelf.section(".symtab").orElseThrow().info()).isEqualTo(locals);
        assertDisassembles(edited);
        assertThat(linkAndRun(edited)).isEqualTo(Tools.PROGRAM_OUTPUT);
    }

    @Test
    void relocationsMovedIntoANewRelaSectionWithAnOsFlag() throws IOException {
        ElfFile elf = ElfFile.read(object);
        Section main = elf.sectionOf(elf.symbols().find("main").orElseThrow()).orElseThrow();
        RelocationSection original = elf.relocationsFor(main).orElseThrow();
        int printf = elf.symbols().indexOf("printf").orElseThrow();
        RelocationSection moved = elf.addRelaSection(".rela.custom" + main.name(), main, OS_FLAG);
        List<Relocation> taken = original.moveTo(moved, r -> r.symbol() == printf);
        assertThat(taken).hasSize(1);
        assertThat(moved.list()).isEqualTo(taken);
        int remaining = original.size();

        Path edited = write(elf, "moved.o");
        Readelf readelf = Readelf.of(edited);
        Readelf.SectionRow row = readelf.section(".rela.custom" + main.name()).orElseThrow();
        assertThat(row.type()).isEqualTo("RELA");
        assertThat(row.flags()).contains("I").contains("o");
        assertThat(row.entsize()).isEqualTo(24);
        assertThat(row.align()).isEqualTo(8);
        assertThat(row.link()).isEqualTo(readelf.section(".symtab").orElseThrow().index());
        assertThat(row.info()).isEqualTo(readelf.section(main.name()).orElseThrow().index());
        assertThat(readelf.relocations(".rela.custom" + main.name())).singleElement()
                .satisfies(r -> assertThat(r.symbol()).isEqualTo("printf"))
                .satisfies(r -> assertThat(r.type()).isEqualTo("R_X86_64_PLT32"));
        assertThat(readelf.relocations(original.section().name())).hasSize(remaining)
                .noneMatch(r -> r.symbol().equals("printf"));
        assertDisassembles(edited);

        ElfFile reread = ElfFile.read(edited);
        Section custom = reread.section(".rela.custom" + main.name()).orElseThrow();
        assertThat(custom.flags()).isEqualTo(Elf.SHF_INFO_LINK | OS_FLAG);
        assertThat(reread.relocations(custom).list()).isEqualTo(taken);
    }

    @Test
    void symbolInAnOsSpecificSectionIndex() throws IOException {
        ElfFile elf = ElfFile.read(object);
        int printf = elf.symbols().indexOf("printf").orElseThrow();
        elf.symbols().set(printf, elf.symbols().get(printf).withShndx(Elf.SHN_LOOS));
        assertThat(elf.symbols().get(printf).sectionIndex()).isEqualTo(-1);

        Path edited = write(elf, "os.o");
        Readelf readelf = Readelf.of(edited);
        assertThat(readelf.symbol("printf").orElseThrow().ndx()).isEqualTo("OS [0xff20]");
        assertThat(ElfFile.read(edited).symbols().find("printf").orElseThrow().shndx()).isEqualTo(0xff20);
        assertDisassembles(edited);
    }

    @Test
    void changedTypeAndBindingAreWritten() throws IOException {
        ElfFile elf = ElfFile.read(object);
        int shared = elf.symbols().indexOf("shared").orElseThrow();
        elf.symbols().set(shared, elf.symbols().get(shared).withBind(Elf.STB_WEAK).withType(Elf.STT_NOTYPE)
                .withVisibility(Elf.STV_HIDDEN));
        Readelf.SymbolRow row = Readelf.of(write(elf, "weak.o")).symbol("shared").orElseThrow();
        assertThat(row.bind()).isEqualTo("WEAK");
        assertThat(row.type()).isEqualTo("NOTYPE");
        assertThat(row.visibility()).isEqualTo("HIDDEN");
    }

    @Test
    void replacedSectionDataIsWritten() throws IOException {
        ElfFile elf = ElfFile.read(object);
        Section comment = elf.section(".comment").orElseThrow();
        byte[] text = "\0a different compiler, version 1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        comment.setData(text);
        Path edited = write(elf, "comment.o");
        Readelf.of(edited);
        assertThat(ElfFile.read(edited).section(".comment").orElseThrow().data()).isEqualTo(text);
        assertThat(linkAndRun(edited)).isEqualTo(Tools.PROGRAM_OUTPUT);
    }

    @Test
    void insertedSectionShiftsEveryIndexAndTheProgramStillWorks() throws IOException {
        ElfFile elf = ElfFile.read(object);
        Readelf before = Readelf.of(object);
        elf.insertSection(1, Section.create(".note.inserted", Elf.SHT_NOTE).setAddralign(4)
                .setData(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 'A', 'B', 'C', 0}));
        Path edited = write(elf, "inserted.o");
        Readelf after = Readelf.of(edited);
        assertThat(after.sections).hasSize(before.sections.size() + 1);
        assertThat(after.section(".note.inserted").orElseThrow().index()).isEqualTo(1);
        // Every relocation still names the same symbol, and every symbol sits in the same-named section.
        assertThat(before.relocations).isNotEmpty();
        assertThat(after.relocations).containsExactlyElementsOf(before.relocations);
        for (Readelf.SymbolRow symbol : before.symbols) {
            Readelf.SymbolRow moved = after.symbols.get(symbol.index());
            assertThat(moved.name()).isEqualTo(symbol.name());
            if (symbol.ndx().matches("\\d+")) {
                String sectionName = before.sections.get(Integer.parseInt(symbol.ndx())).name();
                assertThat(after.sections.get(Integer.parseInt(moved.ndx())).name()).isEqualTo(sectionName);
            }
        }
        assertDisassembles(edited);
        assertThat(linkAndRun(edited)).isEqualTo(Tools.PROGRAM_OUTPUT);
    }

    @Test
    void sectionGroupsFollowRenumberingAndSymbolMoves() throws IOException {
        Path grouped = Tools.gcc(dir, "group.s", """
                \t.section .text.inl,"axG",@progbits,inl,comdat
                \t.weak inl
                inl:\tret
                \t.section .data.inl,"awG",@progbits,inl,comdat
                \t.quad inl
                \t.text
                \t.globl caller
                caller:\tcall inl
                """);
        String before = groupListing(grouped);
        assertThat(before).contains("COMDAT group section [").contains("[inl]").contains(".text.inl")
                .contains(".data.inl");
        ElfFile elf = ElfFile.read(grouped);
        elf.insertSection(1, Section.create(".note.first", Elf.SHT_NOTE).setAddralign(4));
        elf.symbols().add(Symbol.undefined("a_local", Elf.STT_NOTYPE, Elf.STB_LOCAL));
        Path edited = write(elf, "group-edited.o");
        Readelf.of(edited);
        // Same members and signature; only the section numbers moved up by one.
        assertThat(groupListing(edited).replaceAll("\\[\\s*\\d+]", "[n]"))
                .isEqualTo(before.replaceAll("\\[\\s*\\d+]", "[n]"));
        assertThat(Readelf.of(edited).relocations).isEqualTo(Readelf.of(grouped).relocations);
    }

    private static String groupListing(Path file) {
        Tools.Result result = Tools.run(file.getParent(), "readelf", "-g", "-W", file.toString()).ok();
        assertThat(result.err()).isEmpty();
        return result.out();
    }

    @Test
    void removedFunctionSectionTakesItsRelocationsAndSymbolsAlong() throws IOException {
        String source = Tools.PROGRAM + """
                __attribute__((used)) static int unused_helper(int x) { return printf("unused %d\\n", x); }
                """;
        Path split = Tools.gcc(dir, "split", source, "-O2", "-ffunction-sections", "-fno-asynchronous-unwind-tables");
        ElfFile elf = ElfFile.read(split);
        Section unused = elf.section(".text.unused_helper").orElseThrow();
        assertThat(elf.relocationsFor(unused)).isPresent();
        int sections = elf.sectionCount();
        elf.removeSection(unused);
        assertThat(elf.sectionCount()).isEqualTo(sections - 2);
        assertThat(elf.symbols().find("unused_helper")).isEmpty();

        Path edited = write(elf, "removed.o");
        Readelf readelf = Readelf.of(edited);
        assertThat(readelf.section(".text.unused_helper")).isEmpty();
        assertThat(readelf.section(".rela.text.unused_helper")).isEmpty();
        assertThat(readelf.symbol("unused_helper")).isEmpty();
        assertThat(readelf.section(".symtab").orElseThrow().info()).isEqualTo((int) readelf.localSymbols());
        assertDisassembles(edited);
        assertThat(linkAndRun(edited)).isEqualTo(Tools.PROGRAM_OUTPUT);
    }

    @Test
    void sectionStillReferredToCannotBeRemoved() throws IOException {
        // main calls compute; and with unwind tables .rela.eh_frame points into every function section.
        String source = Tools.PROGRAM + """
                __attribute__((used)) static int unused_helper(int x) { return printf("unused %d\\n", x); }
                """;
        Path split = Tools.gcc(dir, "split", source, "-O2", "-ffunction-sections");
        ElfFile elf = ElfFile.read(split);
        byte[] before = elf.toBytes();
        assertThatThrownBy(() -> elf.removeSection(elf.section(".text.compute").orElseThrow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("symbol compute");
        assertThatThrownBy(() -> elf.removeSection(elf.section(".text.unused_helper").orElseThrow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".rela.eh_frame");
        assertThat(elf.toBytes()).as("nothing changed").isEqualTo(before);
        assertThatThrownBy(() -> elf.removeSection(elf.symbols().section()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linkedProgramWithARenamedSymbolStillRuns() throws IOException {
        Tools.run(dir, "gcc", object.toString(), "-o", "program").ok();
        Path program = dir.resolve("program");
        ElfFile elf = ElfFile.read(program);
        SymbolTable symbols = elf.symbols();
        symbols.rename(symbols.indexOf("compute").orElseThrow(), "compute_with_a_much_longer_name_now");
        Path edited = write(elf, "edited-program");
        Readelf readelf = Readelf.of(edited);
        assertThat(readelf.symbol("compute_with_a_much_longer_name_now")).isPresent();
        assertThat(Tools.run(dir, edited.toString()).ok().out()).isEqualTo(Tools.PROGRAM_OUTPUT);
        // Allocated sections did not move: segments still map them.
        ElfFile reread = ElfFile.read(edited);
        for (Section section : elf.sections()) {
            if (section.hasFlags(Elf.SHF_ALLOC)) {
                assertThat(reread.section(section.name()).orElseThrow().offset()).isEqualTo(section.offset());
            }
        }
    }
}
