package dev.suture.patch.safety;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a variable's definition is in a C file, kernel style: at column 0, its type words, then its name (with
 * array bounds and attributes such as {@code __read_mostly}), then an initializer up to the {@code ;} that closes
 * it. Used to report a changed initializer at the line of the change, not at the name's first mention (often a
 * comment at the top of the file).
 */
final class DataLines {
    private DataLines() {
    }

    static Optional<FunctionLines.Range> find(String text, String symbol) {
        String name = symbol.contains(".") ? symbol.substring(0, symbol.indexOf('.')) : symbol;
        Pattern definition = Pattern.compile("^(?!extern\\b)[A-Za-z_][\\w\\s*]*\\b" + Pattern.quote(name)
                + "\\s*(?:\\[[^\\]]*\\]\\s*)*(?:=|;|\\s__\\w|$)");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int assign = lines[i].indexOf('=');
            if (!definition.matcher(lines[i]).find() || (assign < 0 ? lines[i] : lines[i].substring(0, assign)).contains("(")) {
                continue;
            }
            int depth = 0;
            for (int j = i; j < lines.length; j++) {
                for (char c : lines[j].toCharArray()) {
                    if (c == '{') {
                        depth++;
                    } else if (c == '}') {
                        depth--;
                    } else if (c == ';' && depth <= 0) {
                        return Optional.of(new FunctionLines.Range(i + 1, j + 1));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
