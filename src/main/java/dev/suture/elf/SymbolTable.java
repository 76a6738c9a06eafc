package dev.suture.elf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

/**
 * The symbols of the {@code SHT_SYMTAB} section, in table order: index 0 is the null symbol, then the local
 * symbols, then the global and weak ones; the section's sh_info is the index of the first non-local symbol.
 *
 * <p>Edits keep that order. A symbol that has to move (a new local one, or one whose binding changes between
 * local and non-local) shifts others, and then every relocation section and group of this table is rewritten to
 * the new numbers, so relocations keep naming the same symbols. Methods that can move symbols return the
 * symbol's new index.
 */
public final class SymbolTable implements Iterable<Symbol> {
    private final ElfFile file;
    private final Section section;
    private final List<Symbol> symbols;
    /** The index of the first symbol that is not local (all of them when the file breaks the rule). */
    private int localEnd;
    private boolean modified;

    SymbolTable(ElfFile file, Section section, List<Symbol> symbols) {
        this.file = file;
        this.section = section;
        this.symbols = symbols;
        int end = symbols.isEmpty() ? 0 : 1;
        while (end < symbols.size() && symbols.get(end).isLocal()) {
            end++;
        }
        this.localEnd = end;
    }

    /** The {@code .symtab} section. */
    public Section section() {
        return section;
    }

    public int size() {
        return symbols.size();
    }

    public Symbol get(int index) {
        return symbols.get(index);
    }

    /** All symbols, index order, read-only. */
    public List<Symbol> list() {
        return Collections.unmodifiableList(symbols);
    }

    @Override
    public Iterator<Symbol> iterator() {
        return list().iterator();
    }

    public Stream<Symbol> stream() {
        return symbols.stream();
    }

    /** What sh_info says once written: the index of the first non-local symbol. */
    public int firstNonLocal() {
        return localEnd;
    }

    /** The index of the first symbol named {@code name}. */
    public OptionalInt indexOf(String name) {
        for (int i = 0; i < symbols.size(); i++) {
            if (symbols.get(i).name().equals(name)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The first symbol named {@code name}. */
    public Optional<Symbol> find(String name) {
        OptionalInt index = indexOf(name);
        return index.isPresent() ? Optional.of(symbols.get(index.getAsInt())) : Optional.empty();
    }

    /** The index of the STT_SECTION symbol of section {@code sectionIndex}. */
    public OptionalInt sectionSymbol(int sectionIndex) {
        for (int i = 1; i < symbols.size(); i++) {
            Symbol symbol = symbols.get(i);
            if (symbol.type() == Elf.STT_SECTION && symbol.sectionIndex() == sectionIndex) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Adds a symbol and returns its index: a local one goes after the last local (shifting the non-local ones up
     * by one and renumbering relocations), any other at the end.
     */
    public int add(Symbol symbol) {
        checkSectionIndex(symbol);
        if (!symbol.isLocal()) {
            symbols.add(symbol);
            modified = true;
            return symbols.size() - 1;
        }
        int at = localEnd;
        int oldSize = symbols.size();
        symbols.add(at, symbol);
        localEnd++;
        modified = true;
        file.remapSymbols(this, within(oldSize, j -> j >= at ? j + 1 : j));
        return at;
    }

    /**
     * Replaces symbol {@code index}. When the new symbol is local and the old one was not, or the other way
     * round, it moves to the other part of the table, and relocations are renumbered. Returns its index.
     */
    public int set(int index, Symbol symbol) {
        checkIndex(index);
        checkSectionIndex(symbol);
        boolean wasLocalPart = index < localEnd;
        modified = true;
        if (wasLocalPart == symbol.isLocal()) {
            symbols.set(index, symbol);
            return index;
        }
        int size = symbols.size();
        symbols.remove(index);
        if (wasLocalPart) {
            // Out of the locals, to the end.
            symbols.add(symbol);
            localEnd--;
            file.remapSymbols(this, within(size, j -> j == index ? size - 1 : j > index ? j - 1 : j));
            return size - 1;
        }
        // Into the locals, right after the last one.
        int at = localEnd;
        symbols.add(at, symbol);
        localEnd++;
        file.remapSymbols(this, within(size, j -> j == index ? at : j >= at && j < index ? j + 1 : j));
        return at;
    }

    /** Gives symbol {@code index} another name; nothing moves. */
    public void rename(int index, String name) {
        set(index, get(index).withName(name));
    }

    /**
     * Removes symbol {@code index}; the ones after it move down one and relocations are renumbered.
     *
     * @throws IllegalStateException when a relocation or a group still refers to it
     */
    public void remove(int index) {
        checkIndex(index);
        boolean[] removed = new boolean[symbols.size()];
        removed[index] = true;
        removeAll(removed, List.of());
    }

    /**
     * Removes every symbol whose flag is set, after checking that no relocation or group outside {@code leaving}
     * (sections about to be removed with them) still refers to one.
     */
    void removeAll(boolean[] removed, List<Section> leaving) {
        file.checkUnreferenced(this, removed, leaving);
        int[] newIndex = new int[removed.length];
        List<Symbol> kept = new ArrayList<>(symbols.size());
        int newLocalEnd = 0;
        for (int i = 0; i < symbols.size(); i++) {
            if (removed[i]) {
                newIndex[i] = -1;
                continue;
            }
            newIndex[i] = kept.size();
            kept.add(symbols.get(i));
            if (i < localEnd) {
                newLocalEnd++;
            }
        }
        if (kept.size() == symbols.size()) {
            return;
        }
        symbols.clear();
        symbols.addAll(kept);
        localEnd = newLocalEnd;
        modified = true;
        file.remapSymbols(this, within(removed.length, j -> newIndex[j]));
    }

    /** Changes symbols in place without moving any; for section renumbering. */
    void replaceInPlace(int index, Symbol symbol) {
        if (!symbol.equals(symbols.get(index))) {
            symbols.set(index, symbol);
            modified = true;
        }
    }

    boolean modified() {
        return modified;
    }

    void markWritten() {
        modified = false;
    }

    /** Applies {@code map} to indexes of existing symbols; anything else (corrupt input) is left alone. */
    private static IntUnaryOperator within(int size, IntUnaryOperator map) {
        return j -> j >= 0 && j < size ? map.applyAsInt(j) : j;
    }

    private void checkIndex(int index) {
        if (index <= 0 || index >= symbols.size()) {
            throw new IndexOutOfBoundsException("symbol index " + index + " (table of " + symbols.size()
                    + "; index 0 is the null symbol and cannot change)");
        }
    }

    private void checkSectionIndex(Symbol symbol) {
        int sectionIndex = symbol.sectionIndex();
        if (symbol.shndx() == Elf.SHN_XINDEX ? sectionIndex <= 0 || sectionIndex >= file.sectionCount()
                : sectionIndex >= file.sectionCount()) {
            throw new IllegalArgumentException(symbol + ": there is no section " + sectionIndex);
        }
    }
}
