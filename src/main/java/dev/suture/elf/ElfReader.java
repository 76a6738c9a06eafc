package dev.suture.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the ELF header, the section headers and the symbol table of an {@link ElfSource}; section contents stay
 * in the source until someone asks for them. Every size is checked against the file before anything is allocated
 * for it, so no header, however corrupt, makes the reader allocate more than the file is big or loop longer than
 * it has entries.
 */
final class ElfReader {
    private final ElfSource in;

    private ElfReader(ElfSource in) {
        this.in = in;
    }

    static ElfFile read(ElfSource in) throws ElfFormatException {
        return new ElfReader(in).read();
    }

    private ElfFile read() throws ElfFormatException {
        ElfHeader header = readHeader();
        long shoff = header.shoff();
        boolean extendedCount = false;
        boolean extendedStrndx = false;
        long count = header.shnum();
        int shstrndx = header.shstrndx();
        if (shoff != 0) {
            if (header.shentsize() != Elf.SHDR_SIZE) {
                throw fail("section header entries of " + header.shentsize() + " bytes; ELF64 has 64");
            }
            in.check(shoff, Elf.SHDR_SIZE, "section header 0");
            if (count == 0) {
                // More sections than e_shnum can say: the count is in section 0's sh_size.
                count = in.u64(shoff + 32);
                extendedCount = true;
            }
            if (shstrndx == Elf.SHN_XINDEX) {
                shstrndx = in.i32(shoff + 40);
                extendedStrndx = true;
            }
            if (count < 0 || count > (in.length() - shoff) / Elf.SHDR_SIZE) {
                throw fail(Long.toUnsignedString(count) + " section headers at offset " + shoff
                        + " do not fit in the file of " + in.length() + " bytes");
            }
        } else {
            count = 0;
        }
        int n = (int) count;
        header = new ElfHeader(header.osAbi(), header.abiVersion(), header.type(), header.machine(), header.version(),
                header.entry(), header.phoff(), shoff, header.flags(), header.ehsize(), header.phentsize(),
                header.phnum(), header.shentsize(), n, n == 0 ? 0 : shstrndx);
        if (n > 0 && (shstrndx < 0 || shstrndx >= n)) {
            throw fail("section name table index " + Integer.toUnsignedString(shstrndx) + " of " + n + " sections");
        }

        List<Section> sections = new ArrayList<>(n);
        long[] nameOffsets = new long[n];
        for (int i = 0; i < n; i++) {
            long at = shoff + (long) i * Elf.SHDR_SIZE;
            nameOffsets[i] = Integer.toUnsignedLong(in.i32(at));
            int type = in.i32(at + 4);
            long flags = in.u64(at + 8);
            long addr = in.u64(at + 16);
            long offset = in.u64(at + 24);
            long size = in.u64(at + 32);
            int link = in.i32(at + 40);
            int info = in.i32(at + 44);
            long addralign = in.u64(at + 48);
            long entsize = in.u64(at + 56);
            if (size < 0 || (type != Elf.SHT_NOBITS && i > 0 && size > 0 && !in.contains(offset, size))) {
                throw fail("section " + i + " (" + Long.toUnsignedString(size) + " bytes at offset "
                        + Long.toUnsignedString(offset) + ") lies outside the file of " + in.length() + " bytes");
            }
            if (offset < 0) {
                throw fail("section " + i + " at offset " + Long.toUnsignedString(offset));
            }
            if (addralign != 0 && (Long.bitCount(addralign) != 1 || addralign > 1L << 32)) {
                throw fail("section " + i + " has alignment " + Long.toUnsignedString(addralign)
                        + "; alignments are powers of two");
            }
            // Section 0 keeps its fields (they may carry the extended counts) but has no contents.
            long dataSize = type == Elf.SHT_NOBITS || i == 0 ? 0 : size;
            // sh_name is kept raw even when there is no name table to look it up in.
            Section section = new Section("", (int) nameOffsets[i], type, flags, addr, offset, size, link, info,
                    addralign, entsize,
                    type == Elf.SHT_NOBITS ? null : in.slice(dataSize > 0 ? offset : 0, dataSize));
            sections.add(section);
        }
        if (n > 0 && sections.get(0).type() != Elf.SHT_NULL) {
            throw fail("section 0 is " + Elf.sectionTypeName(sections.get(0).type()) + ", not NULL");
        }
        Section names = n > 0 && shstrndx != 0 ? sections.get(shstrndx) : null;
        if (names != null) {
            if (names.type() != Elf.SHT_STRTAB) {
                throw fail("section name table " + shstrndx + " is " + Elf.sectionTypeName(names.type()));
            }
            byte[] table = stringTable(names, "section name table");
            for (int i = 0; i < n; i++) {
                Section section = sections.get(i);
                section.initName(StringTable.read(table, nameOffsets[i], in.name() + ": name of section " + i),
                        (int) nameOffsets[i]);
            }
        }
        for (Section section : sections) {
            checkSection(section, n);
        }
        ElfFile file = new ElfFile(in, header, sections, names, extendedCount, extendedStrndx);
        // Only one symbol table is allowed; a second would be opaque data to this package.
        Section symtab = sections.stream().filter(s -> s.type() == Elf.SHT_SYMTAB).findFirst().orElse(null);
        if (symtab != null) {
            readSymbols(file, sections, symtab);
        }
        return file;
    }

