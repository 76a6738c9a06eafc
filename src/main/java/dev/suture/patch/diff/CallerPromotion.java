package dev.suture.patch.diff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A changed static function livepatch cannot redirect — the kernel builds every {@code inline} function that
 * stays out of line as {@code notrace}, so it has no ftrace site — is carried as a new copy, and the functions
 * of the unit that call it are patched instead (and theirs in turn, while they cannot be redirected either).
 * A static function can only be called from its own unit, so every caller is found; a global one, or code in
 * {@code .noinstr} or entry sections, is left for the safety rules to refuse.
 */
public final class CallerPromotion {
    private CallerPromotion() {
    }

    /**
     * @param traceable whether livepatch can redirect the kernel's copy of an original function
     * @param section   the section name of a patched entity
     */
    public static List<ObjectDiff.Decision> apply(List<ObjectDiff.Decision> decisions, ObjectIndex patched,
                                                  Predicate<ObjectIndex.Entity> traceable,
                                                  java.util.function.Function<ObjectIndex.Entity, String> section) {
        Map<String, ObjectDiff.Decision> byKey = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (ObjectDiff.Decision d : decisions) {
            byKey.put(d.key(), d);
            order.add(d.key());
        }
        boolean again = true;
        while (again) {
            again = false;
            for (String key : order) {
                ObjectDiff.Decision d = byKey.get(key);
                if (!promotable(d, traceable, section)) {
                    continue;
                }
                byKey.put(key, new ObjectDiff.Decision(key, d.original(), d.patched(), ObjectDiff.Change.NEW,
                        "changed (" + d.reason() + ") but livepatch cannot redirect it (no ftrace site):"
                                + " carried as a new copy, its callers are patched"));
                for (String callerKey : order) {
                    ObjectDiff.Decision c = byKey.get(callerKey);
                    if (c.function() && c.patched() != null && c.change() == ObjectDiff.Change.UNCHANGED
                            && refersTo(patched, c.patched(), d.patched())) {
                        byKey.put(callerKey, new ObjectDiff.Decision(callerKey, c.original(), c.patched(),
                                ObjectDiff.Change.CHANGED, "calls " + d.name() + ", which changed and livepatch cannot redirect"));
                    }
                }
                again = true;
            }
        }
        return order.stream().map(byKey::get).toList();
    }

    private static boolean promotable(ObjectDiff.Decision d, Predicate<ObjectIndex.Entity> traceable,
                                      java.util.function.Function<ObjectIndex.Entity, String> section) {
        if (!d.function() || d.change() != ObjectDiff.Change.CHANGED || d.patched().global() || traceable.test(d.original())) {
            return false;
        }
        String s = section.apply(d.patched());
        return !(s.startsWith(".noinstr.") || s.startsWith(".entry.") || s.startsWith(".init.") || s.startsWith(".exit."));
    }

    private static boolean refersTo(ObjectIndex index, ObjectIndex.Entity from, ObjectIndex.Entity to) {
        for (ObjectIndex.Entity part : parts(index, from)) {
            for (var r : index.relocationsIn(part)) {
                if (index.target(r) instanceof ObjectIndex.Target.InEntity in
                        && (in.entity().equals(to) || in.entity().owner().equals(to.name()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<ObjectIndex.Entity> parts(ObjectIndex index, ObjectIndex.Entity function) {
        List<ObjectIndex.Entity> parts = new ArrayList<>(List.of(function));
        index.byKey(function.key() + ".cold").ifPresent(parts::add);
        return parts;
    }
}
