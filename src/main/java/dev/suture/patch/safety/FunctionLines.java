package dev.suture.patch.safety;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a function's definition is in a C file, kernel style: its header starts at column 0 and names the
 * function before an opening parenthesis, its body ends with a closing brace at column 0. Used to report a
 * change at the line that made it; compiler clones ({@code foo.isra.0}) are found under their source name.
 */
final class FunctionLines {
    private FunctionLines() {
    }

    /** The lines (1-based, inclusive) of the definition, from its header to its closing brace. */
    record Range(int first, int last) {
        boolean contains(int line) {
            return line >= first && line <= last;
        }
    }

    static Optional<Range> find(String text, String symbol) {
        String name = symbol.contains(".") ? symbol.substring(0, symbol.indexOf('.')) : symbol;
        // The name after its type on the line, or first on a line of its own below the type (int\nfoo(...)).
        Pattern header = Pattern.compile("^(?:[A-Za-z_].*)?\\b" + Pattern.quote(name) + "\\s*\\(");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!header.matcher(lines[i]).find() || lines[i].trim().endsWith(";")) {
                continue;
            }
            for (int j = i + 1; j < lines.length; j++) {
                if (lines[j].startsWith("}")) {
                    return Optional.of(new Range(i + 1, j + 1));
                }
                if (lines[j].trim().endsWith(";") && j == i + 1 && !lines[j].startsWith("{") && !lines[j].startsWith("\t")) {
                    break;  // a prototype spread over lines
                }
            }
        }
        return Optional.empty();
    }
}
