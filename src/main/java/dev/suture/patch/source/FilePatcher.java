package dev.suture.patch.source;

import dev.suture.SutureException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one file's hunks to its text the way GNU patch does without fuzz: a hunk's context and removed lines
 * must match exactly, first where its header says (moved by the offset the hunk before it needed), else at the
 * nearest offset either way; hunks apply in order, so each is looked for only past the one before. A hunk whose
 * leading context is shorter than its trailing context was cut off by the top of the file and must apply
 * there; one with no trailing context at all must end at the end of the file.
 */
final class FilePatcher {
    private final FileDiff diff;
    private final String path;
    private final String rebase;
    private final List<String> source;
    private final List<String> out = new ArrayList<>();
    private final int[] toPatched;
    private final List<LineMap.Change> changes = new ArrayList<>();

    private FilePatcher(FileDiff diff, String path, String original, String rebase) {
        this.diff = diff;
        this.path = path;
        this.rebase = rebase;
        this.source = Text.lines(original);
        this.toPatched = new int[source.size() + 1];
    }

    /**
     * The file at {@code path} patched by {@code diff}. {@code original} is null for an added file;
     * {@code tree} names the source tree and {@code rebase} is the fix offered when the diff does not fit it.
     */
    static PatchedFile apply(FileDiff diff, String path, String original, String tree, String rebase) {
        FilePatcher patcher = new FilePatcher(diff, path, original == null ? "" : original, rebase);
        String patched = patcher.applyHunks();
        if (diff.kind() == FileDiff.Kind.DELETED && !patched.isEmpty()) {
            throw new SutureException(path + ": the diff deletes the file, but " + tree + " has "
                    + patcher.out.size() + " more lines in it than the diff removes", rebase);
        }
        return new PatchedFile(path, original, diff.kind() == FileDiff.Kind.DELETED ? null : patched,
                patcher.lineMap());
    }

    private String applyHunks() {
        int cursor = 0; // source lines before it are settled: copied, or consumed by a hunk
        int offset = 0;
        for (int i = 0; i < diff.hunks().size(); i++) {
            Hunk hunk = diff.hunks().get(i);
            List<String> expected = hunk.oldLines();
            int stated = hunk.oldCount() == 0 ? hunk.oldStart() : hunk.oldStart() - 1;
            int at = locate(hunk, expected, stated + offset, cursor);
            if (at < 0) {
                throw notApplying(i + 1, hunk, expected, stated, cursor);
            }
            copy(cursor, at);
            splice(hunk, at);
            cursor = at + expected.size();
            offset = at - stated;
            if (!out.isEmpty() && !out.getLast().endsWith("\n") && cursor < source.size()) {
                throw new SutureException(describe(i + 1, hunk) + "ends the file without a newline, but the file"
                        + " goes on after line " + cursor, rebase);
            }
        }
        copy(cursor, source.size());
        return String.join("", out);
    }

    /** The 0-based source index the hunk's expected lines start at, or -1 when it applies nowhere. */
    private int locate(Hunk hunk, List<String> expected, int guess, int cursor) {
        int last = source.size() - expected.size(); // the highest index the lines fit at
        if (expected.isEmpty()) {
            return guess >= cursor && guess <= source.size() ? guess : -1;
        }
        if (anchoredAtTop(hunk)) {
            return cursor == 0 && last >= 0 && matches(expected, 0) ? 0 : -1;
        }
        if (anchoredAtBottom(hunk)) {
            return last >= cursor && matches(expected, last) ? last : -1;
        }
        // start at the first distance that reaches the allowed range, so a far-off header costs nothing
        for (int d = Math.max(0, Math.max(guess - last, cursor - guess)); guess + d <= last || guess - d >= cursor; d++) {
            int after = guess + d;
            int before = guess - d;
            if (after >= cursor && after <= last && matches(expected, after)) {
                return after;
            }
            if (d > 0 && before >= cursor && before <= last && matches(expected, before)) {
                return before;
            }
        }
        return -1;
    }

    private static boolean anchoredAtTop(Hunk hunk) {
        return hunk.leadingContext() < hunk.trailingContext() && hunk.oldStart() <= 1;
    }

