package dev.suture;

/**
 * A failure the user can act on: a one-line cause and, where there is one, the fix they can make.
 * The CLI prints both and exits non-zero; anything else escaping is a bug: the CLI prints one line and keeps
 * the stack trace in a crash report (see {@code cli.Main}).
 */
public class SutureException extends RuntimeException {
    private final String fix;
    private final int exitCode;

    public SutureException(String cause, String fix) {
        this(cause, fix, 2, null);
    }

    public SutureException(String cause, String fix, Throwable underlying) {
        this(cause, fix, 2, underlying);
    }

    public SutureException(String cause, String fix, int exitCode, Throwable underlying) {
        super(cause, underlying);
        this.fix = fix;
        this.exitCode = exitCode;
    }

    /** What the user can do about it, or null when there is nothing to suggest. */
    public String fix() {
        return fix;
    }

    public int exitCode() {
        return exitCode;
    }
}
