package dev.suture.machine;

import dev.suture.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A machine for unit tests: each command gets the answer of the first rule it matches. A rule may hold a command
 * as a blocking kernel write does, either like a live agent (stopped at its limit, then an error) or like a
 * machine that stopped answering (ignores its limit until the caller gives up and interrupts it).
 */
final class ScriptedChannel implements Channel {
    private record Rule(Predicate<String> matches, String output, int status, Hold hold) {
    }

    enum Hold { NONE, UNTIL_LIMIT, FOR_EVER }

    private final List<Rule> rules = new ArrayList<>();
    final List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());

    ScriptedChannel answer(String contains, String output) {
        rules.add(new Rule(c -> c.contains(contains), output, 0, Hold.NONE));
        return this;
    }

    ScriptedChannel fail(String contains) {
        rules.add(new Rule(c -> c.contains(contains), "", 1, Hold.NONE));
        return this;
    }

    ScriptedChannel hold(String contains, Hold hold) {
        rules.add(new Rule(c -> c.contains(contains), "", 0, hold));
        return this;
    }

    @Override
    public int run(String command, OutputStream output, Duration timeout) throws IOException {
        ran.add(command);
        Rule rule = rules.stream().filter(r -> r.matches().test(command)).findFirst()
                .orElse(new Rule(c -> true, "", 0, Hold.NONE));
        try {
            switch (rule.hold()) {
                case UNTIL_LIMIT -> {
                    Thread.sleep(timeout);
                    throw new IOException("the command ran past its " + timeout.toSeconds() + " s limit and was killed");
                }
                case FOR_EVER -> Thread.sleep(Duration.ofHours(1));
                case NONE -> {
                }
            }
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("interrupted");
        }
        output.write(rule.output().getBytes(StandardCharsets.UTF_8));
        return rule.status();
    }

    @Override
    public void writeFile(String path, byte[] content, int mode) {
        ran.add("write " + path);
    }

    @Override
    public String describe() {
        return "vm:fake";
    }
}