    /**
     * Only a hunk with no trailing context at all is held to the end of the file, as git apply holds it: a hunk
     * whose trailing context is merely shorter (3 lines before, 2 after, as hand edits make) applies wherever it
     * matches, as both patch and git apply take it.
     */
    private static boolean anchoredAtBottom(Hunk hunk) {
        return hunk.trailingContext() == 0 && hunk.leadingContext() > 0;
    }

    private boolean matches(List<String> expected, int at) {
        for (int k = 0; k < expected.size(); k++) {
            if (!source.get(at + k).equals(expected.get(k))) {
                return false;
            }
        }
        return true;
    }

    private void copy(int from, int to) {
        for (int i = from; i < to; i++) {
            out.add(source.get(i));
            toPatched[i + 1] = out.size();
        }
    }

    /** Writes the hunk's new lines in place of its old ones at {@code at}, noting each changed region. */
    private void splice(Hunk hunk, int at) {
        int next = at;
        int regionOriginal = -1;
        int regionPatched = -1;
        for (Hunk.Line line : hunk.lines()) {
            if (line.op() == Hunk.Op.CONTEXT) {
                if (regionOriginal >= 0) {
                    region(regionOriginal, next, regionPatched);
                    regionOriginal = -1;
                }
                copy(next, next + 1);
                next++;
                continue;
            }
            if (regionOriginal < 0) {
                regionOriginal = next;
                regionPatched = out.size();
            }
            if (line.op() == Hunk.Op.REMOVED) {
                next++;
            } else {
                out.add(line.text());
            }
        }
        if (regionOriginal >= 0) {
            region(regionOriginal, next, regionPatched);
        }
    }

    private void region(int originalFrom, int originalTo, int patchedFrom) {
        changes.add(new LineMap.Change(originalFrom + 1, originalTo - originalFrom, patchedFrom + 1,
                out.size() - patchedFrom));
    }

    private LineMap lineMap() {
        int[] toOriginal = new int[out.size() + 1];
        for (int line = 1; line < toPatched.length; line++) {
            if (toPatched[line] != 0) {
                toOriginal[toPatched[line]] = line;
            }
        }
        return new LineMap(toPatched, toOriginal, changes);
    }

    /**
     * Says where the hunk was to apply (its header's line, or the top or bottom it is cut off at) and the first
     * of its lines the file does not have there.
     */
    private SutureException notApplying(int number, Hunk hunk, List<String> expected, int stated, int cursor) {
        int where = Math.max(0, anchoredAtTop(hunk) ? 0
                : anchoredAtBottom(hunk) ? source.size() - expected.size() : stated);
        String what = describe(number, hunk);
        String place = anchoredAtTop(hunk) ? "at the top of the file"
                : anchoredAtBottom(hunk) ? "at the end of the file" : "at line " + (where + 1) + " or at any offset";
        for (int k = 0; k < expected.size(); k++) {
            if (where + k >= source.size()) {
                return new SutureException(what + "does not apply " + place + ": the diff expects "
                        + Text.show(expected.get(k)) + " at line " + (where + k + 1) + ", but the file has only "
                        + source.size() + " lines", rebase);
            }
            if (!source.get(where + k).equals(expected.get(k))) {
                return new SutureException(what + "does not apply " + place + ": at line " + (where + k + 1)
                        + " the diff expects " + Text.show(expected.get(k)) + " but the file has "
                        + Text.show(source.get(where + k)), rebase);
            }
        }
        if (expected.isEmpty()) {
            return new SutureException(what + "inserts after line " + stated + ", but moved by the offset of the"
                    + " hunks before it that is past the end of the file (" + source.size() + " lines) or inside what"
                    + " they changed", rebase);
        }
        // its lines are there, but only where the hunk before it has already been applied
        return new SutureException(what + "fits only at line " + (where + 1) + ", inside what hunk #"
                + (number - 1) + " already changed (it ends at line " + cursor + ")", rebase);
    }

    private String describe(int number, Hunk hunk) {
        return path + ": hunk #" + number + " (" + hunk.header() + ", diff line " + hunk.diffLine() + ") ";
    }
}
