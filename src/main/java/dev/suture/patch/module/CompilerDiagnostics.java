package dev.suture.patch.module;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Picks the compiler's messages about the user's own file out of a kbuild log, as {@code file:line: message}. */
final class CompilerDiagnostics {
    private CompilerDiagnostics() {
    }

    static List<String> about(Path userFile, String kbuildLog) {
        String absolute = userFile.toAbsolutePath().normalize().toString();
        Pattern own = Pattern.compile("^" + Pattern.quote(absolute) + ":(\\d+):(\\d+:)? *(error|warning|note|fatal error)");
        String shown = userFile.toString();
        return kbuildLog.lines()
                .filter(l -> own.matcher(l).find())
                .map(l -> shown + l.substring(absolute.length()))
                .map(l -> l.replaceFirst("^(" + Pattern.quote(shown) + ":\\d+):\\d+:", "$1:"))
                .toList();
    }
}
