package dev.suture.patch.safety;

import dev.suture.elf.Elf;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.diff.SpecialEntries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The load-time rule on a module unit's new code, where the source is at hand: a static branch whose key is a
 * module's. The loader files each jump-label entry of the patch module under its key as the patch loads, and a
 * key in another module (the patched module's own, a tracepoint or pr_debug descriptor it defines) is reached
 * only later, when livepatch resolves the patch's references to that module. Livepatch resolves references to
 * vmlinux before the loader reads the entries (Linux 5.8), so vmlinux's keys are fine, and so is a key the fix
 * adds, which travels with the patch.
 */
final class ModuleStaticKeys {
    private static final String JUMP_TABLE = "__jump_table";
    private static final String VMLINUX = "vmlinux";
    private static final String TRACEPOINT = "__tracepoint_";
    /** Dynamic debug's descriptors (pr_debug, dev_dbg, ...), each holding the static key of its print. */
    private static final String DYNAMIC_DEBUG = "__dyndbg";
    private static final Pattern DEBUG_PRINT = Pattern.compile("\\b\\w*_dbg\\b|\\bpr_debug\\b|\\bprint_hex_dump_debug\\b");

    private ModuleStaticKeys() {
    }

    /** A module's static key a jump label refers to; {@code print} for a dynamic-debug descriptor's. */
    private record ModuleKey(String name, String module, boolean print) {
    }

    /** The refusals of the unit's changed and new functions' static branches on a module's keys. */
    static List<Refusal> review(SafetyRules.UnitReview u) {
        String object = u.kernel().object();
        if (VMLINUX.equals(object)) {
            return List.of();
        }
        Map<ObjectDiff.Decision, Set<ModuleKey>> byFunction = new LinkedHashMap<>();
        for (SpecialEntries.Entry entry : u.patchedSpecial().all()) {
            if (!JUMP_TABLE.equals(entry.section()) || entry.owner() == null) {
                continue;
            }
            Optional<ObjectDiff.Decision> function = extracted(u, entry.owner());
            if (function.isEmpty()) {
                continue;
            }
            for (var r : entry.relocations()) {
                moduleKey(u, object, u.patched().target(r))
                        .ifPresent(k -> byFunction.computeIfAbsent(function.get(), f -> new LinkedHashSet<>()).add(k));
            }
        }
        List<Refusal> out = new ArrayList<>();
        String file = u.source().path();
        byFunction.forEach((function, keys) -> {
            List<ModuleKey> prints = keys.stream().filter(ModuleKey::print).toList();
            for (ModuleKey k : keys) {
                if (!k.print()) {
                    String mentioned = k.name().startsWith(TRACEPOINT) ? "trace_" + k.name().substring(TRACEPOINT.length()) : k.name();
                    out.add(Refusals.staticKey(file, line(u, function, Pattern.compile("\\b" + Pattern.quote(mentioned) + "\\b")),
                            function.name(), k.name(), k.module()));
                }
            }
            if (!prints.isEmpty()) {
                out.add(Refusals.debugPrints(file, line(u, function, DEBUG_PRINT), function.name(), prints.size(),
                        prints.getFirst().module()));
            }
        });
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

    /**
     * The key a jump-label field refers to when it is a module's; empty for the fields that point at code,
     * vmlinux's keys, and keys the fix adds.
     */
    private static Optional<ModuleKey> moduleKey(SafetyRules.UnitReview u, String object, ObjectIndex.Target target) {
        return switch (target) {
            case ObjectIndex.Target.InEntity in when in.entity().function() -> Optional.empty();
            case ObjectIndex.Target.InEntity in -> added(u, in.entity()) ? Optional.empty()
                    : Optional.of(new ModuleKey(in.entity().name(), object, DYNAMIC_DEBUG.equals(u.patched().sectionName(in.entity()))));
            case ObjectIndex.Target.External x -> u.kernel().definer(x.name()).filter(o -> !VMLINUX.equals(o))
                    .map(o -> new ModuleKey(x.name(), o, false));
            case ObjectIndex.Target.Anonymous a -> u.patched().section(a.section()).hasFlags(Elf.SHF_EXECINSTR)
                    ? Optional.empty()
                    : Optional.of(new ModuleKey(u.patched().section(a.section()).name() + "+0x" + Long.toHexString(a.offset()),
                    object, DYNAMIC_DEBUG.equals(u.patched().section(a.section()).name())));
        };
    }

    /** Whether the fix adds the data object: extraction copies it into the patch module. */
    private static boolean added(SafetyRules.UnitReview u, ObjectIndex.Entity data) {
        return u.decisions().stream().anyMatch(d -> data.equals(d.patched()) && d.change() == ObjectDiff.Change.NEW);
    }

    /** The first line of the function that matches, else the function's first changed line. */
    private static int line(SafetyRules.UnitReview u, ObjectDiff.Decision function, Pattern mention) {
        String text = u.source().patched();
        var range = text == null ? Optional.<FunctionLines.Range>empty() : FunctionLines.find(text, function.name());
        if (range.isPresent()) {
            String[] lines = text.split("\n", -1);
            for (int line = range.get().first(); line <= range.get().last() && line <= lines.length; line++) {
                if (mention.matcher(lines[line - 1]).find()) {
                    return line;
                }
            }
        }
        return SafetyRules.lineOf(u.source(), function);
    }
}
