package dev.suture.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Finds one framed reply of the VM agent in a byte stream: skips everything up to
 * {@code \nTOKEN BEGIN\n}, passes the body on as it arrives, and stops at {@code \nTOKEN END STATUS\n}.
 * A tail as long as the end marker is held back, so the marker never leaks into the output even when
 * it arrives split across reads.
 */
final class AgentReplyParser {
    private static final int STATUS_DIGITS = 12;
    /** The status of a command the agent killed because it ran past its limit (the agent sends "T"). */
    static final int STOPPED_AT_LIMIT = Integer.MIN_VALUE;

    private final byte[] begin;
    private final byte[] endPrefix;
    private final OutputStream sink;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean inBody;
    private Integer status;

    AgentReplyParser(String token, OutputStream sink) {
        this.begin = ("\n" + token + " BEGIN\n").getBytes(StandardCharsets.US_ASCII);
        this.endPrefix = ("\n" + token + " END ").getBytes(StandardCharsets.US_ASCII);
        this.sink = sink;
    }

    /** Feeds bytes read from the port; returns the status once the reply is complete. */
    OptionalInt feed(byte[] data, int length) throws IOException {
        if (status != null) {
            return OptionalInt.of(status);
        }
        pending.write(data, 0, length);
        byte[] buf = pending.toByteArray();
        int start = 0;
        if (!inBody) {
            int at = indexOf(buf, begin, 0);
            if (at < 0) {
                keepTail(buf, begin.length - 1);
                return OptionalInt.empty();
            }
            inBody = true;
            start = at + begin.length;
        }
        int end = indexOf(buf, endPrefix, start);
        if (end >= 0) {
            int newline = indexOf(buf, new byte[] {'\n'}, end + endPrefix.length);
            if (newline < 0) {
                sink.write(buf, start, end - start);
                keep(buf, end);
                return OptionalInt.empty();
            }
            sink.write(buf, start, end - start);
            sink.flush();
            String digits = new String(buf, end + endPrefix.length, newline - end - endPrefix.length,
                    StandardCharsets.US_ASCII).trim();
            status = parseStatus(digits);
            pending.reset();
            return OptionalInt.of(status);
        }
        int safe = Math.max(start, buf.length - endPrefix.length - STATUS_DIGITS);
        sink.write(buf, start, safe - start);
        sink.flush();
        keep(buf, safe);
        return OptionalInt.empty();
    }

    private static int parseStatus(String digits) {
        if (digits.equals("T")) {
            return STOPPED_AT_LIMIT;
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            // The agent could not produce a status (e.g. the command's shell was killed): report a failure.
            return 255;
        }
    }

    private void keepTail(byte[] buf, int tail) {
        keep(buf, Math.max(0, buf.length - tail));
    }

    private void keep(byte[] buf, int from) {
        pending.reset();
        pending.write(buf, from, buf.length - from);
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
