package dev.suture.machine;

import dev.suture.SutureException;

/**
 * A call to a machine that its command's deadline stopped: the machine killed the command at the deadline, did
 * not answer in time, or had stopped answering before. A SutureException, so one that reaches the user unnamed
 * still prints as one line with a fix and no stack trace; the steps of apply and revert catch it to say which
 * step it was and how the machine is left (see {@link ExpiryReport}).
 */
final class DeadlinePassed extends SutureException {
    private final String call;
    private final boolean silent;
    private final String detail;
    private final long timeoutSeconds;

    DeadlinePassed(Deadline deadline, String machine, String call, String detail, boolean silent, Throwable cause) {
        super("the command's " + deadline.timeout().toSeconds() + " s deadline passed while waiting for " + machine
                + " to " + call + " (" + detail + ")", "see the machine's state with 'suture status', and retry with a "
                + "longer --timeout once it is well", cause);
        this.call = call;
        this.silent = silent;
        this.detail = detail;
        this.timeoutSeconds = deadline.timeout().toSeconds();
    }

    /** The command's --timeout, as the message names the deadline. */
    long timeoutSeconds() {
        return timeoutSeconds;
    }

    /** What the machine was asked to do, e.g. "run 'rmmod suture_x'". */
    String call() {
        return call;
    }

    /** True when the machine stopped answering: nothing more is sent to it, not even to read its state. */
    boolean silent() {
        return silent;
    }

    /** The cause in a few words, for a report that names the step itself. */
    String detail() {
        return detail;
    }
}
