package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One Suture command at a time on a machine: apply, revert, switch, install and uninstall hold this lock from
 * before they read the machine's state until they are done, so two of them never stage, load or transition at
 * once. It lives on the machine itself, because the commands may run from different processes or hosts.
 *
 * <p>The lock is a symlink, {@code /run/suture/lock}, whose target text names the holder (see {@link LockHolder}).
 * It is runtime state, so it lives in {@code /run}: gone at reboot, and a refused command leaves nothing in the
 * machine's persistent state. symlink(2) creates the name and its content in one step and fails if the name exists, so
 * taking it is atomic over any channel, each of whose commands is a separate process; no daemon and no flock
 * held across commands is needed, and a reader never sees a lock without its holder. A stale lock (see the rule
 * in {@link LockHolder#staleBecause}) is removed under a second, short-lived symlink {@code lock.break}, and
 * only if it still names the same holder, so two waiters that judge it stale together cannot remove the lock
 * one of them has just taken.
 */
public final class MachineLock {
    static final String ROOT = "/run/suture";
    private static final String LOCK = "lock";
    private static final String BREAK = "lock.break";
    /** A breaker holds lock.break for one shell command; one older than this died in it. */
    private static final long BREAK_STALE_SECONDS = 60;
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Channel channel;
    private final String root;
    private final ThisHost here;
    private final Consumer<TransitionEvent> events;

    MachineLock(Channel channel, String root, ThisHost here, Consumer<TransitionEvent> events) {
        this.channel = channel;
        this.root = root;
        this.here = here;
        this.events = events;
    }

    /**
     * Takes the lock of the channel's machine for {@code command} (e.g. "apply suture_x"), waiting as
     * {@code wait} allows; {@code lease} is how long a holder on another host keeps it should it die.
     */
    public static Held acquire(Channel channel, String command, Duration lease, LockWait wait,
                               Consumer<TransitionEvent> events) throws IOException {
        try {
            return new MachineLock(channel, ROOT, ThisHost.current(), events).acquire(command, lease, wait);
        } catch (DeadlinePassed e) {
            // The machine did not finish one look at its lock by the command's deadline (see Deadline.bound).
            throw new SutureException("'suture " + command + "' stopped at its " + e.timeoutSeconds()
                    + " s deadline while waiting for " + channel.describe() + " to " + e.call() + " (taking the Suture lock: "
                    + e.detail() + "); nothing was done", "check that " + channel.describe() + " answers, then retry", 2, e);
        }
    }

    /** The lock while held; closing releases it, only if it is still this holder's. */
    public final class Held implements AutoCloseable {
        private final String token;

        private Held(String token) {
            this.token = token;
        }

        @Override
        public void close() throws IOException {
            String mine = ShellQuote.quote(LockHolder.MAGIC + " " + token + " ") + "*";
            Channel.CommandResult r = channel.run("cd " + ShellQuote.quote(root) + " && case \"$(readlink " + LOCK
                    + " 2>/dev/null)\" in " + mine + ") rm -f " + LOCK + " ;; esac");
            if (!r.ok()) {
                throw new SutureException("could not release the Suture lock on " + channel.describe() + ": "
                        + r.output().strip(), "if no Suture command runs there, remove " + path() + " on the machine");
            }
        }
    }

    Held acquire(String command, Duration lease, LockWait wait) throws IOException {
        String token = Staging.token();
        String prefix = LockHolder.prefix(token, here, ThisHost.pid(), ThisHost.pidStart());
        String words = java.util.Arrays.stream(command.strip().split("\\s+")).map(ThisHost::token)
                .collect(java.util.stream.Collectors.joining(" "));
        // SINCE and UNTIL come from the machine's clock, the one every waiter compares them with.
        String take = "mkdir -p " + ShellQuote.quote(root) + " && cd " + ShellQuote.quote(root)
                + " && now=$(date +%s) && if ln -sn " + ShellQuote.quote(prefix + " ") + "\"$now $((now + "
                + Math.max(1, lease.toSeconds()) + ")) \"" + ShellQuote.quote(words) + " " + LOCK
                + " 2>/dev/null; then echo acquired; else echo held; readlink " + LOCK + "; echo; date +%s; fi";
        long start = System.nanoTime();
        String announced = null;
        while (true) {
            Channel.CommandResult r = channel.run(take);
            List<String> lines = r.output().lines().toList();
            if (!r.ok() || lines.isEmpty()) {
                throw new SutureException("cannot take the Suture lock on " + channel.describe() + " (" + path() + "): "
                        + r.output().strip().replace('\n', ' '), "check that " + root + " on the machine is writable");
            }
            if (lines.getFirst().equals("acquired")) {
                return new Held(token);
            }
            String raw = lines.size() > 1 ? lines.get(1) : "";
            LockHolder holder = LockHolder.parse(raw);
            if (!raw.isBlank()) {
                Optional<String> stale = holder.staleBecause(here, parseLong(lines.getLast()));
                if (stale.isPresent() && breakStale(raw)) {
                    events.accept(new TransitionEvent.StaleLockCleared(channel.describe(), holder.describe(), stale.get()));
                    continue;
                }
            }
            // A blank holder: released between our attempt and the readlink. Either way the next attempt tells,
            // and every path below answers to the deadline.
            if (wait.noWait() && !raw.isBlank()) {
                throw new SutureException(channel.describe() + " is busy: " + holder.describe()
                        + " holds its Suture lock; nothing was done",
                        "wait for it to finish, or leave out --no-wait to queue behind it");
            }
            Duration left = wait.patience().minus(Duration.ofNanos(System.nanoTime() - start));
            if (left.isNegative() || left.isZero()) {
                throw new SutureException("waited " + wait.patience().toSeconds() + " s for the Suture lock on "
                        + channel.describe() + ", still held by " + holder.describe() + "; nothing was done",
                        "retry later or with a longer --timeout; if no Suture command runs there, remove " + path()
                                + " on the machine");
            }
            if (raw.isBlank()) {
                sleep(Duration.ofMillis(Math.min(100, left.toMillis())));
                continue;
            }
            if (!raw.equals(announced)) {
                announced = raw;
                events.accept(new TransitionEvent.Waiting(channel.describe(), holder.describe(), wait.patience().toSeconds()));
            }
            sleep(left.compareTo(POLL) < 0 ? left : POLL);
        }
    }

    /** Removes the lock if it still holds exactly {@code raw}; false when it changed or another breaker is at it. */
    private boolean breakStale(String raw) throws IOException {
        String script = """
                cd %1$s || exit 1
                if ! ln -sn "breaking $(date +%%s)" %2$s 2>/dev/null; then
                  b=$(readlink %2$s); t=${b##* }
                  case "$t" in ''|*[!0-9]*) t=0 ;; esac
                  [ $(( $(date +%%s) - t )) -gt %3$d ] && rm -f %2$s
                  echo busy; exit 0
                fi
                r=1
                [ "$(readlink %4$s)" = %5$s ] && rm -f %4$s && r=0
                rm -f %2$s
                [ $r = 0 ] && echo removed || echo changed
                """.formatted(ShellQuote.quote(root), BREAK, BREAK_STALE_SECONDS, LOCK, ShellQuote.quote(raw));
        String answer = channel.run(script).output().strip();
        if (answer.equals("busy")) {
            sleep(Duration.ofMillis(200));
        }
        return answer.equals("removed");
    }

    private String path() {
        return root + "/" + LOCK;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while waiting for the Suture lock", null, e);
        }
    }
}
