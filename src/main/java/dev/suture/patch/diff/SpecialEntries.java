package dev.suture.patch.diff;

import dev.suture.elf.Relocation;
import dev.suture.elf.Section;
import dev.suture.kernel.build.SpecialSectionLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of a unit's special sections, each with the function it describes: the one its first field
 * (the site: a faulting instruction, a BUG, a jump label, a call site) points into. ORC data is split in two
 * sections of equal entry count; a {@code .orc_unwind} entry belongs to the owner of the
 * {@code .orc_unwind_ip} entry of the same index.
 */
public final class SpecialEntries {
    /** One entry: its section and place, the function it describes (null when it names none), its relocations. */
    public record Entry(String section, int sectionIndex, long offset, int size, ObjectIndex.Entity owner,
                        List<Relocation> relocations) {
    }

    private final Map<String, List<Entry>> byOwnerKey = new HashMap<>();
    private final List<Entry> all = new ArrayList<>();

    public SpecialEntries(ObjectIndex index, SpecialSectionLayout layout) {
        Map<Long, ObjectIndex.Entity> orcOwners = new HashMap<>();
        List<Integer> orcData = new ArrayList<>();
        for (int i = 1; i < index.elf().sectionCount(); i++) {
            Section s = index.section(i);
            Integer size = layout.entrySize(s.name()).orElse(null);
            if (size == null || size <= 0) {
                continue;
            }
            if (s.name().equals(".orc_unwind")) {
                orcData.add(i);
                continue;
            }
            List<Relocation> relocations = index.relocationsOf(i);
            for (long at = 0; at + size <= s.size(); at += size) {
                long from = at;
                List<Relocation> in = relocations.stream().filter(r -> r.offset() >= from && r.offset() < from + size)
                        .sorted(java.util.Comparator.comparingLong(Relocation::offset)).toList();
                ObjectIndex.Entity owner = null;
                if (!in.isEmpty() && in.getFirst().offset() == from
                        && index.target(in.getFirst()) instanceof ObjectIndex.Target.InEntity e && e.entity().function()) {
                    owner = e.entity();
                }
                Entry entry = new Entry(s.name(), i, at, size, owner, in);
                add(entry);
                if (s.name().equals(".orc_unwind_ip")) {
                    orcOwners.put(at / size, owner);
                }
            }
        }
        for (int i : orcData) {
            Section s = index.section(i);
            int size = layout.entrySize(".orc_unwind").orElseThrow();
            for (long at = 0; at + size <= s.size(); at += size) {
                add(new Entry(s.name(), i, at, size, orcOwners.get(at / size), List.of()));
            }
        }
    }

    private void add(Entry entry) {
        all.add(entry);
        if (entry.owner() != null) {
            byOwnerKey.computeIfAbsent(entry.owner().key(), k -> new ArrayList<>()).add(entry);
        }
    }

    /** The entries describing one function (or one of its parts), in section and offset order. */
    public List<Entry> of(ObjectIndex.Entity function) {
        return byOwnerKey.getOrDefault(function.key(), List.of());
    }

    public List<Entry> all() {
        return all;
    }
}