    private ElfHeader readHeader() throws ElfFormatException {
        if (in.length() < Elf.EHDR_SIZE) {
            throw fail("too short for an ELF header (" + in.length() + " bytes)");
        }
        if (in.u8(0) != 0x7f || in.u8(1) != 'E' || in.u8(2) != 'L' || in.u8(3) != 'F') {
            throw fail("not an ELF file");
        }
        if (in.u8(4) != 2 || in.u8(5) != 1) {
            throw fail("not a 64-bit little-endian ELF file");
        }
        ElfHeader header = new ElfHeader(in.u8(7), in.u8(8), in.u16(16), in.u16(18), in.i32(20), in.u64(24),
                in.u64(32), in.u64(40), in.i32(48), in.u16(52), in.u16(54), in.u16(56), in.u16(58), in.u16(60),
                in.u16(62));
        if (header.phnum() > 0) {
            if (header.phentsize() != Elf.PHDR_SIZE) {
                throw fail("program header entries of " + header.phentsize() + " bytes; ELF64 has 56");
            }
            in.check(header.phoff(), (long) header.phnum() * Elf.PHDR_SIZE, "program header table");
        }
        return header;
    }

    /** Checks the fields whose meaning is fixed, so editing and writing never meet impossible values. */
    private void checkSection(Section section, int count) throws ElfFormatException {
        int type = section.type();
        if (type == Elf.SHT_RELA || type == Elf.SHT_REL) {
            int entry = type == Elf.SHT_RELA ? Elf.RELA_SIZE : Elf.REL_SIZE;
            if (section.entsize() != entry || section.size() % entry != 0) {
                throw fail(section.name() + ": relocation section of " + section.size() + " bytes with entries of "
                        + section.entsize());
            }
            if (section.size() / entry > Integer.MAX_VALUE) {
                throw fail(section.name() + ": too many relocations");
            }
        }
        if (type == Elf.SHT_SYMTAB || type == Elf.SHT_SYMTAB_SHNDX || type == Elf.SHT_GROUP) {
            int entry = type == Elf.SHT_SYMTAB ? Elf.SYM_SIZE : 4;
            if (section.size() % entry != 0 || (type == Elf.SHT_SYMTAB && section.entsize() != Elf.SYM_SIZE)) {
                throw fail(section.name() + ": " + Elf.sectionTypeName(type) + " section of " + section.size()
                        + " bytes with entries of " + section.entsize());
            }
        }
        if ((type == Elf.SHT_SYMTAB || type == Elf.SHT_SYMTAB_SHNDX) && (section.link() <= 0 || section.link() >= count)) {
            throw fail(section.name() + ": links to section " + Integer.toUnsignedString(section.link()) + " of "
                    + count);
        }
    }

    private void readSymbols(ElfFile file, List<Section> sections, Section symtab) throws ElfFormatException {
        int count = sections.size();
        Section strings = sections.get(symtab.link());
        if (strings.type() != Elf.SHT_STRTAB) {
            throw fail(symtab.name() + ": its string table " + strings.name() + " is "
                    + Elf.sectionTypeName(strings.type()));
        }
        byte[] table = stringTable(strings, "symbol string table");
        long entries = symtab.size() / Elf.SYM_SIZE;
        if (entries > Integer.MAX_VALUE - 8) {
            throw fail(symtab.name() + ": " + entries + " symbols");
        }
        int symtabIndex = sections.indexOf(symtab);
        Section shndx = null;
        for (Section s : sections) {
            if (s.type() == Elf.SHT_SYMTAB_SHNDX && s.link() == symtabIndex) {
                if (s.size() / 4 < entries) {
                    throw fail(s.name() + ": " + s.size() / 4 + " entries for " + entries + " symbols");
                }
                shndx = s;
                break;
            }
        }
        long base = symtab.offset();
        List<Symbol> symbols = new ArrayList<>((int) entries);
        for (int i = 0; i < entries; i++) {
            long at = base + (long) i * Elf.SYM_SIZE;
            long nameOffset = Integer.toUnsignedLong(in.i32(at));
            int info = in.u8(at + 4);
            int other = in.u8(at + 5);
            int raw = in.u16(at + 6);
            int xindex = 0;
            if (raw == Elf.SHN_XINDEX) {
                if (shndx == null) {
                    throw fail(symtab.name() + ": symbol " + i + " has SHN_XINDEX but there is no SYMTAB_SHNDX");
                }
                xindex = in.i32(shndx.offset() + 4L * i);
                if (xindex <= 0 || xindex >= count) {
                    throw fail(symtab.name() + ": symbol " + i + " in section " + Integer.toUnsignedString(xindex)
                            + " of " + count);
                }
            } else if (raw < Elf.SHN_LORESERVE && raw >= count) {
                throw fail(symtab.name() + ": symbol " + i + " in section " + raw + " of " + count);
            }
            String name = StringTable.read(table, nameOffset, in.name() + ": name of symbol " + i);
            symbols.add(new Symbol(name, in.u64(at + 8), in.u64(at + 16), info & 0xf, info >>> 4, other, raw,
                    xindex));
        }
        file.attachSymbols(symtab, strings, shndx, symbols);
    }

    private byte[] stringTable(Section section, String what) throws ElfFormatException {
        if (section.size() > Integer.MAX_VALUE - 8) {
            throw fail(what + " " + section.name() + " of " + section.size() + " bytes");
        }
        return section.data();
    }

    private ElfFormatException fail(String message) {
        return new ElfFormatException(in.name() + ": " + message);
    }
}
