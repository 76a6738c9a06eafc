package dev.suture.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * A view of a {@code SHT_RELA} (or {@code SHT_REL}) section as a list of {@link Relocation}s. The section's bytes
 * stay the truth: each call decodes them, each change re-encodes them, so the view never goes stale and an
 * untouched section is written back bit for bit.
 */
public final class RelocationSection {
    private final ElfFile file;
    private final Section section;

    RelocationSection(ElfFile file, Section section) {
        if (section.type() != Elf.SHT_RELA && section.type() != Elf.SHT_REL) {
            throw new IllegalArgumentException(section.name() + " is not a relocation section");
        }
        this.file = file;
        this.section = section;
    }

    public Section section() {
        return section;
    }

    /** RELA entries carry an addend; REL entries keep it in the patched place. */
    public boolean hasAddends() {
        return section.type() == Elf.SHT_RELA;
    }

    /** The section the relocations apply to (sh_info). */
    public Section target() {
        return file.section(section.info());
    }

    private int entrySize() {
        return hasAddends() ? Elf.RELA_SIZE : Elf.REL_SIZE;
    }

    public int size() {
        return (int) (section.size() / entrySize());
    }

    public Relocation get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index + " of " + size() + " relocations in " + section.name());
        }
        ByteBuffer bytes = section.buffer();
        return decode(bytes, index * entrySize());
    }

    /** All entries, in order. */
    public List<Relocation> list() {
        ByteBuffer bytes = section.buffer();
        int count = size();
        List<Relocation> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(decode(bytes, i * entrySize()));
        }
        return list;
    }

    private Relocation decode(ByteBuffer bytes, int at) {
        return Relocation.of(bytes.getLong(at), bytes.getLong(at + 8), hasAddends() ? bytes.getLong(at + 16) : 0);
    }

    /**
     * Replaces all entries.
     *
     * @throws IllegalArgumentException when an entry names a symbol the linked symbol table does not have, or
     *                                  has an addend a REL section cannot hold
     */
    public void set(Collection<Relocation> relocations) {
        relocations.forEach(this::check);
        encode(relocations);
    }

    public void add(Relocation relocation) {
        addAll(List.of(relocation));
    }

    /** Appends entries, checked as by {@link #set}. */
    public void addAll(Collection<Relocation> relocations) {
        relocations.forEach(this::check);
        append(relocations);
    }

    /** Removes the entries {@code filter} accepts and returns them, in order. */
    public List<Relocation> removeIf(Predicate<Relocation> filter) {
        List<Relocation> kept = new ArrayList<>();
        List<Relocation> removed = new ArrayList<>();
        for (Relocation relocation : list()) {
            (filter.test(relocation) ? removed : kept).add(relocation);
        }
        if (!removed.isEmpty()) {
            encode(kept);
        }
        return removed;
    }

    private void check(Relocation relocation) {
        file.checkRelocationSymbol(section, relocation);
        if (!hasAddends() && relocation.addend() != 0) {
            throw new IllegalArgumentException(section.name() + " is SHT_REL and cannot hold addend "
                    + relocation.addend());
        }
    }

    private void append(Collection<Relocation> relocations) {
        List<Relocation> all = list();
        all.addAll(relocations);
        encode(all);
    }

    /** Entries already in the file are written back as they are, even ones a corrupt file gave odd values. */
    private void encode(Collection<Relocation> relocations) {
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(relocations.size(), entrySize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (Relocation relocation : relocations) {
            out.putLong(relocation.offset()).putLong(relocation.info());
            if (hasAddends()) {
                out.putLong(relocation.addend());
            }
        }
        section.replaceData(out.array());
    }

    /**
     * Moves the entries {@code filter} accepts to the end of {@code other}, which must be of the same type, use the
     * same symbol table and apply to the same section. Returns what moved.
     */
    public List<Relocation> moveTo(RelocationSection other, Predicate<Relocation> filter) {
        if (other.section == section) {
            throw new IllegalArgumentException("moving relocations of " + section.name() + " onto itself");
        }
        if (other.section.type() != section.type()) {
            throw new IllegalArgumentException(other.section.name() + " and " + section.name()
                    + " are not both RELA or both REL");
        }
        if (other.section.link() != section.link() || other.section.info() != section.info()) {
            throw new IllegalArgumentException(other.section.name() + " does not share symbol table and target "
                    + "section with " + section.name());
        }
        List<Relocation> moved = removeIf(filter);
        if (!moved.isEmpty()) {
            // Same symbol table, so the entries are as valid there as they were here.
            other.append(moved);
        }
        return moved;
    }

    @Override
    public String toString() {
        return section.name() + " (" + size() + " relocations)";
    }
}
