package dev.suture.patch.diff;

import dev.suture.elf.Relocation;
import dev.suture.elf.Section;
import dev.suture.kernel.build.SpecialSectionLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compares the original and the patched object of one unit, function by function and object by object:
 * code bytes, what every relocation refers to (by name, key or string contents, never by index), and the
 * function's entries in the special sections. A difference that is only a line number of this file moved
 * by exactly what the diff moved it by (a WARN's bug-table line, an immediate passed to
 * {@code __might_sleep}, the line inside a {@code file:line} string, a dynamic-debug descriptor's line) does
 * not count: the kernel keeps its own, correct, line for unchanged code ({@link MovedLines}).
 */
public final class ObjectDiff {
    private final ObjectIndex original;
    private final ObjectIndex patched;
    private final SpecialEntries originalSpecial;
    private final SpecialEntries patchedSpecial;
    private final SpecialSectionLayout layout;
    private final MovedLines moved;

    /** Whether an unchanged line of the original file moved from {@code from} to {@code to} in the patched one. */
    @FunctionalInterface
    public interface LineShift {
        boolean moved(int from, int to);

        LineShift NONE = (a, b) -> false;
    }

    public ObjectDiff(ObjectIndex original, ObjectIndex patched, SpecialSectionLayout layout, LineShift lines) {
        this.original = original;
        this.patched = patched;
        this.layout = layout;
        this.moved = new MovedLines(lines);
        this.originalSpecial = new SpecialEntries(original, layout);
        this.patchedSpecial = new SpecialEntries(patched, layout);
    }

    public ObjectIndex original() {
        return original;
    }

    public SpecialEntries patchedSpecial() {
        return patchedSpecial;
    }

    /** The decision for every function and data object of either object; cold parts count as their owner. */
    public List<Decision> decide() {
        List<Decision> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ObjectIndex.Entity p : patched.entities()) {
            if (p.function() && Names.isColdPart(p.name())) {
                continue;
            }
            seen.add(p.key());
            Optional<ObjectIndex.Entity> o = original.byKey(p.key());
            if (o.isEmpty() || o.get().function() != p.function()) {
                out.add(new Decision(p.key(), null, p, Change.NEW, "not in the original object"));
                continue;
            }
            String why = p.function() ? compareFunction(o.get(), p) : compareData(o.get(), p);
            out.add(why == null
                    ? new Decision(p.key(), o.get(), p, Change.UNCHANGED, "")
                    : why.startsWith(LINE_ONLY)
                    ? new Decision(p.key(), o.get(), p, Change.UNCHANGED, why)
                    : new Decision(p.key(), o.get(), p, Change.CHANGED, why));
        }
        for (ObjectIndex.Entity o : original.entities()) {
            if (!seen.contains(o.key()) && !(o.function() && Names.isColdPart(o.name()))) {
                out.add(new Decision(o.key(), o, null, Change.DELETED, "not in the patched object"));
            }
        }
        return out;
    }

    private static final String LINE_ONLY = "only line numbers moved";

    /** Null when equal, a reason starting with {@link #LINE_ONLY} when only line numbers moved, else why. */
    private String compareFunction(ObjectIndex.Entity o, ObjectIndex.Entity p) {
        boolean lineOnly = false;
        String why = compareBody(o, p);
        if (why == null || why.equals(LINE_ONLY)) {
            lineOnly = why != null;
            Optional<ObjectIndex.Entity> oc = original.byKey(o.key() + ".cold");
            Optional<ObjectIndex.Entity> pc = patched.byKey(p.key() + ".cold");
            if (oc.isPresent() != pc.isPresent()) {
                why = pc.isPresent() ? "gained a .cold part" : "lost its .cold part";
            } else if (oc.isPresent()) {
                String cold = compareBody(oc.get(), pc.get());
                if (cold != null && !cold.equals(LINE_ONLY)) {
                    why = "cold part: " + cold;
                } else {
                    why = null;
                    lineOnly |= cold != null;
                }
            } else {
                why = null;
            }
        }
        if (why == null) {
            why = compareEntries(o, p);
            if (why != null && why.equals(LINE_ONLY)) {
                lineOnly = true;
                why = null;
            }
        }
        if (why == null) {
            return lineOnly ? LINE_ONLY + " (the kernel keeps the old, correct, line numbers)" : null;
        }
        return why;
    }

    private String compareBody(ObjectIndex.Entity o, ObjectIndex.Entity p) {
        if (o.size() != p.size()) {
            return "size " + o.size() + " → " + p.size() + " bytes";
        }
        String references = compareReferences(o, p);
        if (references != null && !references.equals(LINE_ONLY)) {
            return references;
        }
        byte[] a = original.bytes(o);
        byte[] b = patched.bytes(p);
        if (Arrays.equals(a, b)) {
            return references;
        }
        return moved.inImmediates(a, b) ? LINE_ONLY : "code differs at +0x" + Long.toHexString(Arrays.mismatch(a, b));
    }

    /**
     * Compares what the relocations inside two entities refer to, in order: null when all are the same,
     * {@link #LINE_ONLY} when some differ only by a string's moved line numbers, else the first difference.
     */
    private String compareReferences(ObjectIndex.Entity o, ObjectIndex.Entity p) {
        List<Relocation> ro = original.relocationsIn(o);
        List<Relocation> rp = patched.relocationsIn(p);
        boolean lineOnly = false;
        for (int i = 0; i < Math.min(ro.size(), rp.size()); i++) {
            String a = "+0x" + Long.toHexString(ro.get(i).offset() - o.start()) + " " + original.describe(ro.get(i));
            String b = "+0x" + Long.toHexString(rp.get(i).offset() - p.start()) + " " + patched.describe(rp.get(i));
            if (a.equals(b)) {
                continue;
            }
            if (sameStringButMovedLines(ro.get(i), o, rp.get(i), p)) {
                lineOnly = true;
                continue;
            }
            return "reference " + a + " → " + b;
        }
        if (ro.size() != rp.size()) {
            return ro.size() + " → " + rp.size() + " relocations";
        }
        return lineOnly ? LINE_ONLY : null;
    }

    /** Both relocations sit at the same place, of the same kind, on strings that differ only by moved lines. */
    private boolean sameStringButMovedLines(Relocation ro, ObjectIndex.Entity o, Relocation rp, ObjectIndex.Entity p) {
        if (ro.offset() - o.start() != rp.offset() - p.start() || ro.type() != rp.type()
                || original.bias(ro) != patched.bias(rp)) {
            return false;
        }
        Optional<String> a = original.string(ro);
        Optional<String> b = patched.string(rp);
        return a.isPresent() && b.isPresent() && moved.inText(a.get(), b.get());
    }

    /** Compares the special-section entries describing a function and its cold part. */
    private String compareEntries(ObjectIndex.Entity o, ObjectIndex.Entity p) {
        List<SpecialEntries.Entry> eo = new ArrayList<>(originalSpecial.of(o));
        List<SpecialEntries.Entry> ep = new ArrayList<>(patchedSpecial.of(p));
        original.byKey(o.key() + ".cold").ifPresent(c -> eo.addAll(originalSpecial.of(c)));
        patched.byKey(p.key() + ".cold").ifPresent(c -> ep.addAll(patchedSpecial.of(c)));
        if (eo.size() != ep.size()) {
            return "special-section entries " + eo.size() + " → " + ep.size();
        }
        boolean lineOnly = false;
        for (int i = 0; i < eo.size(); i++) {
            SpecialEntries.Entry x = eo.get(i);
            SpecialEntries.Entry y = ep.get(i);
            if (!x.section().equals(y.section())) {
                return "special-section entries differ: " + x.section() + " → " + y.section();
            }
            List<String> rx = x.relocations().stream().map(r -> (r.offset() - x.offset()) + " " + original.describe(r)).toList();
            List<String> ry = y.relocations().stream().map(r -> (r.offset() - y.offset()) + " " + patched.describe(r)).toList();
            if (!rx.equals(ry)) {
                return x.section() + " entry differs: " + rx + " → " + ry;
            }
            byte[] bx = entryBytes(original, x);
            byte[] by = entryBytes(patched, y);
            if (Arrays.equals(bx, by)) {
                continue;
            }
            int line = layout.bugEntryLineOffset();
            if (x.section().equals("__bug_table") && line > 0 && line + 2 <= bx.length) {
                int lx = ByteBuffer.wrap(bx).order(ByteOrder.LITTLE_ENDIAN).getShort(line) & 0xffff;
                int ly = ByteBuffer.wrap(by).order(ByteOrder.LITTLE_ENDIAN).getShort(line) & 0xffff;
                byte[] cx = bx.clone();
                byte[] cy = by.clone();
                cx[line] = cx[line + 1] = cy[line] = cy[line + 1] = 0;
                if (Arrays.equals(cx, cy) && moved.moved(lx, ly)) {
                    lineOnly = true;
                    continue;
                }
                if (Arrays.equals(cx, cy)) {
                    return "WARN/BUG at line " + lx + " → " + ly;
                }
            }
            return x.section() + " entry differs (flags or data)";
        }
        return lineOnly ? LINE_ONLY : null;
    }

    private static byte[] entryBytes(ObjectIndex index, SpecialEntries.Entry e) {
        Section s = index.section(e.sectionIndex());
        byte[] all = s.data();
        byte[] bytes = Arrays.copyOfRange(all, (int) e.offset(), (int) (e.offset() + e.size()));
        for (Relocation r : e.relocations()) {
            int at = (int) (r.offset() - e.offset());
            for (int k = at; k < Math.min(bytes.length, at + 4); k++) {
                bytes[k] = 0;  // RELA fields hold zeros already; a REL-style leftover must not count
            }
        }
        return bytes;
    }

    private String compareData(ObjectIndex.Entity o, ObjectIndex.Entity p) {
        if (o.size() != p.size()) {
            return "size " + o.size() + " → " + p.size() + " bytes";
        }
        boolean bssO = original.section(o.section()).isNoBits();
        boolean bssP = patched.section(p.section()).isNoBits();
        if (bssO != bssP) {
            return bssO ? "gained an initializer" : "lost its initializer";
        }
        String references = compareReferences(o, p);
        if (references != null && !references.equals(LINE_ONLY)) {
            return "initializer references changed: " + references;
        }
        byte[] a = original.bytes(o);
        byte[] b = patched.bytes(p);
        if (Arrays.equals(a, b)) {
            return references == null ? null : LINE_ONLY + " (in the strings it points to)";
        }
        if (original.namesSourceFile(o) && moved.inData(a, b)) {
            return LINE_ONLY + " (the kernel keeps the old, correct, line numbers)";
        }
        return "initializer differs at +0x" + Long.toHexString(Arrays.mismatch(a, b));
    }

    /** What happened to one function or data object. */
    public enum Change { UNCHANGED, CHANGED, NEW, DELETED }

    /**
     * One entity's fate: its key, the original (null if new), the patched one (null if deleted), the change and
     * why (the first differing reference, byte, size or special-section entry).
     */
    public record Decision(String key, ObjectIndex.Entity original, ObjectIndex.Entity patched, Change change,
                           String reason) {
        public boolean function() {
            return (patched != null ? patched : original).function();
        }

        public String name() {
            return (patched != null ? patched : original).name();
        }
    }
}
