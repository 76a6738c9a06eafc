package dev.suture.patch.source;

import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * How the lines of one file moved when its diff was applied. Lines are 1-based. Every line of the original is
 * either unchanged, and then sits at exactly one patched line, or removed; every patched line is either an
 * unchanged original line or added. Lookups by line are O(1), range questions O(log n).
 */
public final class LineMap {
    /**
     * One changed region: a run of removed and added lines between context lines. A count may be 0; its start
     * is then the line the region sits before (one past the last line when it sits at the end of the file).
     */
    public record Change(int originalStart, int originalCount, int patchedStart, int patchedCount) {
    }

    private final int[] toPatched; // [original line] -> patched line, 0 when removed; [0] unused
    private final int[] toOriginal; // [patched line] -> original line, 0 when added; [0] unused
    private final List<Change> changes;
    private final NavigableSet<Integer> changedOriginal;
    private final NavigableSet<Integer> changedPatched;

    LineMap(int[] toPatched, int[] toOriginal, List<Change> changes) {
        this.toPatched = toPatched;
        this.toOriginal = toOriginal;
        this.changes = List.copyOf(changes);
        this.changedOriginal = lines(this.changes, Change::originalStart, Change::originalCount);
        this.changedPatched = lines(this.changes, Change::patchedStart, Change::patchedCount);
    }

    public int originalLines() {
        return toPatched.length - 1;
    }

    public int patchedLines() {
        return toOriginal.length - 1;
    }

    /**
     * Where an original line is in the patched file; empty when the diff removed (or changed) it, or when the
     * original has no such line (so any number, say a constant that might be a {@code __LINE__}, can be asked).
     */
    public OptionalInt patchedLine(int originalLine) {
        return lookUp(toPatched, originalLine);
    }

    /** Where a patched line was in the original; empty when the diff added it, or there is no such line. */
    public OptionalInt originalLine(int patchedLine) {
        return lookUp(toOriginal, patchedLine);
    }

    private static OptionalInt lookUp(int[] map, int line) {
        int to = line >= 1 && line < map.length ? map[line] : 0;
        return to == 0 ? OptionalInt.empty() : OptionalInt.of(to);
    }

    /**
     * How far an unchanged original line moved: patched line minus original line (what a {@code __LINE__} in it
     * changes by). Empty when the diff removed the line, or there is no such line.
     */
    public OptionalInt shift(int originalLine) {
        OptionalInt patched = patchedLine(originalLine);
        return patched.isPresent() ? OptionalInt.of(patched.getAsInt() - originalLine) : OptionalInt.empty();
    }

    /** The changed regions, in file order. */
    public List<Change> changes() {
        return changes;
    }

    /** Removed original lines, and for a pure insertion the original line it was inserted before. */
    public NavigableSet<Integer> changedOriginalLines() {
        return changedOriginal;
    }

    /** Added patched lines, and for a pure removal the patched line that now follows the gap. */
    public NavigableSet<Integer> changedPatchedLines() {
        return changedPatched;
    }

    /**
     * Whether the diff changes anything within original lines {@code first..last} (say, one function): a line
     * in the range removed, or lines inserted between two lines of the range (not just before or after it).
     */
    public boolean changesOriginal(int first, int last) {
        return touches(first, last, Change::originalStart, Change::originalCount);
    }

    /** Whether any patched line in {@code first..last} was added, or lines were removed between two of them. */
    public boolean changesPatched(int first, int last) {
        return touches(first, last, Change::patchedStart, Change::patchedCount);
    }

    private boolean touches(int first, int last, ToIntFunction<Change> start, ToIntFunction<Change> count) {
        // changes are in file order on both sides, so the first one that could reach `first` is found by halving
        int low = 0;
        int high = changes.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            Change c = changes.get(mid);
            if (start.applyAsInt(c) + Math.max(count.applyAsInt(c), 1) - 1 < first) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        for (int i = low; i < changes.size() && start.applyAsInt(changes.get(i)) <= last; i++) {
            Change c = changes.get(i);
            if (count.applyAsInt(c) > 0 || start.applyAsInt(c) > first) {
                return true;
            }
        }
        return false;
    }

    private static NavigableSet<Integer> lines(List<Change> changes, ToIntFunction<Change> start,
                                               ToIntFunction<Change> count) {
        TreeSet<Integer> lines = new TreeSet<>();
        for (Change c : changes) {
            int from = start.applyAsInt(c);
            lines.add(from);
            for (int line = from + 1; line < from + count.applyAsInt(c); line++) {
                lines.add(line);
            }
        }
        return Collections.unmodifiableNavigableSet(lines);
    }
}
