package dev.suture.patch.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a header change can change a unit's object, judged from the unit's preprocessed text before and after
 * it (without line markers). Comments, macros nobody expands and moved lines never reach that text, so a unit
 * whose text is the same is not compiled at all. A header change usually also adds or changes a
 * {@code static inline} function most of its includers never call; such a definition is not compiled into
 * their objects, so a unit whose only differences are definitions of {@code static inline} functions named
 * nowhere else in its text is not compiled either. Anything else that differs (a declaration, a type, a
 * function the unit calls) counts as a change: compiling a unit for nothing costs seconds, missing one would
 * miss a change.
 */
public final class PreprocessedChange {
    private static final Set<String> NOT_A_NAME = Set.of("__attribute__", "__attribute", "__typeof__", "__typeof",
            "typeof", "asm", "__asm__", "__asm", "_Static_assert", "__alignof__", "_Alignas", "sizeof");

    private PreprocessedChange() {
    }

    /** True when the unit may compile differently: see the class comment. */
    public static boolean mayChangeObject(String original, String patched) {
        return mayChangeObject(Summary.of(original), patched);
    }

    /** The same judgement against the summary of the original text, which can be kept instead of the text. */
    public static boolean mayChangeObject(Summary original, String patched) {
        String b = collapse(patched);
        if (hash(b) == original.text()) {
            return false;
        }
        List<String> chunks = chunks(b);
        Map<String, Integer> uses = null;  // counted on the first chunk that needs it: most texts need none
        Map<Long, Integer> before = new HashMap<>();
        for (long c : original.chunks()) {
            before.merge(c & ~1L, 1, Integer::sum);
        }
        Map<Long, Integer> after = new HashMap<>();
        for (String chunk : chunks) {
            long h = hash(chunk) & ~1L;
            if (after.merge(h, 1, Integer::sum) > before.getOrDefault(h, 0)) {
                uses = uses == null ? uses(b) : uses;
                if (!unusedStaticInline(chunk, uses)) {
                    return true;  // new or changed, and the unit may compile it
                }
            }
        }
        for (long c : original.chunks()) {
            long h = c & ~1L;
            if (before.getOrDefault(h, 0) > after.getOrDefault(h, 0) && (c & 1L) == 0) {
                return true;  // gone or changed, and the unit may have compiled it
            }
        }
        return false;
    }

    /**
     * What the comparison needs of an original text: a hash of the whole (collapsed) text, and one hash per
     * top-level chunk in order, its lowest bit set when the chunk is a {@code static inline} function nothing else
     * names. A few dozen kilobytes where the text is megabytes.
     */
    public record Summary(long text, long[] chunks) {
        public static Summary of(String original) {
            String a = collapse(original);
            List<String> chunks = PreprocessedChange.chunks(a);
            Map<String, Integer> uses = uses(a);
            long[] hashes = new long[chunks.size()];
            for (int i = 0; i < hashes.length; i++) {
                String chunk = chunks.get(i);
                hashes[i] = (hash(chunk) & ~1L) | (unusedStaticInline(chunk, uses) ? 1L : 0L);
            }
            return new Summary(hash(a), hashes);
        }

        public void write(java.io.DataOutputStream out) throws java.io.IOException {
            out.writeLong(text);
            out.writeInt(chunks.length);
            for (long c : chunks) {
                out.writeLong(c);
            }
        }

