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
 * nowhere else in its text is not compiled either, nor one whose other differences are prototypes of functions
 * its text names nowhere else (a function the fix renames, which the unit neither calls nor defines), or types
 * nothing else in it names (a struct a new macro uses). Anything else that differs (a type the unit uses, a
 * variable, a function the unit calls) counts as a change: compiling a unit for
 * nothing costs seconds, missing one would miss a change.
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
        String b = renumbered(collapse(patched));
        if (hash(b) == original.text()) {
            return false;
        }
        List<String> chunks = chunks(b);
        boolean[] dead = null;  // found on the first chunk that needs it: most texts need none
        Map<Long, Integer> before = new HashMap<>();
        for (long c : original.chunks()) {
            before.merge(c & ~1L, 1, Integer::sum);
        }
        Map<Long, Integer> after = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            long h = chunkHash(chunks.get(i)) & ~1L;
            if (after.merge(h, 1, Integer::sum) > before.getOrDefault(h, 0)) {
                dead = dead == null ? deadChunks(chunks, b) : dead;
                if (!dead[i]) {
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
     * top-level chunk in order, its lowest bit set when the chunk cannot reach the object ({@link #deadChunks}).
     * A few dozen kilobytes where the text is megabytes.
     */
    public record Summary(long text, long[] chunks) {
        public static Summary of(String original) {
            String a = renumbered(collapse(original));
            List<String> chunks = PreprocessedChange.chunks(a);
            boolean[] dead = deadChunks(chunks, a);
            long[] hashes = new long[chunks.size()];
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = (chunkHash(chunks.get(i)) & ~1L) | (dead[i] ? 1L : 0L);
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

    private static final java.util.regex.Pattern POINTER_UNION =
            java.util.regex.Pattern.compile("\\bunion \\{ ?((?:[^{};]+; ?)+)\\} ?;");
    private static final java.util.regex.Pattern POINTER_MEMBER =
            java.util.regex.Pattern.compile("(?:const |volatile )?(?:struct |union |enum )?\\w+(?: const)? ?\\*+ ?(?:const )?\\w+");

    /**
     * A chunk's hash, a struct or union definition's taken with every anonymous union of plain pointers counted as
     * its first member: such a union has the size and alignment of one pointer, so wrapping a pointer member in it
     * (with its {@code __rcu} twin, which preprocessing leaves a plain pointer) moves no member and compiles no
     * code differently; code that names the new member differs in its own chunk.
     */
    static long chunkHash(String chunk) {
        if (!(chunk.startsWith("struct ") || chunk.startsWith("union ") || chunk.startsWith("typedef struct ")
                || chunk.startsWith("typedef union ")) || !chunk.contains("union {")) {
            return hash(chunk);
        }
        java.util.regex.Matcher union = POINTER_UNION.matcher(chunk);
        StringBuilder out = new StringBuilder();
        while (union.find()) {
            String[] members = union.group(1).split(";");
            boolean pointers = java.util.Arrays.stream(members).map(String::trim).filter(m -> !m.isEmpty())
                    .allMatch(m -> POINTER_MEMBER.matcher(m).matches());
            union.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(pointers ? members[0].trim() + ";" : union.group()));
        }
        union.appendTail(out);
        return hash(out.toString());
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

    private static final String[] COUNTED = {"__UNIQUE_ID_", "__compiletime_assert_", "__BTF_ID__"};
    /** An initcall's name: {@code __initcall__kmod_inet_fragment__839_219_inet_frag_wq_init0}, the counter first. */
    private static final String INITCALL = "__initcall__kmod_";
    private static final String[] AFTER_A_HEADER_NAME = {"\"), \"i\" (", "\" \":\" \""};

    /**
     * The text with the numbers that say where it is rather than what it does made 0: {@code __COUNTER__}'s (a
     * header's new {@code rcu_dereference} renumbers every {@code __UNIQUE_ID_rcu} and
     * {@code __compiletime_assert_}, {@code __BTF_ID__} and initcall name after it in the unit) and a header's line numbers in WARN's bug table
     * ({@code "i" ("include/net/dst.h"), "i" (231)}) and fortify's messages ({@code "include/net/dst.h" ":" "141"}):
     * three lines added to a struct move every WARN below them. Neither changes code: the object comparison takes a
     * moved line as no change, and counted names are local. A scan for the few markers, as the texts are megabytes.
     */
    static String renumbered(String text) {
        List<int[]> digits = new ArrayList<>();   // [from, to) of each number made 0
        for (String marker : COUNTED) {
            for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
                if (at > 0 && isIdentifierChar(text.charAt(at - 1))) {
                    continue;
                }
                int end = at + marker.length();
                while (end < text.length() && isIdentifierChar(text.charAt(end))) {
                    end++;
                }
                int from = end;
                while (from > at + marker.length() && Character.isDigit(text.charAt(from - 1))) {
                    from--;
                }
                if (from < end) {
                    digits.add(new int[] {from, end});
                }
            }
        }
        for (int at = text.indexOf(INITCALL); at >= 0; at = text.indexOf(INITCALL, at + 1)) {
            int from = text.indexOf("__", at + INITCALL.length());
            int end = from < 0 ? -1 : from + 2;
            while (end >= 0 && end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            if (end > from + 2 && from < at + INITCALL.length() + 64) {
                digits.add(new int[] {from + 2, end});
            }
        }
        for (int at = text.indexOf(".h\""); at >= 0; at = text.indexOf(".h\"", at + 1)) {
            for (String after : AFTER_A_HEADER_NAME) {
                int from = at + 2 + after.length();   // the name's closing quote is the first character of 'after'
                if (text.startsWith(after, at + 2)) {
                    int end = from;
                    while (end < text.length() && Character.isDigit(text.charAt(end))) {
                        end++;
                    }
                    char close = after.endsWith("(") ? ')' : '"';
                    if (end > from && end < text.length() && text.charAt(end) == close) {
                        digits.add(new int[] {from, end});
                    }
                }
            }
        }
        if (digits.isEmpty()) {
            return text;
        }
        digits.sort(java.util.Comparator.comparingInt(d -> d[0]));
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] d : digits) {
            if (d[0] >= copied) {
                out.append(text, copied, d[0]).append('0');
                copied = d[1];
            }
        }
        return out.append(text, copied, text.length()).toString();
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
     * Which chunks cannot reach the object: {@code static inline} functions nothing calls ({@link #deadInlines}),
     * prototypes of functions nothing alive mentions (an unused inline's call does not count), and types nothing
     * else names ({@link DeadTypes}). An unused declaration emits nothing; one whose
     * function the unit defines or calls is mentioned again, so its attributes (a section, {@code __cold}) count.
     * The text is read once for both kinds of name: it is megabytes, and this is most of a comparison's time.
     */
    static boolean[] deadChunks(List<String> chunks, String text) {
        Map<String, List<Integer>> inlines = staticInlines(chunks);
        Map<Integer, String> prototypes = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            String name = prototypeName(chunks.get(i));  // never a definition, so never a dead inline
            if (name != null) {
                prototypes.put(i, name);
            }
        }
        boolean[] dead = new boolean[chunks.size()];
        if (!inlines.isEmpty()) {
            Map<Integer, List<String>> names = byHash(inlines.keySet());
            dead = deadInlines(chunks, inlines, count(text, names), names);
        }
        Map<Integer, List<String>> types = DeadTypes.definitions(chunks, dead);
        if (prototypes.isEmpty() && types.isEmpty()) {
            return dead;
        }
        // Mentions in what is left alive, in one pass: an unused inline's call does not keep a prototype alive
        // (seqlock.h's __scoped_seqlock_bug, called only by the new inline __scoped_seqlock_next), nor does its
        // parameter keep a type alive.
        java.util.Set<String> counted = new java.util.HashSet<>(prototypes.values());
        types.values().forEach(counted::addAll);
        Map<Integer, List<String>> byHash = byHash(counted);
        Map<String, Integer> live = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (!dead[i]) {
                mentions(chunks.get(i), byHash, live);
            }
        }
        for (var e : prototypes.entrySet()) {
            Map<String, Integer> own = new HashMap<>();
            mentions(chunks.get(e.getKey()), byHash, own);
            if (live.getOrDefault(e.getValue(), 0) == own.getOrDefault(e.getValue(), 0)) {
                dead[e.getKey()] = true;
                own.forEach((n, c) -> live.merge(n, -c, Integer::sum));
            }
        }
        DeadTypes.mark(chunks, dead, types, live, byHash);
        return dead;
    }

    private static final Set<String> NOT_IN_A_PROTOTYPE = Set.of("typedef", "_Static_assert", "asm", "__asm__", "__asm",
            "alias", "__alias__");

    /**
     * The function a chunk only declares: {@code [extern] TYPE name(PARAMETERS) [attributes];}, the name right
     * before the chunk's first parenthesis, no body, no initializer, no function pointer, no alias (which would
     * define the name); else null.
     */
    static String prototypeName(String chunk) {
        if (!chunk.endsWith(";") || chunk.indexOf('{') >= 0 || hasTopLevelAssignment(chunk)) {
            return null;
        }
        int paren = chunk.indexOf('(');
        if (paren < 0 || chunk.substring(paren + 1).stripLeading().startsWith("*")) {
            return null;  // none, or a pointer to a function: a variable
        }
        String name = nameBefore(chunk, paren);
        if (name == null || chunk.substring(0, paren).strip().equals(name)) {
            return null;  // no type before the name: a macro's leftover call, not a declaration
        }
        List<String> words = identifiers(chunk);
        if (words.stream().anyMatch(NOT_IN_A_PROTOTYPE::contains)) {
            return null;
        }
        return name;
    }

    /** The chunks that define {@code static inline} functions, by the function's name. */
    private static Map<String, List<Integer>> staticInlines(List<String> chunks) {
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            String name = staticInlineName(chunks.get(i));
            if (name != null) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
            }
        }
        return byName;
    }

    /**
     * Which chunks are {@code static inline} functions the compiler emits no code for: named by nothing else in the
     * text but other such functions ({@code skb_dst_dev_rcu}, itself never called, is the only user of
     * {@code dst_dev_rcu}). Found by taking away the names each dead one uses until no other becomes dead.
     *
     * @param uses the text's uses of {@code names}, at least of every inline's; taken away from as inlines die
     */
    private static boolean[] deadInlines(List<String> chunks, Map<String, List<Integer>> byName, Map<String, Integer> uses,
                                         Map<Integer, List<String>> names) {
        boolean[] dead = new boolean[chunks.size()];
        Map<Integer, Map<String, Integer>> own = new HashMap<>();
        boolean more = !byName.isEmpty();
        while (more) {
            more = false;
            for (var e : byName.entrySet()) {
                for (int i : e.getValue()) {
                    if (dead[i]) {
                        continue;
                    }
                    int total = uses.getOrDefault(e.getKey(), 0);
                    // Its own mentions (a recursive call) are all of its uses: usually none at all.
                    if (total == 0 || total == own.computeIfAbsent(i, k -> count(chunks.get(k), names))
                            .getOrDefault(e.getKey(), 0)) {
                        dead[i] = true;
                        more = true;
                        own.computeIfAbsent(i, k -> count(chunks.get(k), names))
                                .forEach((name, n) -> uses.merge(name, -n, Integer::sum));
                    }
                }
            }
        }
        return dead;
    }

    /** The function a chunk defines when it is a {@code static inline} function's definition, else null. */
    private static String staticInlineName(String chunk) {
        if (!chunk.endsWith("}")) {
            return null;
        }
        int body = chunk.indexOf('{');
        String head = body < 0 ? "" : chunk.substring(0, body);
        List<String> words = identifiers(head);
        if (!words.contains("static") || !(words.contains("inline") || words.contains("__inline") || words.contains("__inline__"))) {
            return null;
        }
        return functionName(head);
    }

    /**
     * How often each identifier is used in a text, in one pass. A tag ({@code enum netdev_reg_state}) is not a use
     * of a function that happens to share its name, nor is anything inside a string literal.
     */
    static Map<String, Integer> uses(String text) {
        return count(text, null);
    }

    /** The uses (see {@link #uses}) of {@code names}, kept by their hash (of every name when null), in one pass. */
    private static Map<String, Integer> count(String text, Map<Integer, List<String>> names) {
        Map<String, Integer> uses = new HashMap<>();
        // The word just before, by its place (made a string only when a counted name follows), and whether stars
        // came after it; prevFrom < 0 when something else came last.
        int prevFrom = -1;
        int prevTo = -1;
        boolean stars = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfLiteral(text, i) + 1;
                prevFrom = -1;
            } else if (isIdentifierChar(c)) {
                int j = i;
                while (j < text.length() && isIdentifierChar(text.charAt(j))) {
                    j++;
                }
                String word = names == null ? text.substring(i, j) : lookUp(text, i, j, names);
                if (word != null && !(prevFrom >= 0 && declared(text.substring(prevFrom, prevTo), stars))) {
                    uses.merge(word, 1, Integer::sum);
                }
                prevFrom = i;
                prevTo = j;
                stars = false;
                i = j;
            } else {
                if (c == '*' && prevFrom >= 0) {
                    stars = true;
                } else if (c != ' ' && c != '\n' && !Character.isWhitespace(c)) {
                    prevFrom = -1;
                }
                i++;
            }
        }
        return uses;
    }

    /** The name of {@code byHash} that {@code text[from, to)} spells, by String's own hash, or null. */
    private static String lookUp(String text, int from, int to, Map<Integer, List<String>> byHash) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + text.charAt(k);
        }
        List<String> candidates = byHash.get(h);
        if (candidates != null) {
            for (String c : candidates) {
                if (c.length() == to - from && text.regionMatches(from, c, 0, c.length())) {
                    return c;
                }
            }
        }
        return null;
    }

    private static final Set<String> BEFORE_AN_EXPRESSION = Set.of("return", "case", "else", "do", "goto", "sizeof",
            "typeof", "__typeof__", "__typeof", "__alignof__", "_Alignof", "__extension__");

    /**
     * Whether a name after {@code word} (and {@code stars} between them) is no use of a function of that name: a tag ({@code enum
     * netdev_reg_state}), or a name declared with a type before it ({@code const struct net_device *dst_dev}, a
     * parameter that shares an inline's name). A word then a name is a declaration unless the word starts an
     * expression ({@code return dst_dev(x)}); stars between them change nothing, as a function is never multiplied.
     */
    private static boolean declared(String word, boolean stars) {
        if (word.equals("enum") || word.equals("struct") || word.equals("union")) {
            return !stars;
        }
        return !BEFORE_AN_EXPRESSION.contains(word) && !Character.isDigit(word.charAt(0));
    }

    /** The identifier right before the first parenthesis that is not an attribute's or a keyword's. */
    private static String functionName(String head) {
        for (int i = head.indexOf('('); i >= 0; i = head.indexOf('(', i + 1)) {
            String word = nameBefore(head, i);
            if (word != null) {
                return word;
            }
        }
        return null;
    }

    /** The identifier just before {@code text[paren]}, spaces between: null when none, or an attribute's or a keyword's. */
    private static String nameBefore(String text, int paren) {
        int end = paren;
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        int begin = end;
        while (begin > 0 && isIdentifierChar(text.charAt(begin - 1))) {
            begin--;
        }
        String word = text.substring(begin, end);
        return word.isEmpty() || Character.isDigit(word.charAt(0)) || NOT_A_NAME.contains(word) ? null : word;
    }

    /** Adds to {@code into} how often each of {@code names} (kept by their hash) is mentioned in a text, literals aside. */
    static void mentions(String text, Map<Integer, List<String>> names, Map<String, Integer> into) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfLiteral(text, i) + 1;
            } else if (isIdentifierChar(c)) {
                int j = i;
                while (j < text.length() && isIdentifierChar(text.charAt(j))) {
                    j++;
                }
                String word = lookUp(text, i, j, names);
                if (word != null) {
                    into.merge(word, 1, Integer::sum);
                }
                i = j;
            } else {
                i++;
            }
        }
    }

    /** Names keyed by String's own hash, as {@link #lookUp} finds them in a text without making strings. */
    static Map<Integer, List<String>> byHash(java.util.Collection<String> names) {
        Map<Integer, List<String>> out = new HashMap<>();
        names.forEach(n -> out.computeIfAbsent(n.hashCode(), k -> new ArrayList<>(1)).add(n));
        return out;
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
        if (c < 128) {  // the texts are C: nearly every character is ASCII, where this is a few comparisons
            return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        return Character.isLetterOrDigit(c);
    }
}
