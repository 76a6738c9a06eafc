package dev.suture.patch.source;

import java.util.ArrayList;
import java.util.List;

/**
 * Text as kernel trees and diffs hold it. Lines keep their own terminators, so a CRLF line or a last line
 * without a newline survives matching and patching byte for byte.
 */
final class Text {
    private static final int SHOWN = 100;

    private Text() {
    }

    /** The lines of a text, each with its terminator; the last has none when the text does not end in '\n'. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    /** A line without its terminator, '\n' or "\r\n": how header lines are read, whatever the diff's line ends. */
    static String bare(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
            if (end > 0 && line.charAt(end - 1) == '\r') {
                end--;
            }
        }
        return line.substring(0, end);
    }

    /**
     * A line quoted for a one-line message: the '\n' dropped, tabs and carriage returns spelled out (so a
     * CRLF or tabs-versus-spaces mismatch is visible), long lines cut.
     */
    static String show(String line) {
        String text = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < text.length() && i < SHOWN; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\t' -> shown.append("\\t");
                case '\r' -> shown.append("\\r");
                case '"' -> shown.append("\\\"");
                case '\\' -> shown.append("\\\\");
                default -> shown.append(c < ' ' ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        shown.append(text.length() > SHOWN ? "...\"" : "\"");
        return line.endsWith("\n") ? shown.toString() : shown + " (no newline at end of file)";
    }
}
