package dev.suture.patch.module;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.diff.SpecialEntries;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cuts the patched object of one unit down to what the patch module carries: the changed functions (and
 * their {@code .cold} parts), the new functions and data they reach, their string literals and constants,
 * and their entries in the special sections; everything else of the unit stays the kernel's own.
 *
 * <p>A reference to anything that exists in the running kernel — an unchanged or changed function (whose
 * address must keep its identity: livepatch redirects calls to it), a variable, a static local — is turned
 * into a reference to the kernel's symbol: by name where the module loader resolves it (an export of
 * vmlinux), otherwise through a placeholder that becomes a livepatch relocation to the exact
 * {@code object, name, position}. Read-only data without pointers (strings, {@code __func__}, constant
 * tables) is copied instead: it has no identity worth keeping, and a changed constant must come along.
 *
 * <p>A global function or variable the fix adds is the patch module's own: it stays global, so that the parts
 * cut from other units (of vmlinux or of a module) reach it by name, and it is carried when any of them
 * refers to it ({@link #carry}), even if nothing of its own unit changed.
 */
final class PatchObjectExtractor {
    /** A changed function and the symbol its new copy has in the extracted object. */
    record Replaced(String object, KernelSymbol original, String newSymbol) {
    }

    /** The cut-down object and what the module glue and the klp conversion need to know about it. */
    record Extracted(byte[] object, List<Replaced> replaced, Map<String, SymbolResolver.Resolution.Livepatch> placeholders,
                     List<String> droppedEntries) {
    }

    private final ElfFile elf;
    private final ObjectIndex index;
    private final ObjectDiff diff;
    private final Map<String, ObjectDiff.Decision> decisions = new HashMap<>();
    private final UnitSymbols kernel;
    private final Predicate<String> exported;
    private final String prefix;

    private final Set<String> included = new LinkedHashSet<>();
    private final Set<Integer> keptSections = new LinkedHashSet<>();
    private final Set<SpecialEntries.Entry> keptEntries = new LinkedHashSet<>();
    private final Deque<List<Relocation>> toScan = new ArrayDeque<>();
    private final Map<String, Integer> externs = new HashMap<>();
    private final Map<String, SymbolResolver.Resolution.Livepatch> placeholders = new LinkedHashMap<>();
    private final List<String> droppedEntries = new ArrayList<>();
    /** Names of symbols the kept parts refer to that this unit does not define. */
    private final Set<String> externalNames = new LinkedHashSet<>();
    private final List<ObjectIndex.Entity> changed = new ArrayList<>();

    /**
     * @param patched  the patched object, read for this purpose only: it is edited in place
     * @param exported whether the module loader resolves a vmlinux symbol of that name (it is exported)
     * @param prefix   what makes this unit's generated names unique within the module
     */
    PatchObjectExtractor(ObjectIndex patched, ObjectDiff diff, List<ObjectDiff.Decision> decided, UnitSymbols kernel,
                         Predicate<String> exported, String prefix) {
        this.elf = patched.elf();
        this.index = patched;
        this.diff = diff;
        this.kernel = kernel;
        this.exported = exported;
        this.prefix = prefix;
        decided.forEach(d -> decisions.put(d.key(), d));
        for (ObjectDiff.Decision d : decisions.values()) {
            if (d.change() == ObjectDiff.Change.CHANGED && d.function()) {
                changed.add(d.patched());
            }
        }
        changed.sort(java.util.Comparator.comparingInt(ObjectIndex.Entity::symbol));
        changed.forEach(this::include);
        scan();
    }

    /** The global functions and data this unit adds (whether or not anything refers to them yet). */
    Set<String> newGlobals() {
        Set<String> names = new LinkedHashSet<>();
        for (ObjectDiff.Decision d : decisions.values()) {
            if (isNewGlobal(d.patched())) {
                names.add(d.patched().name());
            }
        }
        return names;
    }

    /** What the parts kept so far refer to by a name this unit does not define. */
    Set<String> externalNames() {
        return Set.copyOf(externalNames);
    }

    /**
     * Takes the unit's new global {@code name} into the module, with what it reaches, because another part of the
     * module refers to it; whether that added anything.
     */
    boolean carry(String name) {
        for (ObjectIndex.Entity e : index.entities()) {
            if (e.name().equals(name) && isNewGlobal(e) && !included.contains(e.key())) {
                include(e);
                scan();
                return true;
            }
        }
        return false;
    }

    private boolean isNewGlobal(ObjectIndex.Entity e) {
        ObjectDiff.Decision d = e == null ? null : decisions.get(e.key());
        return d != null && d.change() == ObjectDiff.Change.NEW && e.global();
    }

    private void scan() {
        while (!toScan.isEmpty()) {
            for (Relocation r : toScan.pop()) {
                classify(r);
            }
        }
    }

    /** Cuts the object down to what was taken in; call once, last (the patched object is edited in place). */
    Extracted extract() {
        // Everything else of the unit goes; first its relocations, so nothing kept refers to what is removed.
        Map<Integer, List<Relocation>> rewritten = new HashMap<>();
        for (int s : keptSections) {
            rewritten.put(s, rewrite(index.relocationsOf(s)));
        }
        Map<Integer, byte[]> specialData = new HashMap<>();
        Map<Integer, List<Relocation>> specialRelocations = new HashMap<>();
        compactSpecialSections(specialData, specialRelocations);

        List<Replaced> replaced = new ArrayList<>();
        Map<String, String> newNames = new LinkedHashMap<>();
        for (ObjectIndex.Entity e : changed) {
            KernelSymbol original = kernel.of(decisions.get(e.key()).original());
            String name = prefix + "new_" + e.name().replaceAll("[^A-Za-z0-9_]", "_");
            newNames.put(name, e.name());
            replaced.add(new Replaced(kernel.object(), original, name));
            elf.symbols().rename(e.symbol(), name);
        }
        int dead = 0;
        for (ObjectIndex.Entity e : index.entities()) {
            // A BTF ID slot keeps its name: resolve_btfids reads the type it stands for from it (BtfIdResolver).
            if (!included.contains(e.key()) && keptSections.contains(e.section()) && !e.name().startsWith("__BTF_ID__")) {
                elf.symbols().rename(e.symbol(), prefix + "unused_" + dead++);  // another unit's namesake must not clash
            }
        }

        for (RelocationSection rela : elf.relocationSections()) {
            int target = elf.indexOf(rela.target());
            List<Relocation> keep = rewritten.containsKey(target) ? rewritten.get(target)
                    : specialRelocations.getOrDefault(target, List.of());
            rela.set(keep);
        }
        specialData.forEach((s, bytes) -> elf.section(s).setData(bytes));
        List<Section> remove = new ArrayList<>();
        for (int i = 1; i < elf.sectionCount(); i++) {
            Section s = elf.section(i);
            boolean special = specialData.containsKey(i) && specialData.get(i).length > 0;
            boolean keep = keptSections.contains(i) || special || isTable(s) || isRelocationsOfKept(s, specialData)
                    || s.name().equals(".note.GNU-stack") || s.name().equals(".comment");
            if (!keep) {
                remove.add(s);
            }
        }
        for (Section s : remove) {
            if (elf.indexOf(s) >= 0) {
                elf.removeSection(s);
            }
        }
        dropUnreferencedExterns();
        // The new copies are what the glue's klp_funcs point at: global. New static helpers stay private to the
        // unit; the fix's new globals stay global, one definition every part of the module links to.
        Set<String> shared = new java.util.HashSet<>();
        for (ObjectIndex.Entity e : index.entities()) {
            if (included.contains(e.key()) && isNewGlobal(e)) {
                shared.add(e.name());
            }
        }
        for (int i = 1; i < elf.symbols().size(); i++) {
            Symbol s = elf.symbols().get(i);
            if (s.isUndefined() || s.type() == Elf.STT_SECTION || s.type() == Elf.STT_FILE) {
                continue;
            }
            boolean global = newNames.containsKey(s.name()) || shared.contains(s.name());
            if (global && s.isLocal()) {
                elf.symbols().set(i, s.withBind(Elf.STB_GLOBAL));
                i = 0;  // the table was reordered: start over (few symbols remain)
            } else if (!global && !s.isLocal()) {
                elf.symbols().set(i, s.withBind(Elf.STB_LOCAL));
                i = 0;
            }
        }
        return new Extracted(elf.toBytes(), replaced, placeholders, droppedEntries);
    }

    /** Undefined symbols only the removed parts of the unit used; left in, they would be resolved for nothing. */
    private void dropUnreferencedExterns() {
        Set<Integer> used = new java.util.HashSet<>();
        for (RelocationSection rela : elf.relocationSections()) {
            rela.list().forEach(r -> used.add(r.symbol()));
        }
        for (int i = elf.symbols().size() - 1; i > 0; i--) {
            Symbol s = elf.symbols().get(i);
            if (s.isUndefined() && !used.contains(i)) {
                elf.symbols().remove(i);
            }
        }
    }

    private boolean isTable(Section s) {
        return s.type() == Elf.SHT_SYMTAB || s.type() == Elf.SHT_STRTAB || s.type() == Elf.SHT_SYMTAB_SHNDX;
    }

    private boolean isRelocationsOfKept(Section s, Map<Integer, byte[]> specialData) {
        if (s.type() != Elf.SHT_RELA && s.type() != Elf.SHT_REL) {
            return false;
        }
        int target = s.info();
        return keptSections.contains(target) || (specialData.containsKey(target) && specialData.get(target).length > 0);
    }

    /** Takes an entity into the module: its section, what its relocations reach, its special-section entries. */
    private void include(ObjectIndex.Entity e) {
        if (!included.add(e.key())) {
            return;
        }
        if (keptSections.add(e.section())) {
            toScan.push(index.relocationsOf(e.section()));
        }
        if (e.function()) {
            index.byKey(e.key() + ".cold").ifPresent(this::include);
            for (SpecialEntries.Entry entry : diff.patchedSpecial().of(e)) {
                keptEntries.add(entry);
                toScan.push(entry.relocations());
            }
        }
    }

    private void classify(Relocation r) {
        switch (index.target(r)) {
            case ObjectIndex.Target.External x -> externalNames.add(x.name());
            case ObjectIndex.Target.InEntity in -> {
                if (copied(in.entity())) {
                    include(in.entity());
                }
            }
            case ObjectIndex.Target.Anonymous a -> {
                if (keptSections.add(a.section())) {
                    toScan.push(index.relocationsOf(a.section()));
                }
            }
        }
    }

    /** Whether the module carries its own copy of an entity rather than referring to the kernel's. */
    private boolean copied(ObjectIndex.Entity e) {
        if (included.contains(e.key())) {
            return true;
        }
        ObjectDiff.Decision d = decisions.get(e.key());
        if (d == null) {
            // A cold part: it goes with its owner.
            return included.contains(e.owner());
        }
        if (d.change() == ObjectDiff.Change.NEW) {
            return true;
        }
        if (e.function()) {
            return false;
        }
        Section s = index.section(e.section());
        boolean readOnly = !s.hasFlags(Elf.SHF_WRITE);
        return readOnly && (index.relocationsIn(e).isEmpty() || d.change() == ObjectDiff.Change.CHANGED);
    }

    private List<Relocation> rewrite(List<Relocation> relocations) {
        List<Relocation> out = new ArrayList<>(relocations.size());
        for (Relocation r : relocations) {
            out.add(switch (index.target(r)) {
                case ObjectIndex.Target.InEntity in when !copied(in.entity()) ->
                        r.withSymbol(externFor(in.entity())).withAddend(in.offset());
                default -> r;
            });
        }
        return out;
    }

    /** The undefined symbol standing for the kernel's own copy of an entity. */
    private int externFor(ObjectIndex.Entity patchedEntity) {
        ObjectDiff.Decision d = decisions.get(patchedEntity.key());
        // Cold parts have no decision of their own; the kernel has them under the same name.
        ObjectIndex.Entity original = d != null ? d.original() : diff.original().byKey(patchedEntity.key()).orElseThrow(() ->
                new dev.suture.SutureException("the new code refers to " + patchedEntity.name()
                        + ", a part of an unchanged function that the original object does not have",
                        "this is a Suture limitation; change the function that part belongs to as well"));
        KernelSymbol k = kernel.of(original);
        String key = k.name() + "," + k.position();
        Integer known = externs.get(key);
        if (known != null) {
            return known;
        }
        String name;
        if (k.global() && "vmlinux".equals(kernel.object()) && exported.test(k.name())) {
            name = k.name();
        } else {
            name = prefix + "klp_" + placeholders.size();
            placeholders.put(name, new SymbolResolver.Resolution.Livepatch(k.name(), kernel.object(), k.position()));
        }
        int at = elf.symbols().add(Symbol.undefined(name, patchedEntity.function() ? Elf.STT_FUNC : Elf.STT_OBJECT,
                Elf.STB_GLOBAL));
        externs.put(key, at);
        return at;
    }

    /**
     * Keeps only the entries of the included functions in every special section, in their order, with their
     * relocations moved along; a static-call site whose key the module loader cannot resolve is dropped (the
     * call then goes through the static call's trampoline, which is just as correct).
     */
    private void compactSpecialSections(Map<Integer, byte[]> data, Map<Integer, List<Relocation>> relocations) {
        Map<Integer, List<SpecialEntries.Entry>> bySection = new LinkedHashMap<>();
        for (SpecialEntries.Entry e : diff.patchedSpecial().all()) {
            bySection.computeIfAbsent(e.sectionIndex(), k -> new ArrayList<>()).add(e);
        }
        for (var entry : bySection.entrySet()) {
            int section = entry.getKey();
            byte[] all = index.section(section).data();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            List<Relocation> moved = new ArrayList<>();
            for (SpecialEntries.Entry e : entry.getValue()) {
                boolean keep = keptEntries.contains(e) || (e.parallel() && e.owner() != null
                        && included.contains(e.owner().key()));
                if (keep && e.section().equals(".static_call_sites") && !staticCallKeyResolvable(e)) {
                    droppedEntries.add(".static_call_sites entry of " + e.owner().name() + " (key not exported)");
                    keep = false;
                }
                if (!keep) {
                    continue;
                }
                long at = bytes.size();
                bytes.write(all, (int) e.offset(), e.size());
                for (Relocation r : rewrite(e.relocations())) {
                    moved.add(r.withOffset(at + r.offset() - e.offset()));
                }
            }
            data.put(section, bytes.toByteArray());
            relocations.put(section, moved);
        }
    }

    private boolean staticCallKeyResolvable(SpecialEntries.Entry e) {
        if (e.relocations().size() < 2) {
            return false;
        }
        return switch (index.target(e.relocations().get(1))) {
            case ObjectIndex.Target.External x -> exported.test(x.name());
            case ObjectIndex.Target.InEntity in -> copied(in.entity());
            case ObjectIndex.Target.Anonymous a -> true;
        };
    }
}
