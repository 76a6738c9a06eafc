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

    /** Every definition, in the order of its opening line. */
    List<Body> all() {
        return List.copyOf(bodies);
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

    /** The innermost definition with a tag whose member lines include {@code line}: the type a member belongs to. */
    Optional<Body> enclosingNamed(int line) {
        Body best = null;
        for (Body b : bodies) {
            if (b.tag() != null && line > b.first() && line < b.last() && (best == null || b.first() > best.first())) {
                best = b;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The definition of {@code kind tag}, if the text has exactly one. */
    Optional<Body> named(String kind, String tag) {
        List<Body> found = bodies.stream().filter(b -> b.kind().equals(kind) && tag != null && tag.equals(b.tag())).toList();
        return found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty();
    }

    /**
     * The member list of a definition in a form two layouts can be compared by: comments and spaces gone, and an
     * anonymous union of plain pointers (each member one {@code TYPE *name}, as an RCU-annotated twin of a
     * pointer is written) counted as its first member: such a union has the size and alignment of one pointer,
     * so wrapping a pointer member in it keeps every offset.
     */
    static String layoutOf(String text, Body body) {
        String[] lines = text.split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (int i = body.first() - 1; i < body.last() && i < lines.length; i++) {
            String code = stripComments(lines[i]).trim();
            if (!code.startsWith("#")) {
                b.append(code).append(' ');
            }
        }
        String members = b.toString().replaceAll("\\s+", " ");
        Matcher union = POINTER_UNION.matcher(members);
        StringBuilder out = new StringBuilder();
        while (union.find()) {
            String first = union.group(1).split(";")[0].trim();
            boolean pointers = java.util.Arrays.stream(union.group(1).split(";")).map(String::trim)
                    .filter(m -> !m.isEmpty()).allMatch(m -> POINTER_MEMBER.matcher(m).matches());
            union.appendReplacement(out, Matcher.quoteReplacement(pointers ? first + ";" : union.group()));
        }
        union.appendTail(out);
        return out.toString().replaceAll("\\s*([*;{}])\\s*", "$1").replaceAll("\\b__rcu\\b", "").replaceAll("\\s+", " ").trim();
    }

    private static final Pattern POINTER_UNION = Pattern.compile("\\bunion \\{([^{}]*)\\} ?;");
    private static final Pattern POINTER_MEMBER = Pattern.compile("(?:const |volatile )?(?:struct |union |enum )?\\w+(?: __rcu)?(?: const)? ?\\*+ ?(?:__rcu ?)?\\w+");

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
