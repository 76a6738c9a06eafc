package dev.suture.patch.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which top-level chunks of a preprocessed text define only types nothing else in the unit names: a struct,
 * union or enum definition (or a typedef of one) whose tag, typedef name and enumerators appear in no live chunk,
 * and every bare forward declaration ({@code struct ss_tmp;}). A type emits no code, and GCC leaves an unused one
 * out of the debug info too, so a header that adds such a type (seqlock.h's {@code struct ss_tmp} and
 * {@code enum ss_state}, used only by a new macro and the unused inlines beside it) changes no object of the
 * thousands of units that include it but do not expand the macro.
 *
 * <p>A type named only by other dead chunks (an unused inline's parameter, a dead type's member) is dead as well;
 * the dead chunks found before ({@link PreprocessedChange#deadChunks}: unused inlines and prototypes) count as
 * naming nothing.
 */
final class DeadTypes {
    private static final Pattern DEFINITION = Pattern.compile("^(?:typedef )?(?:struct|union|enum)\\b[^{;=()]*\\{");
    private static final Pattern FORWARD = Pattern.compile("^(?:struct|union|enum) \\w+ ?;$");
    private static final Pattern TAG = Pattern.compile("\\b(?:struct|union|enum) (\\w+) ?\\{");
    private static final Pattern NESTED_ENUM = Pattern.compile("\\benum\\b(?: \\w+)? ?\\{");
    private static final Pattern ENUMERATOR = Pattern.compile("^ ?(\\w+)");
    private static final Pattern ATTRIBUTE = Pattern.compile("__attribute__ ?\\(\\((?:[^()]|\\([^()]*\\))*\\)\\)");

    private DeadTypes() {
    }

    /**
     * The live chunks that define only types, each with the names it defines; every bare forward declaration is
     * marked dead on the way (it declares a tag: no code, no data, and a use declares it just the same).
     */
    static Map<Integer, List<String>> definitions(List<String> chunks, boolean[] dead) {
        Map<Integer, List<String>> defines = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = chunks.get(i);
            if (dead[i] || !(chunk.startsWith("struct") || chunk.startsWith("union") || chunk.startsWith("enum")
                    || chunk.startsWith("typedef"))) {
                continue;
            }
            if (FORWARD.matcher(chunk).matches()) {
                dead[i] = true;
                continue;
            }
            List<String> names = definedNames(chunk);
            if (names != null && !names.isEmpty()) {
                defines.put(i, names);
            }
        }
        return defines;
    }

    /**
     * Marks in {@code dead} the {@code defines} no live chunk names (see the class comment).
     *
     * @param live   the mentions of the defined names (among others) in the chunks alive so far, taken away from
     *               as types die
     * @param byHash the names counted, kept by their hash
     */
    static void mark(List<String> chunks, boolean[] dead, Map<Integer, List<String>> defines, Map<String, Integer> live,
                     Map<Integer, List<String>> byHash) {
        Map<Integer, Map<String, Integer>> own = new HashMap<>();
        for (int i : defines.keySet()) {
            Map<String, Integer> mine = new HashMap<>();
            PreprocessedChange.mentions(chunks.get(i), byHash, mine);
            own.put(i, mine);
        }
        boolean more = !defines.isEmpty();
        while (more) {
            more = false;
            for (var e : defines.entrySet()) {
                int i = e.getKey();
                Map<String, Integer> mine = own.get(i);
                if (!dead[i] && e.getValue().stream().allMatch(n -> live.getOrDefault(n, 0) <= mine.getOrDefault(n, 0))) {
                    dead[i] = true;
                    more = true;
                    mine.forEach((n, c) -> live.merge(n, -c, Integer::sum));
                }
            }
        }
    }

    /**
     * The names a chunk defines when it defines only types: its tags (nested ones too), the typedef's name, the
     * enumerators of its enum; null when it is anything else (it declares a variable, or it nests an enum inside
     * a struct, whose enumerators this does not read).
     */
    static List<String> definedNames(String chunk) {
        if (!chunk.endsWith(";") || !DEFINITION.matcher(chunk).find()) {
            return null;
        }
        int open = chunk.indexOf('{');
        int close = matching(chunk, open);
        if (close < 0) {
            return null;
        }
        List<String> names = new ArrayList<>();
        Matcher tags = TAG.matcher(chunk);
        while (tags.find()) {
            names.add(tags.group(1));
        }
        String body = chunk.substring(open + 1, close);
        boolean isEnum = chunk.startsWith("enum") || chunk.startsWith("typedef enum");
        if (isEnum) {
            for (String item : topLevelItems(body)) {
                Matcher m = ENUMERATOR.matcher(item);
                if (m.find()) {
                    names.add(m.group(1));
                }
            }
        } else if (NESTED_ENUM.matcher(body).find()) {
            return null;
        }
        String after = ATTRIBUTE.matcher(chunk.substring(close + 1, chunk.length() - 1)).replaceAll(" ").strip();
        if (chunk.startsWith("typedef ")) {
            if (!after.matches("\\w+")) {
                return null;  // several names, a pointer or an array: not worth reading
            }
            names.add(after);
        } else if (!after.isEmpty()) {
            return null;  // a variable of the type
        }
        return names;
    }

    private static int matching(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                return -1;  // a literal in a type: rare, and not worth reading
            }
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The comma-separated items of an enum's body, commas inside parentheses not counting. */
    private static List<String> topLevelItems(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(body.substring(start, i));
                start = i + 1;
            }
        }
        if (!body.substring(start).isBlank()) {
            out.add(body.substring(start));
        }
        return out;
    }
}
