package dev.suture.patch.source;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fix written as replacement functions in C, with {@code SUTURE_REPLACE*} annotations (see suture.h)
 * naming what each replaces. The annotations are read from the source text; the compiler checks the rest.
 */
public record FunctionFile(Path path, String source, List<Replacement> replacements, List<SymbolChoice> choices) {
    private static final Pattern ANNOTATION = Pattern.compile(
            "\\bSUTURE_(REPLACE|REPLACE_IN|REPLACE_AT|SYMBOL_AT)\\s*\\(([^()]*)\\)");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9_-]+");

    public static FunctionFile read(Path path) {
        try {
            return parse(path, Files.readString(path));
        } catch (IOException e) {
            throw new SutureException("cannot read " + path + ": " + e.getMessage(), "give a readable .c file", e);
        }
    }

    public static FunctionFile parse(Path path, String source) {
        String code = CSource.blankCommentsAndStrings(source);
        List<Replacement> replacements = new ArrayList<>();
        List<SymbolChoice> choices = new ArrayList<>();
        Matcher m = ANNOTATION.matcher(code);
        while (m.find()) {
            int line = CSource.lineOf(code, m.start());
            if (CSource.isInsideDirective(code, m.start())) {
                continue;
            }
            String where = path.getFileName() + ":" + line;
            List<String> args = List.of(m.group(2).split(",", -1)).stream().map(String::strip).toList();
            switch (m.group(1)) {
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
                default -> throw new IllegalStateException(m.group(1));
            }
        }
        if (replacements.isEmpty()) {
            throw new SutureException(path.getFileName() + ": no SUTURE_REPLACE annotation: the file replaces nothing",
                    "after each new function add SUTURE_REPLACE(old_name, new_name); (include \"suture.h\")");
        }
        Set<String> seen = new HashSet<>();
        for (Replacement r : replacements) {
            if (!seen.add(r.object() + ":" + r.oldName() + ":" + r.position())) {
                throw new SutureException(path.getFileName() + ":" + r.line() + ": " + r.oldName()
                        + " is replaced twice", "keep one SUTURE_REPLACE per replaced function");
            }
        }
        return new FunctionFile(path, source, List.copyOf(replacements), List.copyOf(choices));
    }

    /** The objects (vmlinux, modules) the fix patches, in first-mention order. */
    public List<String> objects() {
        return replacements.stream().map(Replacement::object).distinct().toList();
    }

    private static void need(List<String> args, int count, String where, String form) {
        if (args.size() != count || args.stream().anyMatch(String::isEmpty)) {
            throw new SutureException(where + ": malformed annotation", "write it as " + form);
        }
    }

    private static String ident(String text, String where) {
        if (!IDENT.matcher(text).matches()) {
            throw new SutureException(where + ": '" + text + "' is not a C identifier", "name functions by their C names");
        }
        return text;
    }

    private static String object(String text, String where) {
        if (!OBJECT.matcher(text).matches()) {
            throw new SutureException(where + ": '" + text + "' is not an object name",
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
            throw new SutureException(where + ": position '" + text + "' is not a number >= 0",
                    "0 for a unique name, else 1, 2, ... in kallsyms order");
        }
    }
}
