package dev.suture.patch.source;

import java.util.List;

/**
 * One hunk of a unified diff: where it claims to sit in the original and the patched file (1-based starts;
 * with a count of 0 the start is the line before the hunk's place, as diff writes it), its lines in order,
 * and the line of the diff file its {@code @@} header is on, for messages.
 */
public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<Line> lines, int diffLine) {
    public enum Op { CONTEXT, REMOVED, ADDED }

    /** One hunk line. The text keeps its terminator; it has none where the diff says "\ No newline at end of file". */
    public record Line(Op op, String text) {
    }

    public Hunk {
        lines = List.copyOf(lines);
    }

    /** The header as patch tools print it, with both counts: {@code @@ -12,7 +12,8 @@}. */
    public String header() {
        return "@@ -" + oldStart + "," + oldCount + " +" + newStart + "," + newCount + " @@";
    }

    /** What the original must hold where the hunk applies: its context and removed lines, in order. */
    public List<String> oldLines() {
        return lines.stream().filter(l -> l.op() != Op.ADDED).map(Line::text).toList();
    }

    /** What the patched file holds there instead: context and added lines, in order. */
    public List<String> newLines() {
        return lines.stream().filter(l -> l.op() != Op.REMOVED).map(Line::text).toList();
    }

    /** Context lines before the first change. */
    int leadingContext() {
        int n = 0;
        while (n < lines.size() && lines.get(n).op() == Op.CONTEXT) {
            n++;
        }
        return n;
    }

    /** Context lines after the last change. */
    int trailingContext() {
        int n = 0;
        while (n < lines.size() && lines.get(lines.size() - 1 - n).op() == Op.CONTEXT) {
            n++;
        }
        return n;
    }
}
