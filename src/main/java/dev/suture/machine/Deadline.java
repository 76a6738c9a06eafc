package dev.suture.machine;

import dev.suture.channel.Channel;
import java.time.Duration;

/**
 * When a command on a machine must be done: its {@code --timeout} from the moment it starts. Every wait of apply,
 * revert, switch, install and uninstall (the machine lock, each command sent to the machine, the transition
 * watch, loading and unloading) takes what is left of it, so a step the machine never finishes cannot hold the
 * command past it. After the deadline a short cleanup phase may still roll back, unload and read the machine's
 * state for the report, and release the lock; everything together ends at most {@link #GRACE} after the
 * deadline.
 */
public final class Deadline {
    /** The most a command runs past its --timeout: cleanup, releasing the lock, and the machine's last answer. */
    public static final Duration GRACE = Duration.ofSeconds(25);
    /** Rolling back, unloading and reading the state for the report end this long after the deadline. */
    static final Duration CLEANUP = Duration.ofSeconds(18);
    /** Releasing the lock, the very last step, ends this long after it; each call may take ANSWER more. */
    static final Duration RELEASE = CLEANUP.plusSeconds(3);

    private final Duration timeout;
    private final long endNanos;

    private Deadline(Duration timeout, long endNanos) {
        this.timeout = timeout;
        this.endNanos = endNanos;
    }

    /** A deadline {@code timeout} from now (a command's --timeout, taken when the command starts). */
    public static Deadline after(Duration timeout) {
        return new Deadline(timeout, System.nanoTime() + timeout.toNanos());
    }

    /** The command's --timeout, as messages name the deadline. */
    public Duration timeout() {
        return timeout;
    }

    /** What is left of it, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    public boolean passed() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** The end of the cleanup after this deadline (rollback, unload, the state for the report). */
    Deadline cleanup() {
        return new Deadline(timeout, endNanos + CLEANUP.toNanos());
    }

    /** The end of releasing the machine's lock, after the cleanup. */
    public Deadline release() {
        return new Deadline(timeout, endNanos + RELEASE.toNanos());
    }

    /**
     * The channel with every call ending by this deadline: a command still running then is stopped by the
     * machine (or abandoned when the machine does not answer) and reported as {@link DeadlinePassed}.
     */
    public Channel bound(Channel channel) {
        return channel instanceof BoundedChannel b ? b.until(this) : new BoundedChannel(channel, this);
    }
}
