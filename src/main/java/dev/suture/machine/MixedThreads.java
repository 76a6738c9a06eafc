package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import dev.suture.machine.TransitionEvent.Blocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The threads an {@code --allow-mixed} apply left running the old code of a replaced function: the kernel does
 * not track them once the transition is completed, so Suture keeps the list on the machine (in {@code /run}: it
 * ends with the boot, as the threads do) for {@code status}, until the patch is reverted.
 */
public final class MixedThreads {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private MixedThreads() {
    }

    private static String file(String patch) {
        return DeadlineWatcher.DIR + "/mixed." + patch;
    }

    /** Writes the list before the transition is completed, so it is there even if this command dies then. */
    static void record(Channel machine, String patch, List<Blocker> threads) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Blocker b : threads) {
            s.append(b.pid()).append(' ').append(b.tid()).append(' ').append(b.kernelThread() ? "kernel" : "user")
                    .append(' ').append(b.neverLeaves() ? "never" : "may").append(' ').append(String.join(",", b.functions())).append(' ')
                    .append(b.comm()).append('\n');
        }
        String target = file(patch);
        String temp = target + ".new";
        machine.run("mkdir -p " + DeadlineWatcher.DIR, LIMIT);
        machine.writeFile(temp, s.toString().getBytes(StandardCharsets.UTF_8), 0644);
        Channel.CommandResult moved = machine.run("mv -f " + ShellQuote.quote(temp) + " " + ShellQuote.quote(target), LIMIT);
        if (!moved.ok()) {
            throw new IOException("cannot record the mixed threads on " + machine.describe() + ": " + moved.output().strip());
        }
    }

    /** The recorded threads that still run (same task, same name): they still run the old code. */
    public static List<Blocker> stillOld(Channel machine, String patch) throws IOException {
        String script = """
                f=%s
                [ -f "$f" ] || exit 0
                while read -r pid tid kind leaves frames comm; do
                  [ "$(cat /proc/$pid/task/$tid/comm 2>/dev/null)" = "$comm" ] && echo "$pid $tid $kind $leaves $frames $comm"
                done < "$f"
                exit 0
                """.formatted(ShellQuote.quote(file(patch)));
        List<Blocker> alive = new ArrayList<>();
        for (String line : machine.run(script, LIMIT).output().lines().toList()) {
            String[] f = line.split(" ", 6);
            if (f.length == 6 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
                List<String> frames = List.of(f[4].split(","));
                alive.add(new Blocker(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[5], frames.getFirst(),
                        f[2].equals("kernel"), frames, f[3].equals("never")));
            }
        }
        return alive;
    }

    /** Forgets the list: the patch is reverted, every task runs the old code again. */
    static void clear(Channel machine, String patch) throws IOException {
        machine.run("rm -f " + ShellQuote.quote(file(patch)), LIMIT);
    }
}
