package dev.suture.patch.safety;

import java.util.SortedSet;

/**
 * One file of the fix as the rules see it: both texts, the original lines the diff removed or replaced and
 * the patched lines it added.
 */
public record SourceChange(String path, String original, String patched, SortedSet<Integer> removedLines,
                           SortedSet<Integer> addedLines) {
    /** The first changed line of the patched text within {@code [first, last]}, else -1. */
    int firstAddedWithin(int first, int last) {
        SortedSet<Integer> in = addedLines.subSet(first, last + 1);
        return in.isEmpty() ? -1 : in.first();
    }

    /** The line to name for a change somewhere in the file: the first added line, else the first removed one. */
    int firstLine() {
        return !addedLines.isEmpty() ? addedLines.first() : removedLines.isEmpty() ? 0 : removedLines.first();
    }
}
