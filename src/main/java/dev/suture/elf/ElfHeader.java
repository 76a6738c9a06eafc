package dev.suture.elf;

/**
 * The ELF header of a file as read. The section-table fields ({@code shoff}, {@code shnum}, {@code shstrndx}) are
 * the resolved ones: when the file used the extended encodings (count in section 0's {@code sh_size}, string table
 * index in its {@code sh_link}) they hold the real values. The writer recomputes those three; the others are
 * written back as read.
 */
record ElfHeader(
        int osAbi,
        int abiVersion,
        int type,
        int machine,
        int version,
        long entry,
        long phoff,
        long shoff,
        int flags,
        int ehsize,
        int phentsize,
        int phnum,
        int shentsize,
        int shnum,
        int shstrndx) {

    /** A relocatable object ({@code .o}, {@code .ko}). */
    public boolean isRelocatable() {
        return type == Elf.ET_REL;
    }
}
