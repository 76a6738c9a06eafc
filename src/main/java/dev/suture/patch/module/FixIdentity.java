package dev.suture.patch.module;

import dev.suture.manifest.Fixes;
import dev.suture.patch.source.FixSource;
import java.util.List;
import java.util.Optional;

/**
 * What a fix says it fixes, read from its own text: the subject of a {@code git format-patch} mail as its title
 * (the mail parser has dropped {@code [PATCH v2 3/7]}-style tags), and every CVE id it mentions. A diff's context
 * and removed lines are the kernel's code as it was, which may name CVEs fixed long ago; only its message and the
 * lines it adds speak for the fix. A function file is the fix's own text throughout.
 */
final class FixIdentity {
    private FixIdentity() {
    }

    static Fixes of(FixSource fix, Optional<String> subject) {
        String text = fix.text();
        String own = fix.isDiff() ? messageAndAddedLines(text) : text;
        return new Fixes(subject.map(FixIdentity::printable).orElse(null), Fixes.cvesIn(own));
    }

    /** Everything before the first file header, then only added lines (not the {@code +++} header itself). */
    static String messageAndAddedLines(String diff) {
        StringBuilder own = new StringBuilder();
        boolean inFiles = false;
        List<String> lines = diff.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            inFiles |= line.startsWith("diff --git ")
                    || line.startsWith("--- ") && i + 1 < lines.size() && lines.get(i + 1).startsWith("+++ ");
            if (!inFiles || line.startsWith("+") && !line.startsWith("+++ ")) {
                own.append(line).append('\n');
            }
        }
        return own.toString();
    }

    /** A subject as a title a terminal can show: control characters (an escape sequence, say) dropped. */
    private static String printable(String subject) {
        StringBuilder out = new StringBuilder();
        subject.codePoints().filter(c -> !Character.isISOControl(c) || Character.isWhitespace(c))
                .forEach(out::appendCodePoint);
        return out.toString();
    }
}
