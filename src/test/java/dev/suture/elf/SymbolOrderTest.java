package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The symbol table keeps locals before everything else with sh_info at the first non-local, and relocations keep
 * naming the same symbols however symbols move.
 */
class SymbolOrderTest {
    @TempDir
    Path dir;

    private Path object() throws IOException {
        return Tools.gcc(dir, "program", Tools.PROGRAM, "-O2", "-g");
    }

    /** Locals first, sh_info right, as readelf sees the written file. */
    private static void assertOrdered(Readelf readelf) {
        long locals = readelf.localSymbols();
        assertThat(readelf.section(".symtab").orElseThrow().info()).isEqualTo((int) locals);
        assertThat(readelf.symbols.subList(0, (int) locals)).allMatch(s -> s.bind().equals("LOCAL"));
        assertThat(readelf.symbols.subList((int) locals, readelf.symbols.size()))
                .noneMatch(s -> s.bind().equals("LOCAL"));
    }

    private Path write(ElfFile elf) throws IOException {
        Path out = dir.resolve("edited.o");
        elf.write(out);
        return out;
    }

    @Test
    void addedGlobalGoesLastAndNothingMoves() throws IOException {
        Path object = object();
        Readelf before = Readelf.of(object);
        ElfFile elf = ElfFile.read(object);
        int index = elf.symbols().add(Symbol.undefined("new_global", Elf.STT_FUNC, Elf.STB_GLOBAL));
        int weak = elf.symbols().add(Symbol.undefined("new_weak", Elf.STT_NOTYPE, Elf.STB_WEAK));
        assertThat(index).isEqualTo(before.symbols.size());
        assertThat(weak).isEqualTo(before.symbols.size() + 1);

        Readelf after = Readelf.of(write(elf));
        assertOrdered(after);
        assertThat(after.symbols.subList(0, before.symbols.size())).isEqualTo(before.symbols);
        assertThat(after.symbols.get(index).name()).isEqualTo("new_global");
        assertThat(after.relocations).isEqualTo(before.relocations);
    }

    @Test
    void addedLocalShiftsTheGlobalsAndRelocationsFollow() throws IOException {
        Path object = object();
        Readelf before = Readelf.of(object);
        ElfFile elf = ElfFile.read(object);
        int firstGlobal = elf.symbols().firstNonLocal();
        int data = elf.indexOf(elf.section(".data").orElseThrow());
        int index = elf.symbols().add(Symbol.defined("new_local", data, 0, 4, Elf.STT_OBJECT, Elf.STB_LOCAL));
        assertThat(index).isEqualTo(firstGlobal);
        assertThat(elf.symbols().firstNonLocal()).isEqualTo(firstGlobal + 1);

        Readelf after = Readelf.of(write(elf));
        assertOrdered(after);
        assertThat(after.symbols.get(index).name()).isEqualTo("new_local");
        assertThat(after.symbol("main").orElseThrow().index()).isEqualTo(before.symbol("main").orElseThrow().index() + 1);
        // Same relocations, naming the same symbols, though their numbers changed.
        assertThat(before.relocations).anyMatch(r -> r.symbol().equals("shared"));
        assertThat(after.relocations).isEqualTo(before.relocations);
    }

    @Test
    void bindingChangesMoveSymbolsAcrossTheBoundary() throws IOException {
        Path object = object();
        Readelf before = Readelf.of(object);
        ElfFile elf = ElfFile.read(object);
        SymbolTable symbols = elf.symbols();
        int shared = symbols.indexOf("shared").orElseThrow();
        int newShared = symbols.set(shared, symbols.get(shared).withBind(Elf.STB_LOCAL));
        assertThat(newShared).isEqualTo(symbols.firstNonLocal() - 1);
        int counter = symbols.indexOf("counter").orElseThrow();
        int newCounter = symbols.set(counter, symbols.get(counter).withBind(Elf.STB_GLOBAL));
        assertThat(newCounter).isEqualTo(symbols.size() - 1);
        assertThat(symbols.get(newCounter).name()).isEqualTo("counter");

        Readelf after = Readelf.of(write(elf));
        assertOrdered(after);
        assertThat(after.symbol("shared").orElseThrow().bind()).isEqualTo("LOCAL");
        assertThat(after.symbol("counter").orElseThrow().bind()).isEqualTo("GLOBAL");
        assertThat(after.relocations).isEqualTo(before.relocations);
    }

    @Test
    void removingASymbolRenumbersTheRestButOnlyWhenNothingNamesIt() throws IOException {
        Path object = object();
        Readelf before = Readelf.of(object);
        ElfFile elf = ElfFile.read(object);
        SymbolTable symbols = elf.symbols();
        int file = symbols.indexOf("program.c").orElseThrow();
        symbols.remove(file);
        assertThatThrownBy(() -> symbols.remove(symbols.indexOf("printf").orElseThrow()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("printf");
        assertThatThrownBy(() -> symbols.remove(0)).isInstanceOf(IndexOutOfBoundsException.class);

        Readelf after = Readelf.of(write(elf));
        assertOrdered(after);
        assertThat(after.symbols).hasSize(before.symbols.size() - 1);
        assertThat(after.symbol("program.c")).isEmpty();
        assertThat(after.relocations).isEqualTo(before.relocations);
    }

    @Test
    void kernelModuleTakesNewLocalsAndGlobalsWithRelocationsIntact() throws IOException {
        Path module = TargetKernel.module("xfs.ko");
        Readelf before = Readelf.of(module);
        ElfFile elf = ElfFile.read(module);
        SymbolTable symbols = elf.symbols();
        int text = elf.indexOf(elf.section(".text").orElseThrow());
        int local = symbols.add(Symbol.defined("suture_test_local", text, 0x10, 0, Elf.STT_FUNC, Elf.STB_LOCAL));
        int global = symbols.add(Symbol.undefined("suture_test_global", Elf.STT_NOTYPE, Elf.STB_GLOBAL));
        int renamed = symbols.indexOf("xfs_fs_fill_super").orElseThrow();
        symbols.rename(renamed, "xfs_fs_fill_super_renamed");
        assertThat(List.of(local, global)).containsExactly(before.localSymbols() > 0 ? (int) before.localSymbols() : 1,
                before.symbols.size() + 1);

        Readelf after = Readelf.of(write(elf));
        assertOrdered(after);
        assertThat(after.symbols).hasSize(before.symbols.size() + 2);
        assertThat(after.symbols.get(local).name()).isEqualTo("suture_test_local");
        assertThat(after.symbols.get(global).name()).isEqualTo("suture_test_global");
        List<Readelf.RelocationRow> expected = before.relocations.stream()
                .map(r -> r.symbol().equals("xfs_fs_fill_super")
                        ? new Readelf.RelocationRow(r.section(), r.offset(), r.type(), "xfs_fs_fill_super_renamed",
                                r.addend())
                        : r)
                .toList();
        assertThat(after.relocations).hasSize(before.relocations.size()).isEqualTo(expected);
    }
}
