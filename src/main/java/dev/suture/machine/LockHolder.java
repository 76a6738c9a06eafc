package dev.suture.machine;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Who holds a machine's lock, as written in the lock itself (the target of the {@code lock} symlink):
 * {@code suture-lock v1 TOKEN HOST BOOT PID PIDSTART SINCE UNTIL COMMAND...}. SINCE and UNTIL are seconds on
 * the machine's own clock, so the lease is judged without trusting two clocks to agree.
 */
sealed interface LockHolder {
    String MAGIC = "suture-lock v1";

    /** The holder's own words for the messages of those waiting: command, pid, host and since when. */
    String describe();

    /**
     * Why this holder no longer holds the lock, or empty while it may. THE STALE RULE:
     * a holder on this host (same host name and boot id) holds it exactly as long as its process lives (same pid
     * and start time), however long that takes; a holder anywhere else (another host, or this host before a
     * reboot) holds it until its lease ends on the machine's clock. A lock Suture cannot read is never judged
     * stale: it is left for a person to remove.
     */
    Optional<String> staleBecause(ThisHost here, long machineNow);

    /** The lock's text as Suture writes it; SINCE and UNTIL are filled in by the machine's shell. */
    static String prefix(String token, ThisHost here, long pid, long pidStart) {
        return String.join(" ", MAGIC, token, here.host(), here.boot(), Long.toString(pid), Long.toString(pidStart));
    }

    static LockHolder parse(String raw) {
        String text = raw.strip();
        if (!text.startsWith(MAGIC + " ")) {
            return new Unreadable(text);
        }
        String[] f = text.substring(MAGIC.length() + 1).split(" ", 8);
        if (f.length < 8) {
            return new Unreadable(text);
        }
        try {
            return new Known(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                    Long.parseLong(f[6]), f[7]);
        } catch (NumberFormatException e) {
            return new Unreadable(text);
        }
    }

    record Known(String token, String host, String boot, long pid, long pidStart, long since, long until,
                 String command) implements LockHolder {
        public String describe() {
            return "'suture " + command + "' (pid " + pid + " on " + host + ", since " + clock(since) + ")";
        }

        public Optional<String> staleBecause(ThisHost here, long machineNow) {
            if (here.host().equals(host) && here.boot().equals(boot)) {
                return here.runs(pid, pidStart) ? Optional.empty()
                        : Optional.of("its process " + pid + " on " + host + " has ended");
            }
            return machineNow > until
                    ? Optional.of("its lease ended at " + clock(until) + " and its holder runs on another host")
                    : Optional.empty();
        }
    }

    record Unreadable(String raw) implements LockHolder {
        public String describe() {
            return "an unknown holder ('" + raw + "')";
        }

        public Optional<String> staleBecause(ThisHost here, long machineNow) {
            return Optional.empty();
        }
    }

    private static String clock(long epochSeconds) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochSecond(epochSeconds));
    }
}
