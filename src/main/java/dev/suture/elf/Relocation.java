package dev.suture.elf;

/**
 * One relocation: patch the place at {@code offset} (relative to the target section in an object, a virtual
 * address in a linked file) with a value of {@code type} computed from symbol number {@code symbol} of the
 * linked symbol table and {@code addend}. Entries of SHT_REL sections have their addend in the place itself;
 * they read with addend 0. {@code type} and {@code symbol} are unsigned 32-bit fields held in ints.
 */
public record Relocation(long offset, int type, int symbol, long addend) {

    /** From the raw r_info (symbol in the high 32 bits, type in the low 32). */
    public static Relocation of(long offset, long info, long addend) {
        return new Relocation(offset, (int) info, (int) (info >>> 32), addend);
    }

    /** The raw r_info. */
    public long info() {
        return ((long) symbol << 32) | Integer.toUnsignedLong(type);
    }

    public Relocation withSymbol(int symbol) {
        return new Relocation(offset, type, symbol, addend);
    }

    public Relocation withOffset(long offset) {
        return new Relocation(offset, type, symbol, addend);
    }

    public Relocation withAddend(long addend) {
        return new Relocation(offset, type, symbol, addend);
    }

    /** {@code R_X86_64_PC32} and so on. */
    public String typeName() {
        return X86_64Relocations.name(type);
    }

    @Override
    public String toString() {
        return String.format("0x%x %s sym %d %+d", offset, typeName(), symbol, addend);
    }
}
