package dev.suture.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * An ELF64 little-endian file (relocatable object, kernel module, or linked executable such as vmlinux) held as
 * an editable model: header, sections in index order, and the symbol table.
 *
 * <p>Reading parses only the headers and the symbol table; section bytes are taken from the file when asked for
 * (files above {@value ElfSource#MAP_THRESHOLD} bytes are memory-mapped, so listing the symbols of a vmlinux of
 * half a gigabyte reads a few megabytes). Writing an unmodified file gives back the same bytes. After edits the
 * writer rebuilds the string tables and the symbol table and lays the sections out again; see {@link #write}.
 *
 * <p>Edits keep the file consistent: inserting or removing sections renumbers every section index held in
 * section headers, groups and symbols; moving symbols renumbers every relocation that names them.
 * Not thread-safe.
 */
public final class ElfFile {
    final ElfSource source;
    private final ElfHeader header;
    private final List<Section> sections;
    private Section sectionNames;
    private SymbolTable symbols;
    private Section symbolNames;
    private Section symbolSectionIndexes;
    /** Sections were inserted or removed: the old layout cannot be kept. */
    private boolean restructured;
    /** Where removed sections were in the source, so their bytes are not copied along with a neighbour's gap. */
    private final List<long[]> removedRanges = new ArrayList<>();
    final boolean extendedCount;
    final boolean extendedStrndx;

    ElfFile(ElfSource source, ElfHeader header, List<Section> sections, Section sectionNames, boolean extendedCount,
            boolean extendedStrndx) {
        this.source = source;
        this.header = header;
        this.sections = sections;
        this.sectionNames = sectionNames;
        this.extendedCount = extendedCount;
        this.extendedStrndx = extendedStrndx;
        if (sectionNames != null) {
            sectionNames.managed = true;
        }
    }

    /** Reads a file; large files are mapped and their sections read only when used. */
    public static ElfFile read(Path file) throws IOException {
        return ElfReader.read(ElfSource.of(file));
    }

    /** Reads a file from its bytes, which must not change afterwards (they are not copied). */
    public static ElfFile read(byte[] bytes) throws ElfFormatException {
        return ElfReader.read(ElfSource.of(bytes, "ELF image"));
    }

    void attachSymbols(Section symtab, Section strings, Section shndx, List<Symbol> list) {
        symbols = new SymbolTable(this, symtab, list);
        symbolNames = strings;
        symbolSectionIndexes = shndx;
        for (Section managed : new Section[] {symtab, strings, shndx}) {
            if (managed != null) {
                managed.managed = true;
            }
        }
    }

    public ElfHeader header() {
        return header;
    }

    /** All sections in index order, section 0 (the null section) included; read-only. */
    public List<Section> sections() {
        return Collections.unmodifiableList(sections);
    }

    public int sectionCount() {
        return sections.size();
    }

    public Section section(int index) {
        return sections.get(index);
    }

    /** The first section called {@code name}. */
    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The index of {@code section} in this file, or -1. */
    public int indexOf(Section section) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i) == section) {
                return i;
            }
        }
        return -1;
    }

    /** The section-name string table ({@code .shstrtab}), if the file has one. */
    public Optional<Section> sectionNameTable() {
        return Optional.ofNullable(sectionNames);
    }

    void setSectionNameTable(Section section) {
        sectionNames = section;
        section.managed = true;
    }

    public boolean hasSymbols() {
        return symbols != null;
    }

    /**
     * The symbol table.
     *
     * @throws IllegalStateException when the file has none (a stripped file)
     */
    public SymbolTable symbols() {
        if (symbols == null) {
            throw new IllegalStateException("no symbol table");
        }
        return symbols;
    }

    /** The string table of the symbol table ({@code .strtab}). */
    Section symbolNames() {
        return symbolNames;
    }

    Section symbolSectionIndexes() {
        return symbolSectionIndexes;
    }

    void setSymbolSectionIndexes(Section section) {
        symbolSectionIndexes = section;
        section.managed = true;
    }

    /** A symbol's name, or for a section symbol without one the name of its section, as readelf shows it. */
    public String symbolName(int index) {
        Symbol symbol = symbols().get(index);
        int section = symbol.sectionIndex();
        if (symbol.name().isEmpty() && symbol.type() == Elf.STT_SECTION && section >= 0 && section < sections.size()) {
            return sections.get(section).name();
        }
        return symbol.name();
    }

    /** The section a symbol is defined in, if any. */
    public Optional<Section> sectionOf(Symbol symbol) {
        int index = symbol.sectionIndex();
        return index >= 0 && index < sections.size() ? Optional.of(sections.get(index)) : Optional.empty();
    }

    /** Every REL and RELA section, in index order. */
    public List<RelocationSection> relocationSections() {
        List<RelocationSection> list = new ArrayList<>();
        for (Section section : sections) {
            if (isRelocations(section)) {
                list.add(new RelocationSection(this, section));
            }
        }
        return list;
    }

    /** The relocations of a REL or RELA section of this file. */
    public RelocationSection relocations(Section section) {
        requireMember(section);
        return new RelocationSection(this, section);
    }

    /** The first REL or RELA section that applies to {@code target}. */
    public Optional<RelocationSection> relocationsFor(Section target) {
        int index = requireMember(target);
        return sections.stream()
                .filter(s -> isRelocations(s) && s.info() == index)
                .findFirst()
                .map(s -> new RelocationSection(this, s));
    }

    /** Appends a new section (from {@link Section#create}) at the end of the section table; no index changes. */
    public Section addSection(Section section) {
        return insertSection(sections.size(), section);
    }

    /**
     * Inserts a new section at {@code index}; sections from there on move up one, and every reference to them
     * (sh_link, sh_info, groups, symbols) follows.
     */
    public Section insertSection(int index, Section section) {
        if (section.sourceOffset >= 0 || indexOf(section) >= 0) {
            throw new IllegalArgumentException(section.name() + " already belongs to a file");
        }
        if (index < 1 || index > sections.size()) {
            throw new IndexOutOfBoundsException("section index " + index + " of " + sections.size());
        }
        section.renamed = true;
        int oldCount = sections.size();
        sections.add(index, section);
        restructured = true;
        if (index < oldCount) {
            renumberSections(oldCount, j -> j >= index ? j + 1 : j);
        }
        return section;
    }

    /**
     * Adds a RELA section for {@code target} using the symbol table: entries of 24 bytes, alignment 8,
     * flags {@link Elf#SHF_INFO_LINK} plus {@code extraFlags} (an OS-specific bit, say). It goes at the end.
     */
    public RelocationSection addRelaSection(String name, Section target, long extraFlags) {
        int targetIndex = requireMember(target);
        Section section = Section.create(name, Elf.SHT_RELA)
                .setFlags(Elf.SHF_INFO_LINK | extraFlags)
                .setLink(indexOf(symbols().section()))
                .setInfo(targetIndex)
                .setEntsize(Elf.RELA_SIZE)
                .setAddralign(8);
        addSection(section);
        return new RelocationSection(this, section);
    }

    /**
     * Removes a section, together with the REL/RELA sections that apply to it and the symbols defined in any of
     * them; indexes of the sections after it move down and every reference follows.
     *
     * @throws IllegalArgumentException for section 0 and the tables this file manages (symbols, names)
     * @throws IllegalStateException    when something that stays still refers to what would go: a section's
     *                                  sh_link or sh_info, or a relocation or group naming a removed symbol
     */
    public void removeSection(Section section) {
        int index = requireMember(section);
        if (index == 0 || section.managed) {
            throw new IllegalArgumentException("cannot remove " + (index == 0 ? "section 0" : section.name()));
        }
        boolean[] gone = new boolean[sections.size()];
        gone[index] = true;
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (isRelocations(s) && s.info() == index) {
                gone[i] = true;
            }
        }
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (gone[i]) {
                continue;
            }
            if (refersTo(s.link(), gone) || (s.infoIsSectionIndex() && refersTo(s.info(), gone))) {
                throw new IllegalStateException("cannot remove " + section.name() + ": " + s.name()
                        + " refers to it or to its relocations");
            }
        }
        if (symbols != null) {
            boolean[] removedSymbols = new boolean[symbols.size()];
            for (int i = 1; i < symbols.size(); i++) {
                removedSymbols[i] = refersTo(symbols.get(i).sectionIndex(), gone);
            }
            List<Section> leaving = new ArrayList<>();
            for (int i = 0; i < gone.length; i++) {
                if (gone[i]) {
                    leaving.add(sections.get(i));
                }
            }
            symbols.removeAll(removedSymbols, leaving);
        }
        int oldCount = sections.size();
        int[] newIndex = new int[oldCount];
        List<Section> kept = new ArrayList<>(oldCount);
        for (int i = 0; i < oldCount; i++) {
            Section s = sections.get(i);
            if (gone[i]) {
                newIndex[i] = -1;
                if (s.sourceOffset >= 0 && !s.isNoBits()) {
                    removedRanges.add(new long[] {s.sourceOffset, s.sourceSize});
                }
            } else {
                newIndex[i] = kept.size();
                kept.add(s);
            }
        }
        sections.clear();
        sections.addAll(kept);
        restructured = true;
        renumberSections(oldCount, j -> newIndex[j]);
    }

    private static boolean refersTo(int index, boolean[] gone) {
        return index > 0 && index < gone.length && gone[index];
    }

    /**
     * Applies a section renumbering to everything that holds a section index. {@code map} is called only for
     * indexes of existing sections and returns -1 for removed ones (which, checked beforehand, only group
     * member lists still name).
     */
    private void renumberSections(int oldCount, IntUnaryOperator map) {
        IntUnaryOperator within = j -> j > 0 && j < oldCount ? map.applyAsInt(j) : j;
        for (Section s : sections) {
            s.setLink(within.applyAsInt(s.link()));
            if (s.infoIsSectionIndex()) {
                s.setInfo(within.applyAsInt(s.info()));
            }
            if (s.type() == Elf.SHT_GROUP && s.size() >= 4) {
                renumberGroup(s, within);
            }
        }
        if (symbols != null) {
            for (int i = 1; i < symbols.size(); i++) {
                Symbol symbol = symbols.get(i);
                int old = symbol.sectionIndex();
                if (old > 0 && old < oldCount) {
                    symbols.replaceInPlace(i, symbol.inSection(map.applyAsInt(old)));
                }
            }
        }
    }

    /** A group is a flag word and then the indexes of its member sections. */
    private static void renumberGroup(Section group, IntUnaryOperator map) {
        ByteBuffer in = group.buffer();
        ByteBuffer out = ByteBuffer.allocate(in.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(in.getInt(0));
        for (int at = 4; at + 4 <= in.limit(); at += 4) {
            int member = map.applyAsInt(in.getInt(at));
            if (member >= 0) {
                out.putInt(member);
            }
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        if (!Arrays.equals(bytes, group.data())) {
            group.replaceData(bytes);
        }
    }

    /** Rewrites symbol numbers in every relocation section and group that uses {@code table}. */
    void remapSymbols(SymbolTable table, IntUnaryOperator map) {
        int tableIndex = indexOf(table.section());
        for (Section s : sections) {
            if (s.link() != tableIndex) {
                continue;
            }
            if (s.type() == Elf.SHT_GROUP) {
                s.setInfo(map.applyAsInt(s.info()));
            } else if (isRelocations(s)) {
                remapRelocations(s, map);
            }
        }
    }

    private static void remapRelocations(Section s, IntUnaryOperator map) {
        int entry = s.type() == Elf.SHT_RELA ? Elf.RELA_SIZE : Elf.REL_SIZE;
        ByteBuffer in = s.buffer();
        byte[] copy = null;
        ByteBuffer out = null;
        for (int at = 0; at + entry <= in.limit(); at += entry) {
            long info = in.getLong(at + 8);
            int symbol = (int) (info >>> 32);
            int mapped = map.applyAsInt(symbol);
            if (mapped != symbol) {
                if (copy == null) {
                    copy = s.data();
                    out = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
                }
                out.putLong(at + 8, ((long) mapped << 32) | (info & 0xffffffffL));
            }
        }
        if (copy != null) {
            s.replaceData(copy);
        }
    }

    /** Throws when a relocation or group that stays refers to a symbol that is about to be removed. */
    void checkUnreferenced(SymbolTable table, boolean[] removed, List<Section> leaving) {
        int tableIndex = indexOf(table.section());
        for (Section s : sections) {
            if (s.link() != tableIndex || leaving.stream().anyMatch(l -> l == s)) {
                continue;
            }
            if (s.type() == Elf.SHT_GROUP && s.info() >= 0 && s.info() < removed.length && removed[s.info()]) {
                throw new IllegalStateException("group " + s.name() + " is named by symbol "
                        + table.get(s.info()).name() + ", which would be removed");
            }
            if (isRelocations(s)) {
                RelocationSection relocations = new RelocationSection(this, s);
                for (Relocation r : relocations.list()) {
                    int symbol = r.symbol();
                    if (symbol >= 0 && symbol < removed.length && removed[symbol]) {
                        throw new IllegalStateException("relocation " + r + " in " + s.name() + " refers to symbol "
                                + table.get(symbol).name() + ", which would be removed");
                    }
                }
            }
        }
    }

    void checkRelocationSymbol(Section relocations, Relocation relocation) {
        if (symbols != null && relocations.link() == indexOf(symbols.section())
                && Integer.toUnsignedLong(relocation.symbol()) >= symbols.size()) {
            throw new IllegalArgumentException(relocation + ": the symbol table has " + symbols.size() + " symbols");
        }
    }

    private static boolean isRelocations(Section s) {
        return s.type() == Elf.SHT_RELA || s.type() == Elf.SHT_REL;
    }

    private int requireMember(Section section) {
        int index = indexOf(section);
        if (index < 0) {
            throw new IllegalArgumentException(section.name() + " is not a section of this file");
        }
        return index;
    }

    boolean restructured() {
        return restructured;
    }

    List<long[]> removedRanges() {
        return removedRanges;
    }

    /** The bytes of the file as it now is. */
    public byte[] toBytes() {
        return ElfWriter.toBytes(this);
    }

    /**
     * Writes the file to {@code file}, through a temporary file in the same directory renamed into place, so a
     * file this model was read from (and may still be reading sections of) is never overwritten in place.
     *
     * <p>Layout: when no section was added or removed and none changed its size, every section, the section
     * header table and the bytes between and after them (an appended module signature, say) stay where they were,
     * and an unmodified file comes out identical. Otherwise sections are laid out again in their old file order
     * (new ones last), each at its alignment (capped at a page), with the section header table at the end,
     * 8-aligned, and bytes that belonged to no section are dropped; in a linked file (one with program headers)
     * allocated sections keep their offsets, as segments map them, and cannot change size.
     */
    public void write(Path file) throws IOException {
        ElfWriter.write(this, file);
    }

    /** Writes the file to a channel, front to back. */
    public void write(WritableByteChannel out) throws IOException {
        ElfWriter.write(this, out);
    }

    @Override
    public String toString() {
        return source.name() + " (" + sections.size() + " sections"
                + (symbols == null ? "" : ", " + symbols.size() + " symbols") + ")";
    }
}
