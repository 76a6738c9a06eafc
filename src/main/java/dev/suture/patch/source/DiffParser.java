package dev.suture.patch.source;

import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a unified diff in the forms people hand over: {@code diff -u} / {@code diff -urN} output, {@code git diff},
 * and {@code git format-patch} mail. Text around and between file diffs (a preamble, a diffstat, the mail
 * signature) is skipped as patch tools skip it; a hunk ends exactly where its header's counts say, which is how
 * a removed line that reads {@code "-- "} is told from the signature.
 */
final class DiffParser {
    // nine digits keep every number an int; a longer one makes the header malformed
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d{1,9})(?:,(\\d{1,9}))? \\+(\\d{1,9})(?:,(\\d{1,9}))? @@.*");
    private static final Pattern EPOCH = Pattern.compile("(1970-01-01|1969-12-31)\\b.*");
    private static final String REGENERATE = "regenerate the diff with diff -u, git diff or git format-patch;"
            + " a hunk header reads @@ -12,7 +12,8 @@";

    private final String name;
    private final List<String> lines;
    private final List<FileDiff> files = new ArrayList<>();
    private int at;

    private DiffParser(String text, String name) {
        this.name = name;
        this.lines = Text.lines(text);
    }

    static SourceDiff parse(String text, String name) {
        return new DiffParser(text, name).parse();
    }

    private SourceDiff parse() {
        Optional<Mail> mail = Mail.read(lines, name);
        at = mail.map(Mail::patchStart).orElse(0);
        while (at < lines.size()) {
            String line = line(at);
            if (line.startsWith("diff --git ")) {
                gitFile();
            } else if (fileHeaderAt(at)) {
                files.add(textFile(false, false));
            } else {
                refuseOutsideFile(line);
                at++;
            }
        }
        if (files.stream().allMatch(f -> f.hunks().isEmpty())) {
            throw new SutureException(name + ": no hunks: this is not a unified diff, or it changes nothing",
                    "give a unified diff of the kernel source (diff -u, git diff or git format-patch output)");
        }
        Set<String> seen = new HashSet<>();
        for (FileDiff f : files) {
            if (!seen.add(f.path())) {
                throw new SutureException(name + ": " + f.path() + " is changed by more than one part of the diff",
                        "give one diff with one part per file (e.g. git diff BASE..TOP, not several patches in a row)");
            }
        }
        return new SourceDiff(name, mail.flatMap(Mail::subject), files);
    }

    /** A diff --git block: its extended header lines, then a text diff, or nothing for an empty or mode-only change. */
    private void gitFile() {
        int start = at++;
        boolean added = false;
        boolean deleted = false;
        for (; at < lines.size(); at++) {
            String line = line(at);
            if (line.startsWith("new file mode ")) {
                added = true;
            } else if (line.startsWith("deleted file mode ")) {
                deleted = true;
            } else if (startsWithAny(line, "rename from ", "rename to ", "copy from ", "copy to ")) {
                throw new SutureException(where(at) + "the diff renames or copies a file (" + line + ")",
                        "give renames and copies as a deleted and an added file (git diff --no-renames)");
            } else if (!startsWithAny(line, "old mode ", "new mode ", "index ", "similarity index ",
                    "dissimilarity index ")) {
                break;
            }
        }
        if (fileHeaderAt(at)) {
            files.add(textFile(added, deleted));
        } else if (added || deleted) {
            String path = gitPath(start);
            files.add(added ? new FileDiff(null, path, FileDiff.Kind.ADDED, List.of())
                    : new FileDiff(path, null, FileDiff.Kind.DELETED, List.of()));
        }
        // else only the mode changed, which changes no code: nothing to take from it
    }

    /** A {@code ---} / {@code +++} pair and the hunks under it. */
    private FileDiff textFile(boolean gitAdded, boolean gitDeleted) {
        int header = at;
        Name old = name(line(at).substring(4), at);
        Name neu = name(line(at + 1).substring(4), at + 1);
        at += 2;
        List<Hunk> hunks = new ArrayList<>();
        while (at < lines.size() && line(at).startsWith("@@")) {
            if (!hunks.isEmpty() && endsAFile(hunks.getLast())) {
                throw new SutureException(where(at) + "hunk " + line(at) + " follows one that ends the file"
                        + " without a newline", REGENERATE);
            }
            hunks.add(hunk());
        }
        if (hunks.isEmpty()) {
            throw new SutureException(where(header) + "the --- and +++ lines are not followed by a hunk", REGENERATE);
        }
        if (old.path() == null && neu.path() == null) {
            throw new SutureException(where(header) + "both sides of the file diff are /dev/null", REGENERATE);
        }
        Sides paths = stripPrefix(old.path(), neu.path());
        boolean onlyHunk = hunks.size() == 1;
        boolean created = paths.old() == null || gitAdded
                || onlyHunk && hunks.getFirst().oldStart() == 0 && EPOCH.matcher(old.timestamp()).matches();
        boolean removed = paths.neu() == null || gitDeleted
                || onlyHunk && hunks.getFirst().newStart() == 0 && EPOCH.matcher(neu.timestamp()).matches();
        if (created && removed) {
            throw new SutureException(where(header) + "the file diff both adds and deletes the file", REGENERATE);
        }
        if (created) {
            return new FileDiff(null, clean(paths.neu(), header + 1), FileDiff.Kind.ADDED, hunks);
        }
        if (removed) {
            return new FileDiff(clean(paths.old(), header), null, FileDiff.Kind.DELETED, hunks);
        }
        return new FileDiff(clean(paths.old(), header), clean(paths.neu(), header + 1), FileDiff.Kind.MODIFIED,
                hunks);
    }

    private Hunk hunk() {
        int header = at;
        Matcher m = HUNK.matcher(line(at));
        if (!m.matches()) {
            throw new SutureException(where(at) + "malformed hunk header " + Text.show(line(at)), REGENERATE);
        }
        int oldStart = number(m.group(1), at);
        int oldCount = m.group(2) == null ? 1 : number(m.group(2), at);
        int newStart = number(m.group(3), at);
        int newCount = m.group(4) == null ? 1 : number(m.group(4), at);
        if (oldCount == 0 && newCount == 0 || oldCount > 0 && oldStart == 0 || newCount > 0 && newStart == 0) {
            throw new SutureException(where(at) + "malformed hunk header " + Text.show(line(at))
                    + ": its positions and counts do not fit together", REGENERATE);
        }
        at++;
        List<Hunk.Line> body = new ArrayList<>();
        int oldLeft = oldCount;
        int newLeft = newCount;
        boolean oldEnded = false; // a "\ No newline" marker closed that side's file
        boolean newEnded = false;
        while (oldLeft > 0 || newLeft > 0) {
            if (at == lines.size()) {
                throw new SutureException(where(header) + "the diff ends inside the hunk " + line(header)
                        + " (" + oldLeft + " original and " + newLeft + " new lines short)", REGENERATE);
            }
            String raw = lines.get(at);
            if (raw.charAt(0) == '\\') {
                noNewlineAtEnd(body);
                oldEnded |= body.getLast().op() != Hunk.Op.ADDED;
                newEnded |= body.getLast().op() != Hunk.Op.REMOVED;
                continue;
            }
            Hunk.Op op = switch (raw.charAt(0)) {
                case ' ' -> Hunk.Op.CONTEXT;
                case '-' -> Hunk.Op.REMOVED;
                case '+' -> Hunk.Op.ADDED;
                default -> Text.bare(raw).isEmpty() ? Hunk.Op.CONTEXT : null; // a blank context line a mailer trimmed
            };
            if (op != null && (op != Hunk.Op.ADDED && oldEnded || op != Hunk.Op.REMOVED && newEnded)) {
                throw new SutureException(where(at) + Text.show(raw) + " comes after the line marked as the last"
                        + " of its file", REGENERATE);
            }
            if (op == null || op != Hunk.Op.ADDED && oldLeft == 0 || op != Hunk.Op.REMOVED && newLeft == 0) {
                throw new SutureException(where(at) + Text.show(raw) + " does not fit the hunk " + line(header)
                        + " at line " + (header + 1) + ", which still expects " + oldLeft + " original and "
                        + newLeft + " new lines", REGENERATE);
            }
            String text = op == Hunk.Op.CONTEXT && raw.charAt(0) != ' ' ? raw : raw.substring(1);
            // the diff file's own last line may lack its newline; only the marker says the source line does
            body.add(new Hunk.Line(op, text.endsWith("\n") ? text : text + "\n"));
            oldLeft -= op == Hunk.Op.ADDED ? 0 : 1;
            newLeft -= op == Hunk.Op.REMOVED ? 0 : 1;
            at++;
        }
        if (at < lines.size() && lines.get(at).charAt(0) == '\\') {
            noNewlineAtEnd(body);
        }
        return new Hunk(oldStart, oldCount, newStart, newCount, body, header + 1);
    }

    /** Whether a no-newline marker in the hunk says it reaches the end of the original or the patched file. */
    private static boolean endsAFile(Hunk hunk) {
        return hunk.lines().stream().anyMatch(l -> !l.text().endsWith("\n"));
    }

    /** "\ No newline at end of file" (in any language): the line before it has no terminator in its file. */
    private void noNewlineAtEnd(List<Hunk.Line> body) {
        // a line to lose its newline must be there and have one, and an empty line without one is no line at all
        if (body.isEmpty() || !body.getLast().text().endsWith("\n") || body.getLast().text().equals("\n")) {
            throw new SutureException(where(at) + Text.show(lines.get(at)) + " does not follow a line of its hunk"
                    + " that can end a file", REGENERATE);
        }
        Hunk.Line last = body.removeLast();
        body.add(new Hunk.Line(last.op(), last.text().substring(0, last.text().length() - 1)));
        at++;
    }

    /** Lines between file diffs are skipped, except those that show the diff cannot be used as given. */
    private void refuseOutsideFile(String line) {
        if (line.equals("GIT binary patch") || line.startsWith("Binary files ") && line.endsWith(" differ")) {
            throw new SutureException(where(at) + "the diff changes a binary file (" + line + ")",
                    "leave binary files out of the diff: a live patch replaces code built from C source");
        }
        if (line.startsWith("@@ ")) {
            throw new SutureException(where(at) + "hunk " + line + " is outside any file's diff (the hunk before it"
                    + " may have more lines than its header counts)", REGENERATE);
        }
    }

    private boolean fileHeaderAt(int i) {
        return i + 1 < lines.size() && line(i).startsWith("--- ") && line(i + 1).startsWith("+++ ");
    }

    /**
     * git's {@code a/} and {@code b/} (p1) when both sides have them; else, for a diff of two trees
     * ({@code linux.orig/fs/x.c} against {@code linux/fs/x.c}), the differing first directory; else nothing.
     */
    private static Sides stripPrefix(String old, String neu) {
        if ((old == null || old.startsWith("a/")) && (neu == null || neu.startsWith("b/"))) {
            return new Sides(old == null ? null : old.substring(2), neu == null ? null : neu.substring(2));
        }
        if (old != null && neu != null && old.indexOf('/') > 0 && neu.indexOf('/') > 0) {
            String oldRest = old.substring(old.indexOf('/') + 1);
            String newRest = neu.substring(neu.indexOf('/') + 1);
            if (oldRest.equals(newRest) && !old.equals(neu)) {
                return new Sides(oldRest, newRest);
            }
        }
        return new Sides(old, neu);
    }

    /** The original and the new file's path; null for /dev/null. */
    private record Sides(String old, String neu) {
    }

    /** A path as the source tree is addressed: relative, with no way out of the tree. */
    private String clean(String path, int line) {
        if (path.startsWith("/")) {
            throw new SutureException(where(line) + "absolute path " + path,
                    "make the diff from inside the source tree (git diff, or diff -u with relative paths)");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new SutureException(where(line) + "path " + path + " leaves the source tree",
                        "give paths relative to the kernel source root");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new SutureException(where(line) + "no file name in " + Text.show(lines.get(line)), REGENERATE);
        }
        return String.join("/", parts);
    }

    /** The name on a --- or +++ line (null for /dev/null) and what follows it after a tab, diff -u's timestamp. */
    private record Name(String path, String timestamp) {
    }

    private Name name(String field, int line) {
        if (field.startsWith("\"")) {
            Quoted quoted = unquote(field, line);
            return new Name(quoted.text(), field.substring(quoted.end()).strip());
        }
        int tab = field.indexOf('\t');
        String path = (tab < 0 ? field : field.substring(0, tab)).strip();
        return new Name(path.equals("/dev/null") ? null : path, tab < 0 ? "" : field.substring(tab + 1).strip());
    }

    /**
     * The one path of a diff --git line without --- / +++ lines (an empty added or deleted file): both names
     * are the same, so the line is {@code a/P b/P}, or both quoted.
     */
    private String gitPath(int line) {
        String names = line(line).substring("diff --git ".length());
        String old;
        String neu;
        if (names.startsWith("\"")) {
            Quoted quoted = unquote(names, line);
            old = quoted.text();
            String rest = names.substring(quoted.end()).strip();
            neu = rest.startsWith("\"") ? unquote(rest, line).text() : rest;
        } else {
            int middle = names.length() / 2;
            boolean halves = names.length() % 2 == 1 && names.charAt(middle) == ' ';
            old = halves ? names.substring(0, middle) : names;
            neu = halves ? names.substring(middle + 1) : "";
        }
        Sides paths = stripPrefix(old, neu);
        if (!paths.old().equals(paths.neu())) {
            throw new SutureException(where(line) + "cannot tell the file's name from " + Text.show(lines.get(line)),
                    "give renames as a deleted and an added file (git diff --no-renames)");
        }
        return clean(paths.neu(), line);
    }

    /** A quoted name and the index just past its closing quote. */
    private record Quoted(String text, int end) {
    }

    /** The C-style quoted name {@code s} starts with, as git writes a name with unusual bytes in it. */
    private Quoted unquote(String s, int line) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return new Quoted(new String(bytes.toByteArray(), StandardCharsets.UTF_8), i + 1);
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                int octal = i + 2 < s.length() ? octal(s, i) : -1;
                if (octal >= 0) {
                    bytes.write(octal);
                    i += 2;
                    continue;
                }
                c = switch (e) {
                    case 'a' -> 7;
                    case 'b' -> '\b';
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'v' -> 11;
                    case 'f' -> '\f';
                    case 'r' -> '\r';
                    default -> e;
                };
            }
            bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        throw new SutureException(where(line) + "unterminated quoted file name in " + Text.show(lines.get(line)),
                REGENERATE);
    }

    private static int octal(String s, int i) {
        int value = 0;
        for (int k = i; k < i + 3; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '7') {
                return -1;
            }
            value = value * 8 + (c - '0');
        }
        return value <= 0xff ? value : -1;
    }

    private static boolean startsWithAny(String line, String... prefixes) {
        for (String prefix : prefixes) {
            if (line.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private String line(int i) {
        return Text.bare(lines.get(i));
    }

    private String where(int i) {
        return name + ":" + (i + 1) + ": ";
    }

    /** A hunk header's line number or count; one too large for any file is a malformed header, not a crash. */
    private int number(String digits, int at) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new SutureException(where(at) + "malformed hunk header " + Text.show(line(at))
                    + ": " + digits + " is larger than any file", REGENERATE);
        }
    }
}
