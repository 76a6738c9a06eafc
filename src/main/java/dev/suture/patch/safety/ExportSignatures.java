package dev.suture.patch.safety;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The export-signature rule: a unit's exported symbol whose modversions CRC changes is refused, as modules built
 * against the old signature would call the new code wrongly. genksyms hashes the whole expanded type of an export,
 * so a change of any struct its parameters reach changes the CRC, even one that keeps every offset (a pointer
 * wrapped in an anonymous union with its {@code __rcu} twin, as stable did to {@code dst_entry.dev}, changes the
 * CRC of every export that takes a socket buffer). Such a CRC change is no change of the calling convention when
 * the exported function's own declaration reads as before and every type the fix changes keeps its layout: then
 * the export is not refused. An exported variable is compared by its declaration up to its initializer.
 */
final class ExportSignatures {
    private static final Pattern ENUM_OPENING = Pattern.compile("^\\s*(?:typedef\\s+)?enum\\b[^;]*\\{");
    private static final Pattern TYPEDEF = Pattern.compile("^\\s*typedef\\b");

    private ExportSignatures() {
    }

    static void review(SafetyRules.UnitReview u, boolean typesKeepLayout, List<Refusal> out) {
        for (var e : u.originalVersions().entrySet()) {
            String now = u.patchedVersions().get(e.getKey());
            if (Objects.equals(now, e.getValue())) {
                continue;
            }
            if (now != null && typesKeepLayout && sameDeclaration(u.source(), e.getKey())) {
                continue;
            }
            int line = SafetyRules.firstMention(u.source().patched(), e.getKey(), u.source());
            out.add(new Refusal(Refusal.Rule.EXPORT_SIGNATURE, u.source().path(), line,
                    now == null ? "the fix stops exporting " + e.getKey() + ", which loaded modules may use"
                            : "the signature of exported " + e.getKey() + " changes (modversions CRC " + e.getValue() + " → " + now
                            + "): modules built against the old one would call it wrongly",
                    "keep the exported signature; add a new function with the new signature and call it from the old one"));
        }
    }

    /**
     * Whether every type the fix changes keeps its layout: each changed member line lies in a struct or union
     * whose members lay out as before ({@link StructBodies#layoutOf}), and no enum body or typedef changes.
     * Lines outside type definitions (code, prototypes, macros) are no type change here.
     */
    static boolean typesKeepLayout(List<SourceChange> sources) {
        for (SourceChange s : sources) {
            if (s.original() == null || s.patched() == null || (s.addedLines().isEmpty() && s.removedLines().isEmpty())) {
                continue;   // a unit a header reaches is its own text on both sides: nothing to parse
            }
            StructBodies before = new StructBodies(s.original());
            StructBodies after = new StructBodies(s.patched());
            String[] oldLines = s.original().split("\n", -1);
            String[] newLines = s.patched().split("\n", -1);
            for (int line : s.addedLines()) {
                if (!keepsLayout(s, before, after, after.enclosingNamed(line), after.enclosing(line), newLines, line)) {
                    return false;
                }
            }
            for (int line : s.removedLines()) {
                if (!keepsLayout(s, before, after, before.enclosingNamed(line), before.enclosing(line), oldLines, line)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean keepsLayout(SourceChange s, StructBodies before, StructBodies after, Optional<StructBodies.Body> named,
                                       Optional<StructBodies.Body> any, String[] lines, int line) {
        if (line > lines.length) {
            return true;
        }
        String text = lines[line - 1];
        if (TYPEDEF.matcher(text).find() || inEnum(lines, line)) {
            return false;
        }
        if (any.isEmpty()) {
            return true;
        }
        return named.isPresent() && SafetyRules.sameLayout(s, before, after, named);
    }

    /** Whether the line is inside an enum's braces: an opening {@code enum … {} above it not yet closed. */
    private static boolean inEnum(String[] lines, int line) {
        for (int i = line - 1; i >= 0 && line - 1 - i < 400; i--) {
            String l = lines[i];
            if (i < line - 1 && l.contains("}")) {
                return false;
            }
            if (ENUM_OPENING.matcher(l).find()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the exported function's declaration (up to its body's brace) reads the same before and after. */
    private static boolean sameDeclaration(SourceChange s, String symbol) {
        Optional<String> before = declaration(s.original(), symbol);
        Optional<String> after = declaration(s.patched(), symbol);
        return before.isPresent() && before.equals(after);
    }

    private static Optional<String> declaration(String text, String symbol) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<FunctionLines.Range> function = FunctionLines.find(text, symbol);
        if (function.isEmpty()) {
            return variable(text, symbol);
        }
        return function.map(r -> {
            String[] lines = text.split("\n", -1);
            StringBuilder b = new StringBuilder();
            int first = r.first() - 1;
            if (first > 0 && lines[first].startsWith(symbol)) {
                first--;   // the type is on the line above (int\nip_generic_getfrag(...))
            }
            for (int i = first; i < r.last() && i < lines.length; i++) {
                int brace = lines[i].indexOf('{');
                b.append(brace >= 0 ? lines[i].substring(0, brace) : lines[i]).append(' ');
                if (brace >= 0) {
                    break;
                }
            }
            return b.toString().replaceAll("\\s+", " ").trim();
        });
    }

    /**
     * An exported variable's declaration, up to its initializer or its end ({@code struct proto udp_prot = {}):
     * the type and name, which is what its users depend on.
     */
    private static Optional<String> variable(String text, String symbol) {
        Pattern line = Pattern.compile("^[A-Za-z_][^;(]*\\b" + Pattern.quote(symbol) + "\\b\\s*(?:\\[[^]]*\\]\\s*)*(?:__\\w+(?:\\([^)]*\\))?\\s*)*(=|;)",
                Pattern.MULTILINE);
        var m = line.matcher(text);
        if (!m.find() || m.group().startsWith("extern") || m.group().startsWith("static")) {
            return Optional.empty();
        }
        return Optional.of(m.group().substring(0, m.group().length() - 1).replaceAll("\\s+", " ").trim());
    }
}
