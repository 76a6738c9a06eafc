package dev.suture.patch.safety;

import dev.suture.elf.Elf;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.diff.SpecialEntries;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The module loader applies some sections of a module while it loads (jump labels, static calls, alternatives,
 * the exception table, ...), before livepatch resolves the patch's references to a module's symbols; and it
 * never relocates sections that are not loaded. A livepatch relocation in either place cannot be resolved.
 *
 * <p>A static branch is the common case: the loader files each jump-label entry under its key as the patch
 * module loads, and an entry whose key lies in another module (the patched module's own key, a tracepoint it
 * defines) still points nowhere then. Livepatch resolves relocations to vmlinux before the loader reads the
 * entries (Linux 5.8), so vmlinux's keys are fine; those of a module are refused, naming the key, since reading
 * the key as a plain variable works (kpatch asks the same of its users).
 */
public final class LoadTimeRules {
    private static final String JUMP_TABLE = "__jump_table";
    private static final String VMLINUX = "vmlinux";
    private static final String TRACEPOINT = "__tracepoint_";

    private LoadTimeRules() {
    }

    /**
     * The static branches of a module unit's changed and new functions whose keys are a module's: the unit's
     * own (unless the fix adds the key, which then travels with the patch), another unit's of the module, or
     * another module's.
     */
    static List<Refusal> staticKeys(SafetyRules.UnitReview u) {
        String object = u.kernel().object();
        if (VMLINUX.equals(object)) {
            return List.of();
        }
        List<Refusal> out = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        for (SpecialEntries.Entry entry : u.patchedSpecial().all()) {
            if (!JUMP_TABLE.equals(entry.section()) || entry.owner() == null) {
                continue;
            }
            Optional<ObjectDiff.Decision> function = extracted(u, entry.owner());
            if (function.isEmpty()) {
                continue;
            }
            for (var r : entry.relocations()) {
                Optional<ModuleKey> key = moduleKey(u, object, u.patched().target(r));
                if (key.isPresent() && named.add(function.get().name() + " " + key.get().name())) {
                    out.add(Refusals.staticKey(u.source().path(), keyLine(u, function.get(), key.get().name()),
                            function.get().name(), key.get().name(), key.get().module()));
                }
            }
        }
        return out;
    }

    /** The decision of a function the patch carries (changed or new), for the function or its part. */
    private static Optional<ObjectDiff.Decision> extracted(SafetyRules.UnitReview u, ObjectIndex.Entity part) {
        return u.decisions().stream()
                .filter(d -> d.function() && d.patched() != null
                        && (d.change() == ObjectDiff.Change.CHANGED || d.change() == ObjectDiff.Change.NEW)
                        && (d.patched().equals(part) || d.patched().name().equals(part.owner())))
                .findFirst();
    }

    /** A static key in a module: its name, and the module. */
    private record ModuleKey(String name, String module) {
    }

    /**
     * The key a jump-label field refers to when it is a module's; empty for the fields that point at code,
     * vmlinux's keys, and keys the fix adds.
     */
    private static Optional<ModuleKey> moduleKey(SafetyRules.UnitReview u, String object, ObjectIndex.Target target) {
        return switch (target) {
            case ObjectIndex.Target.InEntity in when in.entity().function() -> Optional.empty();
            case ObjectIndex.Target.InEntity in -> added(u, in.entity()) ? Optional.empty()
                    : Optional.of(new ModuleKey(in.entity().name(), object));
            case ObjectIndex.Target.External x -> u.kernel().definer(x.name()).filter(o -> !VMLINUX.equals(o))
                    .map(o -> new ModuleKey(x.name(), o));
            case ObjectIndex.Target.Anonymous a -> u.patched().section(a.section()).hasFlags(Elf.SHF_EXECINSTR)
                    ? Optional.empty()
                    : Optional.of(new ModuleKey(u.patched().section(a.section()).name() + "+0x" + Long.toHexString(a.offset()), object));
        };
    }

    /** Whether the fix adds the data object: extraction copies it into the patch module. */
    private static boolean added(SafetyRules.UnitReview u, ObjectIndex.Entity data) {
        return u.decisions().stream().anyMatch(d -> data.equals(d.patched()) && d.change() == ObjectDiff.Change.NEW);
    }

    /** The line naming the key inside the function, else the function's first changed line. */
    private static int keyLine(SafetyRules.UnitReview u, ObjectDiff.Decision function, String key) {
        String text = u.source().patched();
        var range = text == null ? Optional.<FunctionLines.Range>empty() : FunctionLines.find(text, function.name());
        if (range.isPresent()) {
            String bare = key.startsWith(TRACEPOINT) ? "trace_" + key.substring(TRACEPOINT.length()) : key;
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(bare) + "\\b");
            String[] lines = text.split("\n", -1);
            for (int line = range.get().first(); line <= range.get().last() && line <= lines.length; line++) {
                if (p.matcher(lines[line - 1]).find()) {
                    return line;
                }
            }
        }
        return SafetyRules.lineOf(u.source(), function);
    }

    /**
     * The link-time check, for what the unit rules cannot see (a function file's code): a load-time section of
     * the linked module that still refers to a module's symbols.
     *
     * @param file     the fix, as refusals name it
     * @param section  the module section that refers to them
     * @param symbols  what it refers to, as {@code object:name}
     */
    public static Refusal refusal(String file, String section, List<String> symbols) {
        if (JUMP_TABLE.equals(section)) {
            return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, 0,
                    "the new code has static branches on " + String.join(", ", symbols) + ", a module's static keys: "
                            + Refusals.STATIC_KEY_WHY, Refusals.staticKeyRemedy(symbols.stream()
                            .map(s -> s.substring(s.indexOf(':') + 1)).toList()));
        }
        return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, 0,
                "the patch refers to " + String.join(", ", symbols) + " from " + section
                        + ", which the kernel processes when the module loads, before livepatch can resolve it",
                "avoid static calls and alternatives on a module's own symbols in the new code");
    }
}
