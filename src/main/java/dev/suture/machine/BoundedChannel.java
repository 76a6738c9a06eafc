package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A channel whose every call ends by a {@link Deadline}. The machine is asked to stop the command at what is left
 * of the deadline (a channel's own timeout does that: the VM agent kills it, this host destroys it); should its
 * answer not come within {@link #ANSWER} of that, the call is abandoned (its thread interrupted) and the machine
 * counts as silent: later calls, by this channel or a sibling of another deadline, fail at once instead of sending
 * more to a machine that may run them much later. This is how a kernel write, an rmmod or an agent that blocks
 * can no longer hold a command past its deadline.
 */
final class BoundedChannel implements Channel {
    /** How long past its limit a call waits for the machine to answer that it stopped the command. */
    static final Duration ANSWER = Duration.ofSeconds(3);
    private static final Duration DEFAULT = Duration.ofMinutes(5);
    private static final Duration ROUNDING = Duration.ofMillis(2100);

    private final Channel raw;
    private final Deadline deadline;
    /** Why the machine counts as silent (shared by siblings), or null while it answers. */
    private final AtomicReference<String> silence;

    BoundedChannel(Channel raw, Deadline deadline) {
        this(raw, deadline, new AtomicReference<>());
    }

    private BoundedChannel(Channel raw, Deadline deadline, AtomicReference<String> silence) {
        this.raw = raw;
        this.deadline = deadline;
        this.silence = silence;
    }

    /** The same machine under another deadline, e.g. the cleanup after this one; silence is shared. */
    BoundedChannel until(Deadline other) {
        return new BoundedChannel(raw, other, silence);
    }

    @Override
    public int run(String command, OutputStream output, Duration timeout) throws IOException {
        return call("run '" + brief(command) + "'", timeout, limit -> raw.run(command, output, limit));
    }

    @Override
    public void writeFile(String path, byte[] content, int mode) throws IOException {
        call("write " + path, DEFAULT, limit -> {
            raw.writeFile(path, content, mode);
            return 0;
        });
    }

    @Override
    public byte[] readFile(String path) throws IOException {
        return readFile(path, DEFAULT);
    }

    @Override
    public byte[] readFile(String path, Duration timeout) throws IOException {
        return call("read " + path, timeout, limit -> raw.readFile(path, limit));
    }

    @Override
    public String describe() {
        return raw.describe();
    }

    @Override
    public List<String> targetOptions() {
        return raw.targetOptions();
    }

    private interface Call<T> {
        T run(Duration limit) throws IOException;
    }

    private <T> T call(String what, Duration timeout, Call<T> body) throws IOException {
        String quiet = silence.get();
        if (quiet != null) {
            throw new DeadlinePassed(deadline, describe(), what, describe() + " stopped answering (" + quiet
                    + "), so nothing more was sent to it", true, null);
        }
        Duration left = deadline.remaining();
        if (left.isZero()) {
            throw new DeadlinePassed(deadline, describe(), what, "no time was left to ask", false, null);
        }
        Duration limit = timeout.compareTo(left) < 0 ? timeout : left;
        long started = System.nanoTime();
        FutureTask<T> task = new FutureTask<>(() -> body.run(limit));
        Thread thread = Thread.ofVirtual().name("suture-machine-call").start(task);
        try {
            return task.get(limit.plus(ANSWER).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            silence.compareAndSet(null, "no answer to " + what + " within " + seconds(limit.plus(ANSWER)));
            throw new DeadlinePassed(deadline, describe(), what, "no answer within " + seconds(limit.plus(ANSWER))
                    + "; nothing more is sent to it", true, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // The machine stopped the command at the limit this call set from the deadline: the deadline passed. A
            // channel may count its limit on a clock of whole seconds (the VM agent does) and stop it up to two early.
            if (cause instanceof IOException io && limit.compareTo(timeout) < 0
                    && System.nanoTime() - started >= limit.minus(ROUNDING).toNanos()) {
                throw new DeadlinePassed(deadline, describe(), what, "stopped at the deadline: " + io.getMessage(),
                        false, io);
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while waiting for " + describe(), null, e);
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    /** The first line of a command, shortened: enough for people to recognise it. */
    static String brief(String command) {
        String first = command.strip().lines().findFirst().orElse("");
        return first.length() > 80 ? first.substring(0, 77) + "..." : first;
    }
}
