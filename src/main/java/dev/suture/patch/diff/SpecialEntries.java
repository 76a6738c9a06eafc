package dev.suture.patch.diff;

import dev.suture.elf.Relocation;
import dev.suture.elf.Section;
import dev.suture.kernel.build.SpecialSection;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.build.SpecialSections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of the special sections a unit's extraction cuts entry by entry ({@link SpecialSections}), each
 * with the function it describes: the one its first field (the site: a faulting instruction, a BUG, a jump label,
 * a call site) points into. A section without pointers runs parallel to another of equal entry count (ORC data
 * and its instruction pointers): its entry belongs to the owner of the other's entry of the same index.
 */
public final class SpecialEntries {
    /** One entry: its section and place, the function it describes (null when it names none), its relocations. */
    public record Entry(String section, int sectionIndex, long offset, int size, ObjectIndex.Entity owner,
                        List<Relocation> relocations) {
        /** Whether the entry has no pointer of its own: it follows its owner by index (ORC data). */
        public boolean parallel() {
            return SpecialSections.named(section).map(s -> s.cut() instanceof SpecialSection.Cut.Parallel).orElse(false);
        }
    }

    private final Map<String, List<Entry>> byOwnerKey = new HashMap<>();
    private final List<Entry> all = new ArrayList<>();

    public SpecialEntries(ObjectIndex index, SpecialSectionLayout layout) {
        Map<String, List<ObjectIndex.Entity>> ownersByIndex = new HashMap<>();
        List<Integer> parallel = new ArrayList<>();
        for (int i = 1; i < index.elf().sectionCount(); i++) {
            Section s = index.section(i);
            SpecialSection special = SpecialSections.named(s.name()).orElse(null);
            int size = layout.entrySize(s.name()).orElse(0);
            if (special == null || !special.perEntry() || size <= 0) {
                continue;
            }
            if (special.cut() instanceof SpecialSection.Cut.Parallel) {
                parallel.add(i);
                continue;
            }
            List<Relocation> relocations = index.relocationsOf(i);
            List<ObjectIndex.Entity> owners = new ArrayList<>();
            for (long at = 0; at + size <= s.size(); at += size) {
                long from = at;
                List<Relocation> in = relocations.stream().filter(r -> r.offset() >= from && r.offset() < from + size)
                        .sorted(java.util.Comparator.comparingLong(Relocation::offset)).toList();
                ObjectIndex.Entity owner = null;
                if (!in.isEmpty() && in.getFirst().offset() == from
                        && index.target(in.getFirst()) instanceof ObjectIndex.Target.InEntity e && e.entity().function()) {
                    owner = e.entity();
                }
                add(new Entry(s.name(), i, at, size, owner, in));
                owners.add(owner);
            }
            ownersByIndex.put(s.name(), owners);
        }
        // After the loop: the section a parallel one follows may come later in the object.
        for (int i : parallel) {
            Section s = index.section(i);
            int size = layout.entrySize(s.name()).orElseThrow();
            String leader = ((SpecialSection.Cut.Parallel) SpecialSections.named(s.name()).orElseThrow().cut()).section();
            List<ObjectIndex.Entity> owners = ownersByIndex.getOrDefault(leader, List.of());
            for (long at = 0; at + size <= s.size(); at += size) {
                int n = (int) (at / size);
                add(new Entry(s.name(), i, at, size, n < owners.size() ? owners.get(n) : null, List.of()));
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
