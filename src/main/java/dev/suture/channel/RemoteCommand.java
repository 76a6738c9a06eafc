package dev.suture.channel;

/**
 * The shell text an SSH server runs for one command. The remote login shell may be anything, so the command
 * always runs under {@code sh -c}; its first line of output is that shell's pid (the channel strips it), which
 * is what a timeout kills; with sudo, the same shell runs under {@code sudo -n}, never asking for a password.
 */
final class RemoteCommand {
    private RemoteCommand() {
    }

    /**
     * @param withInput false: the command reads /dev/null (as on the local machine); true: it reads what the
     *                  channel sends and then end of file
     */
    static String wrap(String command, boolean sudo, boolean withInput) {
        String reported = "printf '%s\\n' \"$$\"; " + command;
        return "exec " + (sudo ? "sudo -n " : "") + "sh -c " + ShellQuote.quote(reported)
                + (withInput ? "" : " </dev/null");
    }

    /**
     * Stops the process {@code pid} and everything it started (found through {@code /proc}, as children of
     * children, whatever their process group), then kills them: a stopped process cannot fork more meanwhile.
     */
    static String killTree(long pid) {
        return "t() { kill -STOP \"$1\" 2>/dev/null; "
                + "for s in /proc/[0-9]*/stat; do read -r c x y p r < \"$s\" 2>/dev/null || continue; "
                + "[ \"$p\" = \"$1\" ] && t \"$c\"; done; kill -KILL \"$1\" 2>/dev/null; }; t " + pid + "; true";
    }

    /**
     * Writes standard input (exactly {@code length} bytes) to a temporary name beside {@code path}, sets its mode
     * and renames it into place: readers see the old file or the whole new one, never a part.
     */
    static String writeAtomically(String path, long length, int mode) {
        String file = ShellQuote.quote(path);
        return "set -e; f=" + file + "; t=\"$f.suture-part.$$\"; trap 'rm -f \"$t\"' EXIT; "
                + "mkdir -p -- \"$(dirname -- \"$f\")\"; (umask 077; head -c " + length + " > \"$t\"); "
                + "[ \"$(wc -c < \"$t\")\" -eq " + length + " ] || { echo \"short write: $(wc -c < \"$t\") of "
                + length + " bytes\"; exit 3; }; "
                + "chmod " + Integer.toOctalString(mode) + " \"$t\"; mv -f -- \"$t\" \"$f\"";
    }

    /** Whether the text is a whole pid line; the first line of every wrapped command is one. */
    static long parsePid(String line) {
        String digits = line.strip();
        return digits.matches("[0-9]{1,10}") ? Long.parseLong(digits) : -1;
    }
}
