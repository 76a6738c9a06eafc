package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import java.io.IOException;
import java.time.Duration;

/**
 * The deadline kept on the machine itself. Started with the load, a detached shell on the machine sleeps until the
 * deadline (plus a grace that lets a living Suture act first) and then, if the command that loaded the patch never
 * cancelled it — its process died, its SSH connection dropped — takes back a transition still under way and
 * unloads the module, so a lost connection never leaves a half-applied patch past its deadline. It writes what it
 * did to the kernel log and to a note {@code suture status} reads.
 */
public final class DeadlineWatcher {
    static final String DIR = "/run/suture";
    /** How long past the deadline the watcher waits for the reverse transition before it gives up (and says so). */
    private static final int REVERSE_LIMIT_SECONDS = 300;

    private DeadlineWatcher() {
    }

    /** A started watcher: cancel it when the command finishes, however it finishes. */
    record Watch(String name, String token) {
    }

    private static final String SCRIPT = """
            sleep "$1"
            m=%1$s/watch.$2
            [ "$(cut -d' ' -f1 "$m" 2>/dev/null)" = "$3" ] || exit 0
            p=/sys/kernel/livepatch/$2
            if [ -d "$p" ] && [ "$(cat "$p/transition")" = 1 ]; then
              [ "$(cat "$p/enabled")" = 1 ] && echo 0 > "$p/enabled"
              i=0
              while [ -d "$p" ] && [ "$(cat "$p/transition" 2>/dev/null)" = 1 ] && [ $i -lt %2$d ]; do sleep 1; i=$((i+1)); done
              # Once the reverse transition ends the kernel frees the patch (its sysfs directory goes): unload it.
              if [ ! -d "$p" ] || { [ "$(cat "$p/transition")" = 0 ] && [ "$(cat "$p/enabled")" = 0 ]; }; then
                rmmod "$2" 2>/dev/null
                what="took back $2 at its deadline and unloaded it: the command that applied it was gone"
              else
                what="took back $2 at its deadline, but its reverse transition had not finished after %2$d s"
              fi
              echo "suture: $what" > /dev/kmsg 2>/dev/null
              echo "$(date +%%s) $what" > %1$s/watch.$2.note
            fi
            rm -f "$m"
            """.formatted(DIR, REVERSE_LIMIT_SECONDS);

    /** Starts the watcher for patch {@code name}, acting {@code after} from now. */
    static Watch start(Channel machine, String name, Duration after) throws IOException {
        String token = Staging.token();
        String marker = DIR + "/watch." + name;
        String command = "mkdir -p " + DIR + " && rm -f " + ShellQuote.quote(marker + ".note") + " && { setsid sh -c "
                + ShellQuote.quote(SCRIPT) + " suture-deadline " + Math.max(1, after.toSeconds()) + " "
                + ShellQuote.quote(name) + " " + token + " </dev/null >/dev/null 2>&1 & echo \"" + token + " $!\" > "
                + ShellQuote.quote(marker) + "; }";
        Channel.CommandResult r = machine.run(command, Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new IOException("cannot start the deadline watcher on " + machine.describe() + ": " + r.output().strip());
        }
        return new Watch(name, token);
    }

    /** Cancels a watcher this command started: its marker goes, and its sleeping shell with it. */
    static void cancel(Channel machine, Watch watch) throws IOException {
        String marker = DIR + "/watch." + watch.name();
        machine.run("set -- $(cat " + ShellQuote.quote(marker) + " 2>/dev/null); if [ \"$1\" = " + watch.token()
                + " ]; then rm -f " + ShellQuote.quote(marker) + "; kill \"$2\" 2>/dev/null; fi; exit 0", Duration.ofSeconds(30));
    }

    /** Cancels whatever watcher guards patch {@code name}: a command that takes over (revert) now decides. */
    static void takeOver(Channel machine, String name) throws IOException {
        String marker = DIR + "/watch." + name;
        machine.run("set -- $(cat " + ShellQuote.quote(marker) + " 2>/dev/null); rm -f " + ShellQuote.quote(marker)
                + "; [ -n \"$2\" ] && kill \"$2\" 2>/dev/null; exit 0", Duration.ofSeconds(30));
    }

    /** What watchers did since boot while no command was there to see it, oldest first, each with its time. */
    public static java.util.List<String> notes(Channel machine) throws IOException {
        Channel.CommandResult r = machine.run("cat " + DIR + "/watch.*.note 2>/dev/null; exit 0", Duration.ofSeconds(30));
        return r.output().lines().filter(l -> l.matches("\\d+ .+")).sorted().map(l -> {
            int space = l.indexOf(' ');
            return java.time.Instant.ofEpochSecond(Long.parseLong(l.substring(0, space))) + ": " + l.substring(space + 1);
        }).toList();
    }
}
