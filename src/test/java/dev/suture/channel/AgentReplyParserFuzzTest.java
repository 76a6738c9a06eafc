package dev.suture.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Arbitrary bytes from the serial port against the VM agent's reply parser. The first input byte is the size of
 * the reads the bytes arrive in (0: all at once), the rest is the stream. The contract: nothing is thrown (the
 * sink is memory), and however the stream is cut into reads the parser finds what a reading of the whole stream
 * finds: the body between the first {@code \nTOKEN BEGIN\n} and the first {@code \nTOKEN END } after it, and
 * the status up to the next newline; before the end arrives the output is a prefix of that body and holds back
 * no more than the end marker and a status could need. A normal test run replays the seeds in
 * {@code AgentReplyParserFuzzTestInputs/feed}; with {@code JAZZER_FUZZ=1} Jazzer mutates them for real.
 */
class AgentReplyParserFuzzTest {
    private static final String TOKEN = "0123456789abcdef";
    private static final byte[] BEGIN = ("\n" + TOKEN + " BEGIN\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = ("\n" + TOKEN + " END ").getBytes(StandardCharsets.US_ASCII);
    /** What the parser may hold back of a body whose end has not arrived: the end marker and a status. */
    private static final int HELD_BACK = END.length + 12;

    @FuzzTest(maxDuration = "10m")
    void feed(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        int readSize = input[0] & 0xff;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentReplyParser parser = new AgentReplyParser(TOKEN, out);
        OptionalInt status = OptionalInt.empty();
        int step = readSize == 0 ? Math.max(1, stream.length) : readSize;
        for (int at = 0; at < stream.length && status.isEmpty(); at += step) {
            int length = Math.min(step, stream.length - at);
            // A read fills only part of its buffer: bytes past length must be ignored.
            byte[] buffer = new byte[length + 3];
            Arrays.fill(buffer, (byte) '\n');
            System.arraycopy(stream, at, buffer, 0, length);
            status = parser.feed(buffer, length);
        }
        assertMatchesWholeStreamReading(stream, status, out.toByteArray());
        if (status.isPresent()) {
            int written = out.size();
            assertThat(parser.feed(BEGIN, BEGIN.length)).isEqualTo(status);
            assertThat(out.size()).isEqualTo(written);
        }
    }

    private static void assertMatchesWholeStreamReading(byte[] stream, OptionalInt status, byte[] output) {
        int begin = AgentReplyParser.indexOf(stream, BEGIN, 0);
        if (begin < 0) {
            assertThat(status).isEmpty();
            assertThat(output).isEmpty();
            return;
        }
        int start = begin + BEGIN.length;
        int end = AgentReplyParser.indexOf(stream, END, start);
        int newline = end < 0 ? -1 : AgentReplyParser.indexOf(stream, new byte[] {'\n'}, end + END.length);
        if (newline >= 0) {
            assertThat(output).isEqualTo(Arrays.copyOfRange(stream, start, end));
            String digits = new String(stream, end + END.length, newline - end - END.length,
                    StandardCharsets.US_ASCII).trim();
            assertThat(status).hasValue(expectedStatus(digits));
            return;
        }
        assertThat(status).isEmpty();
        int bodyEnd = end >= 0 ? end : stream.length;
        assertThat(output).isEqualTo(Arrays.copyOfRange(stream, start, start + output.length));
        assertThat(output.length).isLessThanOrEqualTo(bodyEnd - start)
                .isGreaterThanOrEqualTo(end >= 0 ? end - start : bodyEnd - start - HELD_BACK);
    }

    private static int expectedStatus(String digits) {
        if (digits.equals("T")) {
            return AgentReplyParser.STOPPED_AT_LIMIT;
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 255;
        }
    }
}
