package dev.suture.patch.module;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Why kbuild failed on a patch module's directory, read from its output: the lines of the step that stopped it
 * (compiler, linker, modpost) rather than make's own "Error 1" lines, and whether a tool of the build was
 * missing, which is this host's cause and neither the fix's nor Suture's.
 *
 * @param causes      the lines that say what failed, in order; empty when the output names nothing known
 * @param missingTool the line saying a tool could not be run, or null
 */
record KbuildFailure(List<String> causes, String missingTool) {
    /** Most lines a message quotes: the first errors say why, the rest usually follow from them. */
    private static final int MAX_LINES = 20;

    private static final Pattern COMPILER = Pattern.compile("^\\S+:\\d+(:\\d+)?: (fatal )?error: ");
    private static final Pattern MODPOST = Pattern.compile("^(ERROR|FATAL): modpost: ");
    /** GNU ld prefixes its messages with its own name ({@code ld:}, {@code /usr/bin/ld.bfd:}, {@code x86_64-linux-gnu-ld:}). */
    private static final Pattern LINKER = Pattern.compile("^(\\S*/)?([\\w.-]+-)?ld(\\.bfd|\\.gold)?: ");
    private static final Pattern MISSING_TOOL = Pattern.compile("(: not found$|: command not found$|No such file or directory$)");
    private static final Pattern MAKE_STOP = Pattern.compile("^make(\\[\\d+])?: \\*\\*\\* No rule to make target");

    static KbuildFailure of(String output) {
        List<String> lines = output.lines().map(String::stripTrailing).toList();
        List<String> causes = lines.stream()
                .filter(l -> COMPILER.matcher(l).find() || MODPOST.matcher(l).find() || LINKER.matcher(l).find()
                        || MAKE_STOP.matcher(l).find())
                .limit(MAX_LINES).toList();
        // "/bin/sh: 1: gcc-12: not found", "make: gcc-12: No such file or directory"; a compiler's
        // "fatal error: x.h: No such file or directory" is about the code, not a tool.
        String tool = lines.stream().filter(l -> MISSING_TOOL.matcher(l).find() && !l.contains("error:"))
                .findFirst().orElse(null);
        return new KbuildFailure(causes, tool);
    }

    /** Whether the output says which step failed and why. */
    boolean named() {
        return !causes.isEmpty() || missingTool != null;
    }

    /**
     * The lines to show: the causes, or (when the output names none) its last lines, where make stopped.
     * Never empty for a failed run with any output.
     */
    String shown(String output) {
        if (!causes.isEmpty()) {
            return String.join("\n", causes);
        }
        if (missingTool != null) {
            return missingTool;
        }
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size()));
    }
}
