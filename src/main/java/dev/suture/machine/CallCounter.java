package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import dev.suture.manifest.PatchManifest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Counts how often a patch's new code runs, with the kernel's own tracing ({@code --count-calls}): a kprobe event
 * on each replacement in the patch module, in an event group named after the patch, and on each a hist trigger
 * keyed on the probe's address, so its {@code Totals: Hits} is the number of calls. A trigger runs with the event
 * soft-disabled: nothing is written to the trace buffer.
 *
 * <p>The counters must go before the module does. On 6.1 an enabled kprobe event holds no reference on the module
 * it probes: rmmod succeeds, the kernel marks the kprobe gone, but the event and its trigger stay, and when a module
 * of that name is loaded again the kernel re-arms the event on it and the old histogram counts on. So they are
 * removed before every unload, and before every load of a patch of that name.
 *
 * <p>Since when is kept on the machine in {@code /run/suture/calls.NAME} (with each event's function), written
 * before the events so that removal always finds what a dying command placed.
 */
public final class CallCounter {
    static final String TRACING = "/sys/kernel/tracing";
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private CallCounter() {
    }

    private static String record(String patch) {
        return DeadlineWatcher.DIR + "/calls." + patch;
    }

    /**
     * Refuses, before anything is loaded, a machine whose kernel cannot count calls: tracefs, kprobe events
     * (CONFIG_KPROBE_EVENTS), hist triggers (CONFIG_HIST_TRIGGERS), kprobes switched on. Mounts tracefs where the
     * kernel has it but nobody mounted it.
     *
     * @param without the command that does the same without {@code --count-calls}, for the remedy
     */
    static void requireSupported(Channel machine, String patch, String without) throws IOException {
        if (!patch.matches(NAME)) {
            throw new SutureException("--count-calls cannot count the calls of " + patch + ": the kernel's tracing does "
                    + "not take its name as an event group; nothing was loaded", "apply without counting: " + without);
        }
        String script = """
                t=%1$s
                [ -d $t ] || { echo no-tracefs; exit 0; }
                [ -e $t/README ] || mount -t tracefs nodev $t 2>/dev/null
                err=$(cat $t/README 2>&1 >/dev/null) || { echo "unreadable ${err:-no $t/README}"; exit 0; }
                [ -e $t/kprobe_events ] || { echo no-kprobe-events; exit 0; }
                grep -q 'hist trigger' $t/README || { echo no-hist-triggers; exit 0; }
                [ "$(cat /sys/kernel/debug/kprobes/enabled 2>/dev/null)" = 0 ] && { echo kprobes-off; exit 0; }
                echo ok
                """.formatted(TRACING);
        String answer = machine.run(script, LIMIT).output().strip();
        String on = machine.describe();
        String cause = switch (answer.split(" ", 2)[0]) {
            case "ok" -> null;
            case "no-tracefs" -> "the kernel of " + on + " has no tracing (no " + TRACING + ")";
            case "unreadable" -> TRACING + " cannot be read on " + on + " (" + answer.substring("unreadable".length()).strip()
                    + "; a kernel locked down for confidentiality refuses tracing)";
            case "no-kprobe-events" -> "the kernel of " + on + " has no kprobe events (built without CONFIG_KPROBE_EVENTS)";
            case "no-hist-triggers" -> "the kernel of " + on + " has no hist triggers (built without CONFIG_HIST_TRIGGERS)";
            case "kprobes-off" -> "kprobes are switched off on " + on + " (/sys/kernel/debug/kprobes/enabled is 0)";
            default -> "the tracing of " + on + " could not be checked (" + answer + ")";
        };
        if (cause != null) {
            throw new SutureException("--count-calls cannot count on this machine: " + cause + "; nothing was loaded",
                    (answer.equals("kprobes-off") ? "switch them on with 'echo 1 > /sys/kernel/debug/kprobes/enabled' "
                            + "there, or " : "") + "apply without counting: " + without);
        }
    }

    /**
     * Starts counting the calls of every replacement of a patch now loaded and applied. Whatever this placed is
     * taken back if any step fails, so a failure leaves no counter.
     */
    static void place(Channel machine, PatchManifest manifest) throws IOException {
        String patch = manifest.name();
        if (!patch.matches(NAME)) {
            throw new IllegalArgumentException("not an event group name: " + patch);  // requireSupported refused it
        }
        List<CallCounterProbe> probes = CallCounterProbe.of(manifest);
        StringBuilder recordText = new StringBuilder();
        StringBuilder placing = new StringBuilder();
        for (CallCounterProbe p : probes) {
            recordText.append(p.event()).append(' ').append(p.function()).append('\n');
            placing.append("add ").append(ShellQuote.quote(p.event())).append(' ')
                    .append(ShellQuote.quote(patch + ":" + p.replacement())).append('\n');
        }
        String script = """
                t=%1$s; g=%2$s; rec=%3$s
                undo() {
                %4$s
                }
                add() {
                  echo "p:$g/$1 $2" >> $t/kprobe_events 2>/dev/null \\
                    || { echo "no kprobe on $2: $(reason)"; undo; exit 1; }
                  echo '%5$s' >> $t/events/$g/$1/trigger 2>/dev/null \\
                    || { echo "no hist trigger on $g/$1: $(reason)"; undo; exit 1; }
                }
                # The kernel's reason is the error line the failed write added to error_log, if it added one.
                last() { grep 'error:' $t/error_log 2>/dev/null | tail -n 1; }
                before=$(last)
                reason() {
                  l=$(last); [ "$l" != "$before" ] && echo "$l" | sed 's/^\\[[^]]*\\] *//' || echo "see dmesg"
                }
                mkdir -p %6$s && printf 'since %%s\\n%%s' "$(date +%%s)" %7$s > "$rec" \\
                  || { echo "cannot write $rec"; exit 1; }
                %8$s
                """.formatted(TRACING, patch, ShellQuote.quote(record(patch)), removal().strip(),
                CallCounterReading.TRIGGER, DeadlineWatcher.DIR, ShellQuote.quote(recordText.toString()), placing);
        Channel.CommandResult r = machine.run(script, LIMIT);
        if (!r.ok()) {
            throw new SutureException("patch " + patch + " is applied and runs the new code, but its calls cannot be "
                    + "counted on " + machine.describe() + ": " + r.output().strip(),
                    "it stays applied; take it back with " + Remedy.suture(machine, "revert", patch)
                            + " and apply it again without --count-calls");
        }
    }

    /**
     * Removes a patch's counters: each trigger, then each event of its group (the kernel refuses to remove an
     * event that still has a trigger), then the record. Harmless where there are none.
     *
     * @param left  what a failure leaves, for its message ("nothing was loaded")
     * @param retry the command to run again once the events are free
     */
    static void remove(Channel machine, String patch, String left, String retry) throws IOException {
        if (!patch.matches(NAME)) {
            return;  // never counted: requireSupported refuses such names
        }
        Channel.CommandResult r = machine.run("t=" + TRACING + "; g=" + patch + "; rec=" + ShellQuote.quote(record(patch))
                + "\n" + removal(), LIMIT);
        if (!r.ok()) {
            throw new SutureException("the call counters of " + patch + " on " + machine.describe()
                    + " could not be removed, and " + left + ": " + r.output().strip(),
                    "stop what else uses the events in " + TRACING + "/events/" + patch + " (perf, a trigger of "
                            + "your own), then run " + retry + " again");
        }
    }

    /**
     * The removal script: with tracefs mounted where counters were recorded, every event of the group is disabled
     * (someone may have enabled it to trace; the kernel keeps an enabled event) and loses its triggers (each written
     * back with '!', without the kernel's "[active]"), then the event goes.
     */
    private static String removal() {
        return """
                [ -e $t/kprobe_events ] || { [ -e "$rec" ] && mount -t tracefs nodev $t 2>/dev/null; }
                if [ -e $t/kprobe_events ]; then
                  for e in $(sed -n "s|^[pr][0-9]*:$g/\\([^ ]*\\) .*|\\1|p" $t/kprobe_events); do
                    echo 0 > $t/events/$g/$e/enable 2>/dev/null
                    f=$t/events/$g/$e/trigger
                    grep -v '^#' $f 2>/dev/null | sed 's/ *\\[[a-z]*\\]$//' | while read -r x; do echo "!$x" >> $f; done
                    echo "-:$g/$e" >> $t/kprobe_events 2>/dev/null
                  done
                  if grep -q "^[pr][0-9]*:$g/" $t/kprobe_events; then
                    echo "the kernel keeps $(grep -c "^[pr][0-9]*:$g/" $t/kprobe_events) event(s) of $g busy"; exit 1
                  fi
                fi
                rm -f "$rec"
                """;
    }

    /**
     * Every patch's counters on the machine, in one command: each record and the hist file of each of its events.
     * A patch whose counters were removed since is absent.
     */
    static Map<String, CallCounterReading.Counted> read(Channel machine) throws IOException {
        String script = """
                for f in %1$s/calls.*; do
                  [ -f "$f" ] || continue
                  p=${f##*/calls.}
                  echo "patch $p"
                  while read -r a b; do
                    if [ "$a" = since ]; then echo "since $b"; continue; fi
                    echo "function $b"
                    sed 's/^/| /' "%2$s/events/$p/$a/hist" 2>/dev/null
                  done < "$f"
                done
                exit 0
                """.formatted(DeadlineWatcher.DIR, TRACING);
        return CallCounterReading.parse(machine.run(script, LIMIT).output());
    }

    /** A module name the kernel also takes as an event group name. */
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,62}";
}
