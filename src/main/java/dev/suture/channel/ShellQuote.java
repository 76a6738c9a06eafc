package dev.suture.channel;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for POSIX sh, so arguments reach a remote shell exactly as given. */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String quote(String arg) {
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./=:,+@%-]+")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** A command line from separate arguments; a single argument is taken as a shell command as it is. */
    public static String join(List<String> args) {
        if (args.size() == 1) {
            return args.getFirst();
        }
        return args.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
