package dev.suture.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a VM's console log for the kernel's own reports of trouble: panics, oopses, BUGs, WARNs,
 * lockups and stalls. The patterns are the kernel's fixed message prefixes (printk of panic(),
 * die(), BUG(), __warn(), the watchdogs and RCU).
 */
public final class ConsoleScanner {
    private static final int BEFORE = 3;
    private static final int AFTER = 25;

    private record Rule(KernelProblem.Kind kind, Pattern pattern) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(KernelProblem.Kind.PANIC, Pattern.compile("Kernel panic - not syncing")),
            new Rule(KernelProblem.Kind.LOCKUP, Pattern.compile(
                    "watchdog: BUG: soft lockup|Watchdog detected hard LOCKUP|INFO: task .* blocked for more than"
                            + "|rcu: INFO: rcu_\\w+ (self-)?detected stall|rcu_\\w+ detected stalls")),
            new Rule(KernelProblem.Kind.OOPS, Pattern.compile(
                    "Oops: |general protection fault|BUG: unable to handle|BUG: kernel NULL pointer")),
            new Rule(KernelProblem.Kind.BUG, Pattern.compile("kernel BUG at |BUG: ")),
            new Rule(KernelProblem.Kind.WARNING, Pattern.compile("WARNING: CPU: \\d+ PID: \\d+ |WARNING: at ")));

    private ConsoleScanner() {
    }

    /** Every problem in the log, in the order they appear; the first line of a report names it. */
    public static List<KernelProblem> scan(String console) {
        List<String> lines = console.lines().map(ConsoleScanner::clean).toList();
        List<KernelProblem> found = new ArrayList<>();
        int skipUntil = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (i < skipUntil) {
                continue;
            }
            String line = lines.get(i);
            for (Rule rule : RULES) {
                if (rule.pattern().matcher(line).find()) {
                    int from = Math.max(0, i - BEFORE);
                    int to = Math.min(lines.size(), i + AFTER);
                    found.add(new KernelProblem(rule.kind(), line.strip(), List.copyOf(lines.subList(from, to))));
                    // One report spans many lines (a panic follows an oops): count it once.
                    skipUntil = i + AFTER;
                    break;
                }
            }
        }
        return found;
    }

    private static String clean(String line) {
        return line.replace("\r", "");
    }
}
