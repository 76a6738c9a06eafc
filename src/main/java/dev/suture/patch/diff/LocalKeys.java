package dev.suture.patch.diff;

import dev.suture.elf.Elf;
import dev.suture.elf.Relocation;
import dev.suture.elf.Section;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Correlation keys for what the compiler numbers in a unit: static locals ({@code __key.3}, {@code _rs.12},
 * {@code __already_done.4}), its own constants ({@code CSWTCH.41}, {@code __func__.7}) and the kernel's
 * {@code __UNIQUE_ID_} objects (dynamic-debug descriptors, {@code __UNIQUE_ID_ddebug332.18}). An #include or a
 * pr_debug anywhere before them renumbers them all, so a number says nothing; what they are and who uses them
 * does:
 * <ul>
 * <li>a read-only constant without relocations is its bytes, {@code __func__=3a9f01c2}: whoever refers to it
 *     refers to that text, and a constant whose bytes changed is another constant, so its users change too;</li>
 * <li>anything else is known by the functions whose code refers to it and by what it refers to itself (a
 *     descriptor's format string, with digits left out, as lines move), {@code __UNIQUE_ID_ddebug@ioctx_alloc=5be0c1a7};
 *     its bytes are left out (they are its initial value, which the diff compares);</li>
 * <li>namesakes still alike (two {@code __key} of one function) are numbered by where their users' code first
 *     refers to them, which is the order of the source, not of GCC's symbol table.</li>
 * </ul>
 * Numbered objects nothing refers to and that refer to nothing keep the key of their name and order.
 */
final class LocalKeys {
    private LocalKeys() {
    }

    /** Where a function first refers to an object: the user's name, whether from its cold part, the offset. */
    private record FirstUse(String user, boolean cold, long offset) implements Comparable<FirstUse> {
        private static final Comparator<FirstUse> ORDER = Comparator.comparing(FirstUse::user)
                .thenComparing(FirstUse::cold).thenComparingLong(FirstUse::offset);

        @Override
        public int compareTo(FirstUse o) {
            return ORDER.compare(this, o);
        }
    }

    /** The new key of every numbered data object of the index (the others keep theirs). */
    static Map<ObjectIndex.Entity, String> of(ObjectIndex index) {
        List<ObjectIndex.Entity> numbered = index.entities().stream()
                .filter(e -> !e.function() && !e.global() && !e.name().equals(Names.correlated(e.name()))).toList();
        if (numbered.isEmpty()) {
            return Map.of();
        }
        Map<ObjectIndex.Entity, TreeSet<String>> users = new HashMap<>();
        Map<ObjectIndex.Entity, FirstUse> first = new HashMap<>();
        numbered.forEach(e -> users.put(e, new TreeSet<>()));
        for (int section : index.relocatedSections()) {
            for (Relocation r : index.relocationsOf(section)) {
                if (!(index.target(r) instanceof ObjectIndex.Target.InEntity t) || !users.containsKey(t.entity())) {
                    continue;
                }
                ObjectIndex.Entity f = functionAt(index, section, r.offset());
                if (f != null) {
                    FirstUse use = new FirstUse(Names.correlated(f.owner()), Names.isColdPart(f.name()), r.offset() - f.start());
                    users.get(t.entity()).add(use.user());
                    first.merge(t.entity(), use, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
        }
        Map<ObjectIndex.Entity, String> keys = new LinkedHashMap<>();
        for (ObjectIndex.Entity e : numbered) {
            String base = Names.correlated(e.name());
            if (constant(index, e)) {
                keys.put(e, base + "=" + digest(index.bytes(e)));
                continue;
            }
            String who = users.get(e).isEmpty() ? "" : "@" + String.join(",", users.get(e));
            String refers = signature(index, e);
            if (!who.isEmpty() || !refers.isEmpty()) {
                keys.put(e, base + who + (refers.isEmpty() ? "" : "=" + digest(refers.getBytes(StandardCharsets.UTF_8))));
            }
        }
        return numberNamesakes(keys, first);
    }

    /** Objects with the same key get #1, #2, ... after the first, in the order their users first refer to them. */
    private static Map<ObjectIndex.Entity, String> numberNamesakes(Map<ObjectIndex.Entity, String> keys,
                                                                 Map<ObjectIndex.Entity, FirstUse> first) {
        Map<String, List<ObjectIndex.Entity>> byKey = new LinkedHashMap<>();
        keys.forEach((e, k) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(e));
        Map<ObjectIndex.Entity, String> out = new HashMap<>();
        Comparator<ObjectIndex.Entity> order = Comparator.comparing((ObjectIndex.Entity e) -> first.get(e),
                Comparator.nullsLast(Comparator.naturalOrder())).thenComparingInt(ObjectIndex.Entity::occurrence);
        for (var group : byKey.entrySet()) {
            List<ObjectIndex.Entity> alike = new ArrayList<>(group.getValue());
            alike.sort(order);
            for (int n = 0; n < alike.size(); n++) {
                out.put(alike.get(n), n == 0 ? group.getKey() : group.getKey() + "#" + n);
            }
        }
        return out;
    }

    /** A read-only object without relocations: a constant, whose bytes are what it is. */
    private static boolean constant(ObjectIndex index, ObjectIndex.Entity e) {
        Section s = index.section(e.section());
        return !s.isNoBits() && !s.hasFlags(Elf.SHF_WRITE) && !s.hasFlags(Elf.SHF_EXECINSTR) && index.relocationsIn(e).isEmpty();
    }

    /**
     * What an object refers to, independent of numbering and line moves: names of what the unit lacks, strings
     * without their digits, constants by their bytes, other objects by their numbering-free names.
     */
    private static String signature(ObjectIndex index, ObjectIndex.Entity e) {
        StringBuilder s = new StringBuilder();
        for (Relocation r : index.relocationsIn(e)) {
            s.append('+').append(r.offset() - e.start()).append(' ');
            switch (index.target(r)) {
                case ObjectIndex.Target.External x -> s.append(x.name()).append('+').append(x.addend());
                case ObjectIndex.Target.InEntity in -> s.append(constant(index, in.entity())
                        ? "=" + digest(index.bytes(in.entity())) : Names.correlated(in.entity().name())).append('+').append(in.offset());
                case ObjectIndex.Target.Anonymous a -> s.append(index.string(r).map(t -> '"' + t.replaceAll("\\d+", "0") + '"')
                        .orElse(Names.correlated(index.section(a.section()).name())));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static ObjectIndex.Entity functionAt(ObjectIndex index, int section, long offset) {
        for (ObjectIndex.Entity f : index.entitiesIn(section)) {
            if (f.function() && offset >= f.start() && offset < f.start() + f.size()) {
                return f;
            }
        }
        return null;
    }

    /** A short digest: keys stay readable in explanations, and eight hex digits tell a unit's objects apart. */
    private static String digest(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
