package dev.suture.elf;

import java.util.Objects;

/**
 * One symbol table entry.
 *
 * <p>{@code shndx} is the raw st_shndx: a section index below {@link Elf#SHN_LORESERVE}, {@link Elf#SHN_UNDEF},
 * or a reserved value ({@link Elf#SHN_ABS}, {@link Elf#SHN_COMMON}, an OS-specific one such as {@code 0xff20}).
 * When it is {@link Elf#SHN_XINDEX} the real section index, which may be any number, is {@code xindex} (it comes
 * from, and is written to, the {@code SHT_SYMTAB_SHNDX} section); otherwise {@code xindex} is 0. Use
 * {@link #sectionIndex()} and {@link #inSection(int)} to not care about the difference.
 *
 * <p>Names are decoded one byte to one char (ISO-8859-1), so any name survives a rewrite unchanged.
 *
 * @param other the whole st_other byte; visibility is its low two bits
 */
public record Symbol(String name, long value, long size, int type, int bind, int other, int shndx, int xindex) {
    public Symbol {
        StringTable.checkName(Objects.requireNonNull(name, "name"));
        if (type < 0 || type > 15 || bind < 0 || bind > 15) {
            throw new IllegalArgumentException("type and bind are 4-bit fields: " + type + ", " + bind);
        }
        if (other < 0 || other > 0xff) {
            throw new IllegalArgumentException("st_other is one byte: " + other);
        }
        if (shndx < 0 || shndx > 0xffff) {
            throw new IllegalArgumentException("st_shndx is 16 bits: " + shndx);
        }
        if (shndx != Elf.SHN_XINDEX && xindex != 0) {
            throw new IllegalArgumentException("xindex is only for SHN_XINDEX symbols");
        }
    }

    /** The null symbol at index 0. */
    public static final Symbol NULL = new Symbol("", 0, 0, Elf.STT_NOTYPE, Elf.STB_LOCAL, 0, Elf.SHN_UNDEF, 0);

    /** An undefined symbol, to be resolved by whoever links or loads the object. */
    public static Symbol undefined(String name, int type, int bind) {
        return new Symbol(name, 0, 0, type, bind, Elf.STV_DEFAULT, Elf.SHN_UNDEF, 0);
    }

    /** A symbol defined at {@code value} in section {@code sectionIndex}. */
    public static Symbol defined(String name, int sectionIndex, long value, long size, int type, int bind) {
        return new Symbol(name, value, size, type, bind, Elf.STV_DEFAULT, 0, 0).inSection(sectionIndex);
    }

    /** st_info: binding in the high nibble, type in the low one. */
    public int info() {
        return (bind << 4) | type;
    }

    public int visibility() {
        return other & 3;
    }

    public boolean isLocal() {
        return bind == Elf.STB_LOCAL;
    }

    public boolean isUndefined() {
        return shndx == Elf.SHN_UNDEF;
    }

    /** The section the symbol is defined in, resolving SHN_XINDEX; -1 when undefined or in a reserved index. */
    public int sectionIndex() {
        if (shndx == Elf.SHN_XINDEX) {
            return xindex;
        }
        return shndx == Elf.SHN_UNDEF || shndx >= Elf.SHN_LORESERVE ? -1 : shndx;
    }

    /** Defined in section {@code index}, encoded through SHN_XINDEX when the index does not fit st_shndx. */
    public Symbol inSection(int index) {
        if (index <= 0) {
            throw new IllegalArgumentException("not a section index: " + index);
        }
        return index < Elf.SHN_LORESERVE
                ? new Symbol(name, value, size, type, bind, other, index, 0)
                : new Symbol(name, value, size, type, bind, other, Elf.SHN_XINDEX, index);
    }

    /** A raw st_shndx: SHN_UNDEF, a reserved value such as SHN_ABS or an OS-specific 0xff20, or a small index. */
    public Symbol withShndx(int shndx) {
        if (shndx == Elf.SHN_XINDEX) {
            throw new IllegalArgumentException("use inSection(index) for extended section indexes");
        }
        return new Symbol(name, value, size, type, bind, other, shndx, 0);
    }

    public Symbol withName(String name) {
        return new Symbol(name, value, size, type, bind, other, shndx, xindex);
    }

    public Symbol withValue(long value) {
        return new Symbol(name, value, size, type, bind, other, shndx, xindex);
    }

    public Symbol withSize(long size) {
        return new Symbol(name, value, size, type, bind, other, shndx, xindex);
    }

    public Symbol withType(int type) {
        return new Symbol(name, value, size, type, bind, other, shndx, xindex);
    }

    public Symbol withBind(int bind) {
        return new Symbol(name, value, size, type, bind, other, shndx, xindex);
    }

    public Symbol withVisibility(int visibility) {
        return new Symbol(name, value, size, type, bind, (other & ~3) | (visibility & 3), shndx, xindex);
    }

    @Override
    public String toString() {
        return name + " (" + Elf.symbolTypeName(type) + " " + Elf.bindName(bind) + " "
                + (shndx == Elf.SHN_XINDEX ? Integer.toString(xindex) : Elf.shndxName(shndx)) + " 0x"
                + Long.toHexString(value) + " size " + size + ")";
    }
}
