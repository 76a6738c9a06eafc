package dev.suture.patch.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the struct and union definitions of a C file (kernel style: the tag and the opening brace on one
 * line, members on the lines up to the matching brace) so a change of their member lists can be named.
 */
final class StructBodies {
    private static final Pattern OPENING = Pattern.compile("^\\s*(?:typedef\\s+)?(struct|union)\\s+(\\w+)?\\s*\\{");

    /** A definition: its kind and tag, and the lines (1-based, inclusive) from the opening to the closing brace. */
    record Body(String kind, String tag, int first, int last) {
        String name() {
            return kind + " " + (tag == null ? "(anonymous)" : tag);
        }
    }

    private final List<Body> bodies = new ArrayList<>();

    StructBodies(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OPENING.matcher(lines[i]);
            // A definition at file scope or nested in another; a local variable's "struct x {" in a function is rare
            // in kernel code and counts as well, as its layout is no different.
            if (!m.find()) {
                continue;
            }
            int depth = 0;
            int end = -1;
            for (int j = i; j < lines.length && end < 0; j++) {
                String code = stripComments(lines[j]);
                for (int k = j == i ? m.end() - 1 : 0; k < code.length(); k++) {
                    char c = code.charAt(k);
                    if (c == '{') {
                        depth++;
                    } else if (c == '}' && --depth == 0) {
                        end = j;
                        break;
                    }
                }
            }
            if (end > i) {
                bodies.add(new Body(m.group(1), m.group(2), i + 1, end + 1));
            }
        }
    }

    /** The innermost definition whose member lines include {@code line}. */
    Optional<Body> enclosing(int line) {
        Body best = null;
        for (Body b : bodies) {
            if (line > b.first() && line < b.last() && (best == null || b.first() > best.first())) {
                best = b;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether a line declares something (not blank, not only a comment or a preprocessor line). */
    static boolean declares(String line) {
        String code = stripComments(line).trim();
        return !code.isEmpty() && !code.startsWith("#") && !code.startsWith("*") && !code.startsWith("/*");
    }

    private static String stripComments(String line) {
        String s = line.replaceAll("/\\*.*?\\*/", "");
        int slash = s.indexOf("//");
        return slash >= 0 ? s.substring(0, slash) : s;
    }
}
