package dev.suture.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * Numbers of the ELF64 format (System V gABI plus the GNU and x86-64 additions that appear in objects, modules
 * and vmlinux), and their names the way {@code readelf} prints them, for messages and listings.
 * Relocation types are in {@link X86_64Relocations}.
 */
public final class Elf {
    private Elf() {
    }

    // File types (e_type).
    public static final int ET_NONE = 0;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    /** e_machine of x86-64. */
    public static final int EM_X86_64 = 62;

    // Section types (sh_type).
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_HASH = 5;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_SHLIB = 10;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_INIT_ARRAY = 14;
    public static final int SHT_FINI_ARRAY = 15;
    public static final int SHT_PREINIT_ARRAY = 16;
    public static final int SHT_GROUP = 17;
    public static final int SHT_SYMTAB_SHNDX = 18;
    public static final int SHT_LOOS = 0x60000000;
    public static final int SHT_GNU_ATTRIBUTES = 0x6ffffff5;
    public static final int SHT_GNU_HASH = 0x6ffffff6;
    public static final int SHT_GNU_LIBLIST = 0x6ffffff7;
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    public static final int SHT_GNU_VERNEED = 0x6ffffffe;
    public static final int SHT_GNU_VERSYM = 0x6fffffff;
    public static final int SHT_HIOS = 0x6fffffff;
    public static final int SHT_LOPROC = 0x70000000;
    public static final int SHT_X86_64_UNWIND = 0x70000001;
    public static final int SHT_HIPROC = 0x7fffffff;
    public static final int SHT_LOUSER = 0x80000000;
    public static final int SHT_HIUSER = 0xffffffff;

    // Section flags (sh_flags). Any bit may be set; these are the ones with names.
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    /** sh_info holds a section index. */
    public static final long SHF_INFO_LINK = 0x40;
    public static final long SHF_LINK_ORDER = 0x80;
    public static final long SHF_OS_NONCONFORMING = 0x100;
    public static final long SHF_GROUP = 0x200;
    public static final long SHF_TLS = 0x400;
    public static final long SHF_COMPRESSED = 0x800;
    /** The bits reserved for operating-system-specific meanings, e.g. {@code 0x00100000}. */
    public static final long SHF_MASKOS = 0x0ff00000L;
    public static final long SHF_GNU_RETAIN = 0x00200000L;
    public static final long SHF_MASKPROC = 0xf0000000L;
    public static final long SHF_X86_64_LARGE = 0x10000000L;
    public static final long SHF_EXCLUDE = 0x80000000L;

    // Special section indexes (st_shndx, e_shstrndx).
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_LOPROC = 0xff00;
    public static final int SHN_HIPROC = 0xff1f;
    /** First operating-system-specific index, e.g. for symbols resolved by a loader of the OS's own. */
    public static final int SHN_LOOS = 0xff20;
    public static final int SHN_HIOS = 0xff3f;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    /** The real index is elsewhere: in the SHT_SYMTAB_SHNDX section, or in section 0 for e_shstrndx. */
    public static final int SHN_XINDEX = 0xffff;
    public static final int SHN_HIRESERVE = 0xffff;

    // Symbol types (low nibble of st_info).
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;

    // Symbol bindings (high nibble of st_info).
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STB_GNU_UNIQUE = 10;

    // Symbol visibility (low two bits of st_other).
    public static final int STV_DEFAULT = 0;
    public static final int STV_INTERNAL = 1;
    public static final int STV_HIDDEN = 2;
    public static final int STV_PROTECTED = 3;

    // Sizes of the ELF64 structures.
    public static final int EHDR_SIZE = 64;
    public static final int PHDR_SIZE = 56;
    public static final int SHDR_SIZE = 64;
    public static final int SYM_SIZE = 24;
    public static final int RELA_SIZE = 24;
    public static final int REL_SIZE = 16;

