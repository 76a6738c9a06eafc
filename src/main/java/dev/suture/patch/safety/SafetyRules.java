package dev.suture.patch.safety;

import dev.suture.elf.Elf;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.diff.SpecialEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The rules a change must pass before it becomes a live patch. Each refusal names the rule, the file and line
 * of the change, and what would make the fix patchable.
 */
public final class SafetyRules {
    private SafetyRules() {
    }

    /**
     * One compiled unit under review.
     *
     * @param traceable        whether livepatch can redirect the kernel's copy of an original function (it has
     *                         an ftrace call site)
     * @param originalVersions modversions CRCs of the unit's exports, original then patched
     * @param patchedSpecial   the patched object's special-section entries, by the function each describes
     * @param kernel           what the running kernel has beyond the unit: who calls a function, who defines a name
     */
    public record UnitReview(SourceChange source, List<ObjectDiff.Decision> decisions, ObjectIndex original,
                             ObjectIndex patched, Predicate<ObjectIndex.Entity> traceable,
                             Map<String, String> originalVersions, Map<String, String> patchedVersions,
                             SpecialEntries patchedSpecial, RunningKernel kernel) {
    }

    /**
     * The rules that read only the source, run before anything compiles: which files a diff may touch, and
     * struct layouts.
     */
    public static List<Refusal> reviewSources(List<SourceChange> sources) {
        List<Refusal> out = new ArrayList<>(FileKindRules.review(sources));
        FixTypes types = new FixTypes(sources);
        for (SourceChange s : sources) {
            if (s.original() != null && s.patched() != null) {
                structLayout(s, types, out);
            }
        }
        return out;
    }

    /**
     * The rules that read the compiled units: init and notrace code, deleted functions, data, exports, and the
     * new code's static branches on a module's keys.
     */
    public static List<Refusal> reviewUnits(List<UnitReview> units) {
        return reviewUnits(units, List.of());
    }

    /**
     * The same, for a fix whose files are {@code fixSources} besides the units' own (its headers): whether the
     * types they change keep their layout decides whether an export's changed CRC is a changed signature.
     */
    public static List<Refusal> reviewUnits(List<UnitReview> units, List<SourceChange> fixSources) {
        List<SourceChange> sources = new ArrayList<>(fixSources);
        units.forEach(u -> sources.add(u.source()));
        boolean typesKeepLayout = ExportSignatures.typesKeepLayout(sources);
        Map<String, List<KernelSymbol>> replaced = DeletedFunctions.replacedByObject(units);
        List<Refusal> out = new ArrayList<>();
        for (UnitReview u : units) {
            for (ObjectDiff.Decision d : u.decisions()) {
                if (d.function()) {
                    functionRules(u, d, replaced.get(u.kernel().object()), out);
                } else if (d.change() == ObjectDiff.Change.CHANGED) {
                    dataInitializer(u, d, out);
                }
            }
            ExportSignatures.review(u, typesKeepLayout, out);
            out.addAll(ModuleStaticKeys.review(u));
        }
        return out;
    }

    /** Both reviews at once, for a change whose units are already compiled. */
    public static List<Refusal> review(List<SourceChange> sources, List<UnitReview> units) {
        List<Refusal> out = new ArrayList<>(reviewSources(sources));
        out.addAll(reviewUnits(units));
        return out;
    }

