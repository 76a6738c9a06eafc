package dev.suture.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One section: its header fields and its bytes (or, for {@code SHT_NOBITS}, only a size).
 *
 * <p>{@code link} and {@code info} are raw header values; where they hold section indexes (sh_link always,
 * sh_info of REL/RELA sections and of sections with {@link Elf#SHF_INFO_LINK}) {@link ElfFile} renumbers them
 * when sections are inserted or removed. Bytes read from a file are not copied until asked for, so opening a
 * huge file costs nothing for the sections nobody looks at.
 *
 * <p>The symbol table, its string table, its {@code SHT_SYMTAB_SHNDX} companion and the section-name string
 * table are <em>managed</em>: {@link ElfFile} regenerates their bytes from {@link SymbolTable} and the section
 * names whenever those changed, so their data cannot be set directly.
 */
public final class Section {
    private String name;
    /** The raw sh_name: offset of {@link #name} in the section-name table, valid while {@link #renamed} is false. */
    int nameOffset;
    /** Renamed, or new: the section-name table must be rebuilt. */
    boolean renamed;
    private final int type;
    private long flags;
    private long addr;
    private long size;
    private int link;
    private int info;
    private long addralign;
    private long entsize;
    /** The bytes: a slice of the file read, or a heap copy; null for NOBITS. */
    private MemorySegment data;
    /** Where the section was in the file read, and how big; -1 for sections added since. */
    final long sourceOffset;
    final long sourceSize;
    boolean managed;

    Section(String name, int nameOffset, int type, long flags, long addr, long sourceOffset, long size, int link,
            int info, long addralign, long entsize, MemorySegment data) {
        this.name = name;
        this.nameOffset = nameOffset;
        this.renamed = sourceOffset < 0;
        this.type = type;
        this.flags = flags;
        this.addr = addr;
        this.sourceOffset = sourceOffset;
        this.sourceSize = size;
        this.size = size;
        this.link = link;
        this.info = info;
        this.addralign = addralign;
        this.entsize = entsize;
        this.data = data;
    }

    /** A new, empty section with no flags and alignment 1, to be given to {@link ElfFile#addSection}. */
    public static Section create(String name, int type) {
        StringTable.checkName(Objects.requireNonNull(name, "name"));
        MemorySegment empty = type == Elf.SHT_NOBITS ? null : MemorySegment.ofArray(new byte[0]);
        return new Section(name, -1, type, 0, 0, -1, 0, 0, 0, 1, 0, empty);
    }

    public String name() {
        return name;
    }

    public Section setName(String name) {
        this.name = StringTable.checkName(Objects.requireNonNull(name, "name"));
        this.renamed = true;
        return this;
    }

    /** The name as read from the file, where it was at {@code offset} of the section-name table. */
    void initName(String name, int offset) {
        this.name = name;
        this.nameOffset = offset;
        this.renamed = false;
    }

    public int type() {
        return type;
    }

    public long flags() {
        return flags;
    }

    /** Any bits are allowed, including OS-specific ones inside {@link Elf#SHF_MASKOS}. */
    public Section setFlags(long flags) {
        this.flags = flags;
        return this;
    }

    /** True when every bit of {@code mask} is set. */
    public boolean hasFlags(long mask) {
        return (flags & mask) == mask;
    }

    public long addr() {
        return addr;
    }

    public Section setAddr(long addr) {
        this.addr = addr;
        return this;
    }

    /** File offset in the file this section was read from; -1 for a section added since. */
    public long offset() {
        return sourceOffset;
    }

    /** Size in bytes; for NOBITS the size it occupies in memory. */
    public long size() {
        return size;
    }

    public int link() {
        return link;
    }

    public Section setLink(int link) {
        this.link = link;
        return this;
    }

    public int info() {
        return info;
    }

    public Section setInfo(int info) {
        this.info = info;
        return this;
    }

    public long addralign() {
        return addralign;
    }

    public Section setAddralign(long addralign) {
        if (addralign < 0 || (addralign > 1 && Long.bitCount(addralign) != 1)) {
            throw new IllegalArgumentException("alignment must be 0 or a power of two: " + addralign);
        }
        this.addralign = addralign;
        return this;
    }

    public long entsize() {
        return entsize;
    }

    public Section setEntsize(long entsize) {
        this.entsize = entsize;
        return this;
    }

    public boolean isNoBits() {
        return type == Elf.SHT_NOBITS;
    }

    /** Whether sh_info holds a section index (and so is renumbered with the sections). */
    boolean infoIsSectionIndex() {
        return type == Elf.SHT_REL || type == Elf.SHT_RELA || (flags & Elf.SHF_INFO_LINK) != 0;
    }

    /** A copy of the bytes; empty for NOBITS. */
    public byte[] data() {
        return data == null ? new byte[0] : data.toArray(ValueLayout.JAVA_BYTE);
    }

    /** The bytes without copying, read-only, little-endian. */
    public ByteBuffer buffer() {
        if (data == null) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return data.asByteBuffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Replace the bytes (copied); the size follows. */
    public Section setData(byte[] bytes) {
        if (managed) {
            throw new IllegalStateException(name + " is rebuilt from the symbol table and section names; "
                    + "edit those instead");
        }
        replaceData(bytes.clone());
        return this;
    }

    /** The size of a NOBITS section. */
    public Section setNoBitsSize(long size) {
        if (!isNoBits()) {
            throw new IllegalStateException(name + " is not NOBITS; use setData");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        this.size = size;
        return this;
    }

    /** For the file's own regeneration of managed sections and relocation edits: takes ownership. */
    void replaceData(byte[] bytes) {
        if (isNoBits()) {
            throw new IllegalStateException(name + " is NOBITS and has no bytes; use setNoBitsSize");
        }
        this.data = MemorySegment.ofArray(bytes);
        this.size = bytes.length;
    }

    /** The bytes for the writer, without copying. */
    MemorySegment segment() {
        return data;
    }

    /** Still as big in the file as it was in the file read, so it can stay where it was. */
    boolean keepsSourcePlace() {
        return sourceOffset >= 0 && (isNoBits() || size == sourceSize);
    }

    @Override
    public String toString() {
        return name + " (" + Elf.sectionTypeName(type) + ", " + Elf.sectionFlagNames(flags) + ", 0x"
                + Long.toHexString(size) + " bytes)";
    }
}