    /** Section type as readelf prints it ({@code PROGBITS}, {@code RELA}, {@code LOOS+0x5}, ...). */
    public static String sectionTypeName(int type) {
        return switch (type) {
            case SHT_NULL -> "NULL";
            case SHT_PROGBITS -> "PROGBITS";
            case SHT_SYMTAB -> "SYMTAB";
            case SHT_STRTAB -> "STRTAB";
            case SHT_RELA -> "RELA";
            case SHT_HASH -> "HASH";
            case SHT_DYNAMIC -> "DYNAMIC";
            case SHT_NOTE -> "NOTE";
            case SHT_NOBITS -> "NOBITS";
            case SHT_REL -> "REL";
            case SHT_SHLIB -> "SHLIB";
            case SHT_DYNSYM -> "DYNSYM";
            case SHT_INIT_ARRAY -> "INIT_ARRAY";
            case SHT_FINI_ARRAY -> "FINI_ARRAY";
            case SHT_PREINIT_ARRAY -> "PREINIT_ARRAY";
            case SHT_GROUP -> "GROUP";
            case SHT_SYMTAB_SHNDX -> "SYMTAB SECTION INDICES";
            case SHT_GNU_ATTRIBUTES -> "GNU_ATTRIBUTES";
            case SHT_GNU_HASH -> "GNU_HASH";
            case SHT_GNU_LIBLIST -> "GNU_LIBLIST";
            case SHT_GNU_VERDEF -> "VERDEF";
            case SHT_GNU_VERNEED -> "VERNEED";
            case SHT_GNU_VERSYM -> "VERSYM";
            case SHT_X86_64_UNWIND -> "X86_64_UNWIND";
            default -> rangeName(Integer.toUnsignedLong(type));
        };
    }

    private static String rangeName(long type) {
        if (type >= SHT_LOOS && type <= SHT_HIOS) {
            return "LOOS+0x" + Long.toHexString(type - SHT_LOOS);
        }
        if (type >= SHT_LOPROC && type <= SHT_HIPROC) {
            return "LOPROC+0x" + Long.toHexString(type - SHT_LOPROC);
        }
        if (type >= Integer.toUnsignedLong(SHT_LOUSER)) {
            return "LOUSER+0x" + Long.toHexString(type - Integer.toUnsignedLong(SHT_LOUSER));
        }
        return "0x" + Long.toHexString(type);
    }

    /**
     * Section flags as names joined by {@code |}, with bits that have no name (OS- or processor-specific
     * ones, say) as one hex number at the end: {@code ALLOC|INFO_LINK|0x100000}.
     */
    public static String sectionFlagNames(long flags) {
        String[] names = {"WRITE", "ALLOC", "EXECINSTR", null, "MERGE", "STRINGS", "INFO_LINK", "LINK_ORDER",
                "OS_NONCONFORMING", "GROUP", "TLS", "COMPRESSED"};
        List<String> parts = new ArrayList<>();
        long rest = flags;
        for (int bit = 0; bit < names.length; bit++) {
            if (names[bit] != null && (flags & (1L << bit)) != 0) {
                parts.add(names[bit]);
                rest &= ~(1L << bit);
            }
        }
        if (rest != 0) {
            parts.add("0x" + Long.toHexString(rest));
        }
        return parts.isEmpty() ? "0" : String.join("|", parts);
    }

    /** Symbol type as readelf prints it. */
    public static String symbolTypeName(int type) {
        return switch (type) {
            case STT_NOTYPE -> "NOTYPE";
            case STT_OBJECT -> "OBJECT";
            case STT_FUNC -> "FUNC";
            case STT_SECTION -> "SECTION";
            case STT_FILE -> "FILE";
            case STT_COMMON -> "COMMON";
            case STT_TLS -> "TLS";
            case STT_GNU_IFUNC -> "IFUNC";
            default -> "<unknown>: " + type;
        };
    }

    /** Symbol binding as readelf prints it. */
    public static String bindName(int bind) {
        return switch (bind) {
            case STB_LOCAL -> "LOCAL";
            case STB_GLOBAL -> "GLOBAL";
            case STB_WEAK -> "WEAK";
            case STB_GNU_UNIQUE -> "UNIQUE";
            default -> "<unknown>: " + bind;
        };
    }

    /** Symbol visibility as readelf prints it. */
    public static String visibilityName(int visibility) {
        return switch (visibility & 3) {
            case STV_DEFAULT -> "DEFAULT";
            case STV_INTERNAL -> "INTERNAL";
            case STV_HIDDEN -> "HIDDEN";
            default -> "PROTECTED";
        };
    }

    /** A raw st_shndx as readelf prints it: {@code UND}, {@code ABS}, {@code COMMON}, {@code OS [0xff20]}, or the number. */
    public static String shndxName(int shndx) {
        if (shndx == SHN_UNDEF) {
            return "UND";
        }
        if (shndx == SHN_ABS) {
            return "ABS";
        }
        if (shndx == SHN_COMMON) {
            return "COMMON";
        }
        if (shndx == SHN_XINDEX) {
            return "XINDEX";
        }
        if (shndx >= SHN_LOPROC && shndx <= SHN_HIPROC) {
            return String.format("PRC[0x%04x]", shndx);
        }
        if (shndx >= SHN_LOOS && shndx <= SHN_HIOS) {
            return String.format("OS [0x%04x]", shndx);
        }
        if (shndx >= SHN_LORESERVE) {
            return String.format("RSV[0x%04x]", shndx);
        }
        return Integer.toString(shndx);
    }
}