    private static void structLayout(SourceChange s, FixTypes types, List<Refusal> out) {
        StructBodies before = new StructBodies(s.original() == null ? "" : s.original());
        StructBodies after = new StructBodies(s.patched() == null ? "" : s.patched());
        String[] oldLines = s.original() == null ? new String[0] : s.original().split("\n", -1);
        String[] newLines = s.patched() == null ? new String[0] : s.patched().split("\n", -1);
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int line : s.addedLines()) {
            Optional<StructBodies.Body> b = after.enclosing(line);
            if (b.isPresent() && line <= newLines.length && StructBodies.declares(newLines[line - 1])
                    && !unchanged(s, before, after, types, after.enclosingNamed(line)) && named.add(b.get().name())) {
                out.add(layout(s, line, b.get(), "adds or changes member '" + newLines[line - 1].trim() + "'"));
            }
        }
        for (int line : s.removedLines()) {
            Optional<StructBodies.Body> b = before.enclosing(line);
            if (b.isPresent() && line <= oldLines.length && StructBodies.declares(oldLines[line - 1])
                    && !unchanged(s, before, after, types, before.enclosingNamed(line)) && named.add(b.get().name())) {
                out.add(layout(s, line, b.get(), "removes or changes member '" + oldLines[line - 1].trim() + "'"));
            }
        }
    }

    /**
     * Whether a member line's change leaves every instance the running kernel has as it was: the type is new, or gone,
     * or lays out as before (in this file, or across the fix's files when it moved between them).
     */
    private static boolean unchanged(SourceChange s, StructBodies before, StructBodies after, FixTypes types,
                                     Optional<StructBodies.Body> type) {
        return types.isNew(type) || types.isGone(type) || types.keepsLayout(type) || sameLayout(s, before, after, type);
    }

    /**
     * Whether a named type's members lay out as before though their lines changed (a pointer wrapped in an anonymous
     * union with its RCU-annotated twin, say): see {@link StructBodies#layoutOf}.
     */
    static boolean sameLayout(SourceChange s, StructBodies before, StructBodies after, Optional<StructBodies.Body> type) {
        if (type.isEmpty() || s.original() == null || s.patched() == null) {
            return false;
        }
        String kind = type.get().kind();
        String tag = type.get().tag();
        Optional<StructBodies.Body> old = before.named(kind, tag);
        Optional<StructBodies.Body> now = after.named(kind, tag);
        return old.isPresent() && now.isPresent()
                && StructBodies.layoutOf(s.original(), old.get()).equals(StructBodies.layoutOf(s.patched(), now.get()));
    }

    private static Refusal layout(SourceChange s, int line, StructBodies.Body body, String what) {
        return new Refusal(Refusal.Rule.STRUCT_LAYOUT, s.path(), line,
                "the fix " + what + " of " + body.name() + ", whose instances the running kernel already has and"
                        + " code outside the change uses with the old layout",
                "keep the layout as it is; put new per-object state in a shadow variable (SUTURE_SHADOW, see suture.h)");
    }

    private static void functionRules(UnitReview u, ObjectDiff.Decision d, List<KernelSymbol> replacedInObject,
                                      List<Refusal> out) {
        ObjectIndex.Entity e = d.patched() != null ? d.patched() : d.original();
        ObjectIndex index = d.patched() != null ? u.patched() : u.original();
        String section = index.sectionName(e);
        int line = lineOf(u.source(), d);
        switch (d.change()) {
            case CHANGED -> {
                var init = Refusals.initKind(section);
                if (init.isPresent()) {
                    out.add(Refusals.initCode(u.source().path(), line, d.name(), init.get()));
                } else if (section.startsWith(".noinstr.") || section.startsWith(".entry.") || !u.traceable().test(d.original())) {
                    out.add(Refusals.notrace(u.source().path(), line, d.name(),
                            section.startsWith(".noinstr.") ? "noinstr" : section.startsWith(".entry.") ? "entry code" : "notrace or inlined everywhere"));
                }
            }
            case DELETED -> {
                if (Refusals.initKind(section).isEmpty()) {
                    List<String> callers = DeletedFunctions.stillCalling(u, d, replacedInObject);
                    if (!callers.isEmpty()) {
                        out.add(Refusals.deletedFunction(u.source().path(), line, d.name(), callers));
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void dataInitializer(UnitReview u, ObjectDiff.Decision d, List<Refusal> out) {
        ObjectIndex.Entity e = d.patched();
        String section = u.patched().sectionName(e);
        if (!(section.startsWith(".data") || section.startsWith(".bss") || section.startsWith(".rodata"))) {
            return;  // tables the kernel builds from the unit (exports, parameters, initcalls) are not the unit's data
        }
        boolean writable = u.patched().section(e.section()).hasFlags(Elf.SHF_WRITE);
        if (travelsWithCode(u, e)) {
            return;
        }
        int line = dataLine(u.source(), e.name());
        out.add(new Refusal(Refusal.Rule.DATA_INITIALIZER, u.source().path(), line,
                "the initial value of " + (writable ? "" : "constant ") + e.name() + " changes (" + d.reason()
                        + "), but the running kernel's copy was initialized long ago and keeps its current value",
                writable ? "set the new value at patch time in a SUTURE_POST_PATCH callback of a function file, or leave the initializer alone"
                        : "use a new constant in the changed functions instead of changing this one, which unchanged code reads"));
    }

    /** A constant only changed code reads travels with that code: the patch carries its own copy. */
    static boolean travelsWithCode(UnitReview u, ObjectIndex.Entity patchedData) {
        return !u.patched().section(patchedData.section()).hasFlags(Elf.SHF_WRITE) && onlyChangedUsers(u, patchedData);
    }

    private static boolean onlyChangedUsers(UnitReview u, ObjectIndex.Entity data) {
        for (ObjectDiff.Decision other : u.decisions()) {
            if (other.patched() == null || !other.function() || other.change() != ObjectDiff.Change.UNCHANGED) {
                continue;
            }
            for (var r : u.patched().relocationsIn(other.patched())) {
                if (u.patched().target(r) instanceof ObjectIndex.Target.InEntity in && in.entity().equals(data)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The line of a function's change: the first added line in its definition, else the first change in the file. */
    static int lineOf(SourceChange s, ObjectDiff.Decision d) {
        String text = d.patched() != null ? s.patched() : s.original();
        if (text != null) {
            Optional<FunctionLines.Range> r = FunctionLines.find(text, d.name());
            if (r.isPresent()) {
                if (d.patched() == null) {
                    return r.get().first();
                }
                int inside = s.firstAddedWithin(r.get().first(), r.get().last());
                if (inside > 0) {
                    return inside;
                }
            }
        }
        return s.firstLine();
    }

    /** The line of a variable's change: the first added line in its definition, else its first mention. */
    static int dataLine(SourceChange s, String symbol) {
        String name = symbol.contains(".") ? symbol.substring(0, symbol.indexOf('.')) : symbol;
        Optional<FunctionLines.Range> r = s.patched() == null ? Optional.empty() : DataLines.find(s.patched(), name);
        if (r.isEmpty()) {
            return firstMention(s.patched(), name, s);
        }
        int inside = s.firstAddedWithin(r.get().first(), r.get().last());
        return inside > 0 ? inside : r.get().first();
    }

    static int firstMention(String text, String name, SourceChange s) {
        if (text != null) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(name) + "\\b");
            String[] lines = text.split("\n", -1);
            for (int line : s.addedLines()) {
                if (line <= lines.length && p.matcher(lines[line - 1]).find()) {
                    return line;
                }
            }
            for (int i = 0; i < lines.length; i++) {
                if (p.matcher(lines[i]).find()) {
                    return i + 1;
                }
            }
        }
        return s.firstLine();
    }
}
