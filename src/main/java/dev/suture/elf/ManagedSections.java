package dev.suture.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Regenerates the sections {@link ElfFile} derives from its model, before each write and only when their source
 * changed: the section-name table when a section was renamed, added or removed; the symbol string table, the
 * symbol table and its SHT_SYMTAB_SHNDX companion when a symbol changed. Untouched tables keep their bytes as
 * read, so an unmodified file keeps its (suffix-merged, toolchain-ordered) string tables.
 */
final class ManagedSections {
    private ManagedSections() {
    }

    static void update(ElfFile file) {
        SymbolTable symbols = file.hasSymbols() ? file.symbols() : null;
        boolean symbolsChanged = symbols != null && symbols.modified();
        if (symbolsChanged) {
            addIndexSectionIfNeeded(file, symbols);
        }
        List<Section> sections = file.sections();
        boolean namesChanged = file.restructured() || sections.stream().anyMatch(s -> s.renamed);
        Section names = file.sectionNameTable().orElse(null);
        if (names == null && namesChanged) {
            if (sections.stream().allMatch(s -> s.name().isEmpty())) {
                namesChanged = false;
            } else {
                // A file read without section names that now has some needs a table for them.
                names = Section.create(".shstrtab", Elf.SHT_STRTAB);
                file.addSection(names);
                file.setSectionNameTable(names);
            }
        }
        Section symbolNames = symbols == null ? null : file.symbolNames();
        boolean shared = names != null && names == symbolNames;
        if (shared ? namesChanged || symbolsChanged : namesChanged) {
            StringTable table = new StringTable();
            sections.forEach(section -> table.add(section.name()));
            if (shared) {
                symbols.forEach(symbol -> table.add(symbol.name()));
            }
            names.replaceData(table.build());
            sections.forEach(section -> section.initName(section.name(), table.offset(section.name())));
            if (shared) {
                writeSymbols(file, symbols, table);
            }
        }
        if (symbolsChanged && !shared) {
            StringTable table = new StringTable();
            symbols.forEach(symbol -> table.add(symbol.name()));
            symbolNames.replaceData(table.build());
            writeSymbols(file, symbols, table);
        }
        if (symbols != null) {
            symbols.markWritten();
        }
    }

    /** Symbols in sections numbered 0xff00 and up need the extended index section; add one if missing. */
    private static void addIndexSectionIfNeeded(ElfFile file, SymbolTable symbols) {
        if (file.symbolSectionIndexes() != null
                || symbols.stream().noneMatch(s -> s.shndx() == Elf.SHN_XINDEX)) {
            return;
        }
        Section section = Section.create(".symtab_shndx", Elf.SHT_SYMTAB_SHNDX)
                .setLink(file.indexOf(symbols.section()))
                .setEntsize(4)
                .setAddralign(4);
        file.addSection(section);
        file.setSymbolSectionIndexes(section);
    }

    /** Encodes the symbols with names from {@code strings}; sh_info is the first non-local index. */
    private static void writeSymbols(ElfFile file, SymbolTable symbols, StringTable strings) {
        int count = symbols.size();
        ByteBuffer table = ByteBuffer.allocate(Math.multiplyExact(count, Elf.SYM_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        Section indexSection = file.symbolSectionIndexes();
        ByteBuffer indexes = indexSection == null ? null
                : ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Symbol symbol : symbols) {
            table.putInt(strings.offset(symbol.name()))
                    .put((byte) symbol.info())
                    .put((byte) symbol.other())
                    .putShort((short) symbol.shndx())
                    .putLong(symbol.value())
                    .putLong(symbol.size());
            if (indexes != null) {
                indexes.putInt(symbol.shndx() == Elf.SHN_XINDEX ? symbol.xindex() : 0);
            }
        }
        symbols.section().replaceData(table.array());
        symbols.section().setInfo(symbols.firstNonLocal());
        if (indexSection != null) {
            indexSection.replaceData(indexes.array());
        }
    }
}
