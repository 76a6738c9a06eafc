package dev.suture.machine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@link CallCounter#read} brings back from a machine, parsed: per patch, since when its calls are counted and
 * how many each replaced function had, from the {@code Totals: Hits:} of the hist trigger Suture placed.
 *
 * <p>The machine's answer is a list of lines: {@code patch NAME}, {@code since EPOCH-SECONDS}, then for each
 * function {@code function NAME} followed by its event's {@code hist} file, every line prefixed with {@code "| "}.
 */
final class CallCounterReading {
    /** The start of the trigger Suture places, as the kernel shows it in a hist file's "trigger info". */
    static final String TRIGGER = "hist:keys=__probe_ip";

    private CallCounterReading() {
    }

    /** One patch's counters: since when, and the calls per function (a function whose hist was unreadable is absent). */
    record Counted(Instant since, Map<String, Long> calls) {
        Counted {
            calls = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(calls));
        }
    }

    static Map<String, Counted> parse(String answer) {
        Map<String, Counted> patches = new LinkedHashMap<>();
        String patch = null;
        Instant since = null;
        Map<String, Long> calls = new LinkedHashMap<>();
        String function = null;
        StringBuilder hist = new StringBuilder();
        for (String line : (answer + "\npatch").lines().toList()) {
            if (line.startsWith("| ") || line.equals("|")) {
                hist.append(line.substring(Math.min(2, line.length()))).append('\n');
                continue;
            }
            if (function != null) {
                OptionalLong n = hits(hist.toString());
                if (n.isPresent()) {
                    calls.put(function, n.getAsLong());
                }
            }
            function = null;
            hist.setLength(0);
            String[] word = line.split(" ", 2);
            switch (word[0]) {
                case "patch" -> {
                    if (patch != null && since != null) {
                        patches.put(patch, new Counted(since, calls));
                    }
                    patch = word.length == 2 ? word[1].strip() : null;
                    since = null;
                    calls.clear();
                }
                case "since" -> since = word.length == 2 && word[1].strip().matches("\\d+")
                        ? Instant.ofEpochSecond(Long.parseLong(word[1].strip())) : null;
                case "function" -> function = word.length == 2 ? word[1].strip() : null;
                default -> {
                    // Anything else (a shell's complaint) says nothing about the counts.
                }
            }
        }
        return patches;
    }

    /**
     * The hits of Suture's trigger in one event's hist file: the {@code Hits:} under its {@code Totals:}. Another
     * hist trigger someone placed on the same event has its own section, with its own trigger info, and is skipped.
     */
    static OptionalLong hits(String hist) {
        boolean ours = false;
        for (String line : List.of(hist.split("\n"))) {
            String s = line.strip();
            if (s.startsWith("# trigger info:")) {
                ours = s.substring("# trigger info:".length()).strip().startsWith(TRIGGER + ":");
            } else if (ours && s.matches("Hits:\\s*\\d+")) {
                return OptionalLong.of(Long.parseLong(s.substring("Hits:".length()).strip()));
            }
        }
        return OptionalLong.empty();
    }
}
