package dev.suture.patch.source;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fix written as replacement functions in C, with {@code SUTURE_*} annotations (see suture.h) naming what
 * each replaces, the callbacks that run as the update takes effect or is taken back, and the shadow variables
 * it attaches to kernel objects. The annotations are read from the source text; the compiler checks the rest.
 */
public record FunctionFile(Path path, String source, List<Replacement> replacements, List<SymbolChoice> choices,
                           List<Callback> callbacks, List<Shadow> shadows) {
    private static final Pattern ANNOTATION = Pattern.compile("\\bSUTURE_([A-Z0-9_]+)\\s*\\(");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern C_IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern NUMBER = Pattern.compile("(0[xX][0-9A-Fa-f]+|[0-9]+)[uUlL]*");
    private static final List<String> KNOWN = List.of("REPLACE", "REPLACE_IN", "REPLACE_AT", "SYMBOL_AT",
            "PRE_PATCH", "POST_PATCH", "PRE_UNPATCH", "POST_UNPATCH",
            "PRE_PATCH_IN", "POST_PATCH_IN", "PRE_UNPATCH_IN", "POST_UNPATCH_IN", "SHADOW", "SHADOW_ID");

    public FunctionFile {
        replacements = List.copyOf(replacements);
        choices = List.copyOf(choices);
        callbacks = List.copyOf(callbacks);
        shadows = List.copyOf(shadows);
    }

    public static FunctionFile read(Path path) {
        try {
            return parse(path, Files.readString(path));
        } catch (IOException e) {
            throw new SutureException("cannot read " + path + ": " + e.getMessage(), "give a readable .c file", e);
        }
    }

    public static FunctionFile parse(Path path, String source) {
        String code = CSource.blankCommentsAndStrings(source);
        String file = path.getFileName().toString();
        List<Replacement> replacements = new ArrayList<>();
        List<SymbolChoice> choices = new ArrayList<>();
        List<Callback> callbacks = new ArrayList<>();
        List<Shadow> shadows = new ArrayList<>();
        Matcher m = ANNOTATION.matcher(code);
        int from = 0;
        while (m.find(from)) {
            from = m.end();
            if (CSource.isInsideDirective(code, m.start())) {
                continue;
            }
            int line = CSource.lineOf(code, m.start());
            String where = file + ":" + line;
            String kind = m.group(1);
            if (!KNOWN.contains(kind)) {
                throw new SutureException(where + ": unknown annotation SUTURE_" + kind,
                        "suture.h has SUTURE_" + String.join(", SUTURE_", KNOWN));
            }
            int close = closingParenthesis(code, m.end() - 1);
            if (close < 0) {
                throw new SutureException(where + ": SUTURE_" + kind + "( is never closed", "close its parentheses");
            }
            from = close + 1;
            List<String> args = splitArguments(code.substring(m.end(), close));
            switch (kind) {
                case "REPLACE" -> {
                    need(args, 2, where, "SUTURE_REPLACE(old, new)");
                    replacements.add(new Replacement(Replacement.VMLINUX, ident(args.get(0), where),
                            0, ident(args.get(1), where), line));
                }
                case "REPLACE_IN" -> {
                    need(args, 3, where, "SUTURE_REPLACE_IN(object, old, new)");
                    replacements.add(new Replacement(object(args.get(0), where), ident(args.get(1), where),
                            0, ident(args.get(2), where), line));
                }
                case "REPLACE_AT" -> {
                    need(args, 4, where, "SUTURE_REPLACE_AT(object, old, position, new)");
                    replacements.add(new Replacement(object(args.get(0), where), ident(args.get(1), where),
                            position(args.get(2), where), ident(args.get(3), where), line));
                }
                case "SYMBOL_AT" -> {
                    need(args, 3, where, "SUTURE_SYMBOL_AT(object, name, position)");
                    int pos = position(args.get(2), where);
                    if (pos == 0) {
                        throw new SutureException(where + ": SUTURE_SYMBOL_AT needs a position of 1 or more",
                                "positions count from 1 among same-named symbols; 'suture build' lists them");
                    }
                    choices.add(new SymbolChoice(object(args.get(0), where), ident(args.get(1), where), pos, line));
                }
                case "SHADOW" -> {
                    // A type may hold commas of its own; everything after the name is the type.
                    need(args.size() < 2 ? args : List.of(args.getFirst(), String.join(", ", args.subList(1, args.size()))),
                            2, where, "SUTURE_SHADOW(name, type)");
                    String name = shadowName(args.getFirst(), where);
                    shadows.add(new Shadow(name, String.join(", ", args.subList(1, args.size())), Shadow.idOf(name),
                            false, line));
                }
                case "SHADOW_ID" -> {
                    need(args, 3, where, "SUTURE_SHADOW_ID(name, type, id)");
                    shadows.add(new Shadow(shadowName(args.get(0), where), args.get(1), shadowId(args.get(2), where),
                            true, line));
                }
                default -> {
                    Callback.Kind callback = Callback.Kind.valueOf(kind.replaceFirst("_IN$", ""));
                    if (kind.endsWith("_IN")) {
                        need(args, 2, where, callback.annotation() + "_IN(object, function)");
                        callbacks.add(new Callback(object(args.get(0), where), callback,
                                function(args.get(1), where), line));
                    } else {
                        need(args, 1, where, callback.annotation() + "(function)");
                        callbacks.add(new Callback(Replacement.VMLINUX, callback, function(args.get(0), where), line));
                    }
                }
            }
        }
        if (replacements.isEmpty() && callbacks.isEmpty()) {
            throw new SutureException(file + ": no SUTURE_REPLACE annotation: the file replaces nothing",
                    "after each new function add SUTURE_REPLACE(old_name, new_name); (include \"suture.h\"),"
                            + " or register a callback such as SUTURE_POST_PATCH(function);");
        }
        Set<String> seen = new HashSet<>();
        for (Replacement r : replacements) {
            if (!seen.add(r.object() + ":" + r.oldName() + ":" + r.position())) {
                throw new SutureException(file + ":" + r.line() + ": " + r.oldName()
                        + " is replaced twice", "keep one SUTURE_REPLACE per replaced function");
            }
        }
        Map<String, Callback> byMoment = new HashMap<>();
        for (Callback c : callbacks) {
            Callback earlier = byMoment.putIfAbsent(c.object() + ":" + c.kind(), c);
            if (earlier != null) {
                throw new SutureException(file + ":" + c.line() + ": " + c.object() + " already has a "
                        + c.kind().field() + " callback, " + earlier.function() + " (line " + earlier.line() + ")",
                        "an object has one callback of each kind: call both functions from one");
            }
        }
        Map<String, Shadow> byName = new HashMap<>();
        Map<Long, Shadow> byId = new HashMap<>();
        for (Shadow s : shadows) {
            Shadow sameName = byName.putIfAbsent(s.name(), s);
            if (sameName != null) {
                throw new SutureException(file + ":" + s.line() + ": shadow variable " + s.name()
                        + " is declared twice (first at line " + sameName.line() + ")", "declare each name once");
            }
            Shadow sameId = byId.putIfAbsent(s.id(), s);
            if (sameId != null) {
                throw new SutureException(file + ":" + s.line() + ": shadow variables " + sameId.name() + " (line "
                        + sameId.line() + ") and " + s.name() + " have the same id 0x" + s.hexId()
                        + ": they would share their data", "give each its own id");
            }
        }
        return new FunctionFile(path, source, replacements, choices, callbacks, shadows);
    }

    /** The objects (vmlinux, modules) the fix patches or has callbacks for, in the order of {@link #objectOrder}. */
    public List<String> objects() {
        return objectOrder(replacements, callbacks);
    }

    /**
     * The order of a patch's objects, which is the order livepatch runs their callbacks in: vmlinux first,
     * then modules in the order the file first names them.
     */
    public static List<String> objectOrder(List<Replacement> replacements, List<Callback> callbacks) {
        record Mention(String object, int line) {
        }
        Set<String> order = new LinkedHashSet<>();
        Stream.concat(replacements.stream().map(r -> new Mention(r.object(), r.line())),
                        callbacks.stream().map(c -> new Mention(c.object(), c.line())))
                .sorted(Comparator.comparing((Mention m) -> !Replacement.VMLINUX.equals(m.object()))
                        .thenComparingInt(Mention::line))
                .forEach(m -> order.add(m.object()));
        return List.copyOf(order);
    }

    /** The offset of the parenthesis closing the one at {@code open}, or -1. */
    private static int closingParenthesis(String code, int open) {
        int depth = 0;
        int braces = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            } else if (c == '{') {
                braces++;
            } else if (c == '}') {
                braces--;
            } else if (c == ';' && braces <= 0) {
                return -1;  // the statement ended first: report it here, not at some later parenthesis
            }
        }
        return -1;
    }

    /** Arguments split at commas outside parentheses, brackets and braces, stripped. */
    private static List<String> splitArguments(String text) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        args.add(text.substring(start).strip());
        return args;
    }

    private static void need(List<String> args, int count, String where, String form) {
        if (args.size() != count || args.stream().anyMatch(String::isEmpty)) {
            throw new SutureException(where + ": malformed annotation", "write it as " + form);
        }
    }

    /**
     * An argument as an error shows it: an argument may span lines (or hold a comment, blanked to spaces), and a
     * cause is one line.
     */
    private static String shown(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private static String ident(String text, String where) {
        if (!IDENT.matcher(text).matches()) {
            throw new SutureException(where + ": '" + shown(text) + "' is not a C identifier",
                    "name functions by their C names");
        }
        return text;
    }

    private static String function(String text, String where) {
        if (!C_IDENT.matcher(text).matches()) {
            throw new SutureException(where + ": '" + shown(text) + "' is not a function name",
                    "name the callback function of the file, e.g. SUTURE_POST_PATCH(my_post_patch);");
        }
        return text;
    }

    private static String shadowName(String text, String where) {
        if (!C_IDENT.matcher(text).matches()) {
            throw new SutureException(where + ": shadow variable name '" + shown(text) + "' is not a C identifier",
                    "write it as SUTURE_SHADOW(name, type), e.g. SUTURE_SHADOW(conn_extra, struct conn_extra);");
        }
        if (text.length() > Shadow.MAX_NAME) {
            throw new SutureException(where + ": shadow variable name " + text + " is longer than "
                    + Shadow.MAX_NAME + " characters", "choose a shorter name");
        }
        return text;
    }

    private static long shadowId(String text, String where) {
        Matcher m = NUMBER.matcher(text);
        if (m.matches()) {
            String digits = m.group(1);
            try {
                return digits.length() > 2 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')
                        ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
            } catch (NumberFormatException e) {
                // fall through: too large
            }
        }
        throw new SutureException(where + ": shadow id '" + shown(text) + "' is not a number of at most 64 bits",
                "write the id as a number literal, e.g. SUTURE_SHADOW_ID(name, type, 0x5e7a), or let SUTURE_SHADOW derive it");
    }

    private static String object(String text, String where) {
        if (!OBJECT.matcher(text).matches()) {
            throw new SutureException(where + ": '" + shown(text) + "' is not an object name",
                    "use vmlinux or a module name such as xfs");
        }
        return text.replace('-', '_');
    }

    private static int position(String text, String where) {
        try {
            int pos = Integer.parseInt(text);
            if (pos < 0) {
                throw new NumberFormatException();
            }
            return pos;
        } catch (NumberFormatException e) {
            throw new SutureException(where + ": position '" + shown(text) + "' is not a number >= 0",
                    "0 for a unique name, else 1, 2, ... in kallsyms order");
        }
    }
}