        public static Summary read(java.io.DataInputStream in) throws java.io.IOException {
            long text = in.readLong();
            long[] chunks = new long[in.readInt()];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = in.readLong();
            }
            return new Summary(text, chunks);
        }
    }

    /** A 64-bit hash of a text (FNV-1a over its chars, then mixed): collisions among a unit's chunks are not a concern. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Whitespace runs made one space, so that layout alone never differs; a line the preprocessor kept as a
     * directive ({@code #pragma}) stays a line of its own.
     */
    static String collapse(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (String line : (Iterable<String>) text.lines()::iterator) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            boolean directive = t.charAt(0) == '#';
            if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                out.append(directive ? '\n' : ' ');
            }
            boolean space = false;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (Character.isWhitespace(c)) {
                    space = true;
                    continue;
                }
                if (space) {
                    out.append(' ');
                }
                space = false;
                if (c == '"' || c == '\'') {
                    int end = endOfLiteral(t, i);  // a literal's spaces are its text: copied as they are
                    out.append(t, i, end + 1);
                    i = end;
                } else {
                    out.append(c);
                }
            }
            if (directive) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The top-level declarations and definitions of a collapsed text, in order: each ends at a {@code ;} outside
     * braces and parentheses, or at the closing brace of a function body (a body whose head has parentheses and
     * no initializer's {@code =}). A {@code #pragma} the preprocessor kept is a chunk of its own.
     */
    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int braces = 0;
        int parens = 0;
        boolean headDone = false;
        boolean function = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"', '\'' -> i = endOfLiteral(text, i);
                case '#' -> {
                    if (braces == 0 && parens == 0 && i == firstNonSpace(text, start)) {
                        int eol = text.indexOf('\n', i);
                        i = eol < 0 ? text.length() - 1 : eol;
                        out.add(text.substring(start, i + 1).strip());
                        start = i + 1;
                    }
                }
                case '(' -> parens++;
                case ')' -> parens = Math.max(0, parens - 1);
                case '{' -> {
                    if (braces == 0 && parens == 0 && !headDone) {
                        String head = text.substring(start, i);
                        function = head.contains(")") && !hasTopLevelAssignment(head);
                        headDone = true;
                    }
                    braces++;
                }
                case '}' -> {
                    braces = Math.max(0, braces - 1);
                    if (braces == 0 && parens == 0 && function) {
                        out.add(text.substring(start, i + 1).strip());
                        start = i + 1;
                        headDone = false;
                        function = false;
                    }
                }
                case ';' -> {
                    if (braces == 0 && parens == 0) {
                        out.add(text.substring(start, i + 1).strip());
                        start = i + 1;
                        headDone = false;
                        function = false;
                    }
                }
                default -> {
                }
            }
        }
        String rest = text.substring(Math.min(start, text.length())).strip();
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    private static int firstNonSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index of the quote that closes the string or character literal opened at {@code open}. */
    private static int endOfLiteral(String text, int open) {
        char quote = text.charAt(open);
        for (int i = open + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return text.length() - 1;
    }

    private static boolean hasTopLevelAssignment(String head) {
        int parens = 0;
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c == '(') {
                parens++;
            } else if (c == ')') {
                parens--;
            } else if (c == '=' && parens == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a chunk is the definition of a {@code static inline} function that nothing else in the text names
     * (not a call, not its address, not another definition's body; {@code uses} counts the text's names, see
     * {@link #uses}): the compiler emits no code for it.
     */
    static boolean unusedStaticInline(String chunk, Map<String, Integer> uses) {
        if (!chunk.endsWith("}")) {
            return false;
        }
        int body = chunk.indexOf('{');
        String head = body < 0 ? "" : chunk.substring(0, body);
        List<String> words = identifiers(head);
        if (!words.contains("static") || !(words.contains("inline") || words.contains("__inline") || words.contains("__inline__"))) {
            return false;
        }
        String name = functionName(head);
        return name != null && uses.getOrDefault(name, 0) == uses(chunk).getOrDefault(name, 0);
    }

    /**
     * How often each identifier is used in a text, in one pass. A tag ({@code enum netdev_reg_state}) is not a use
     * of a function that happens to share its name, nor is anything inside a string literal.
     */
    static Map<String, Integer> uses(String text) {
        Map<String, Integer> uses = new HashMap<>();
        String previous = "";
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfLiteral(text, i) + 1;
                previous = "";
            } else if (isIdentifierChar(c)) {
                int j = i;
                while (j < text.length() && isIdentifierChar(text.charAt(j))) {
                    j++;
                }
                String word = text.substring(i, j);
                if (!previous.equals("enum") && !previous.equals("struct") && !previous.equals("union")) {
                    uses.merge(word, 1, Integer::sum);
                }
                previous = word;
                i = j;
            } else {
                if (!Character.isWhitespace(c)) {
                    previous = "";
                }
                i++;
            }
        }
        return uses;
    }

    /** The identifier right before the first parenthesis that is not an attribute's or a keyword's. */
    private static String functionName(String head) {
        for (int i = head.indexOf('('); i >= 0; i = head.indexOf('(', i + 1)) {
            int end = i;
            while (end > 0 && head.charAt(end - 1) == ' ') {
                end--;
            }
            int begin = end;
            while (begin > 0 && isIdentifierChar(head.charAt(begin - 1))) {
                begin--;
            }
            String word = head.substring(begin, end);
            if (!word.isEmpty() && !Character.isDigit(word.charAt(0)) && !NOT_A_NAME.contains(word)) {
                return word;
            }
        }
        return null;
    }

    private static List<String> identifiers(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (isIdentifierChar(text.charAt(i))) {
                int j = i;
                while (j < text.length() && isIdentifierChar(text.charAt(j))) {
                    j++;
                }
                out.add(text.substring(i, j));
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    private static boolean isIdentifierChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
