package dev.suture.patch.safety;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named structs and unions of all a fix's files, before and after it, by {@code kind tag}: each with the set
 * of its layouts ({@link StructBodies#layoutOf}; more than one when {@code #ifdef} branches define it apart).
 *
 * <p>A member change matters only to a type the running kernel already has instances of. A type that no file of
 * the fix defined before is new (C tags are per translation unit, so defining one where another unit has its own
 * type of that tag is a different type too), and a type moved from one file to another with the same layout has
 * not changed; both are seen only across files, which is why the fix's files are read together.
 */
final class FixTypes {
    private final Map<String, Set<String>> before = new HashMap<>();
    private final Map<String, Set<String>> after = new HashMap<>();

    FixTypes(List<SourceChange> sources) {
        for (SourceChange s : sources) {
            collect(s.original(), before);
            collect(s.patched(), after);
        }
    }

    private static void collect(String text, Map<String, Set<String>> into) {
        if (text == null) {
            return;
        }
        StructBodies bodies = new StructBodies(text);
        for (StructBodies.Body b : bodies.all()) {
            if (b.tag() != null) {
                into.computeIfAbsent(b.name(), k -> new TreeSet<>()).add(StructBodies.layoutOf(text, b));
            }
        }
    }

    /** Whether no file of the fix defined the type before: the running kernel has no instance of it. */
    boolean isNew(Optional<StructBodies.Body> type) {
        return type.isPresent() && !before.containsKey(type.get().name()) && after.containsKey(type.get().name());
    }

    /** Whether no file of the fix defines the type any more: nothing the fix builds uses it. */
    boolean isGone(Optional<StructBodies.Body> type) {
        return type.isPresent() && before.containsKey(type.get().name()) && !after.containsKey(type.get().name());
    }

    /** Whether the type lays out as before, wherever in the fix's files it is defined now. */
    boolean keepsLayout(Optional<StructBodies.Body> type) {
        return type.isPresent() && before.containsKey(type.get().name())
                && before.get(type.get().name()).equals(after.get(type.get().name()));
    }
}
