package dev.suture.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AgentReplyParserTest {
    private static final String TOKEN = "0123456789abcdef";

    @Test
    void skipsStaleBytesAndReturnsBodyAndStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentReplyParser parser = new AgentReplyParser(TOKEN, out);
        OptionalInt status = feed(parser, "old junk\nffff BEGIN\nnot ours\n" + "\n" + TOKEN + " BEGIN\nhello\nworld"
                + "\n" + TOKEN + " END 3\n");
        assertThat(status).hasValue(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\nworld");
    }

    @Test
    void commandKilledAtItsLimitHasItsOwnStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentReplyParser parser = new AgentReplyParser(TOKEN, out);
        OptionalInt status = feed(parser, "\n" + TOKEN + " BEGIN\npartial" + "\n" + TOKEN + " END T\n");
        assertThat(status).hasValue(AgentReplyParser.STOPPED_AT_LIMIT);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("partial");
    }

    @Test
    void findsMarkersSplitAcrossReadsByteByByte() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentReplyParser parser = new AgentReplyParser(TOKEN, out);
        String stream = "\n" + TOKEN + " BEGIN\nline one\nline two" + "\n" + TOKEN + " END 0\n";
        OptionalInt status = OptionalInt.empty();
        for (byte b : stream.getBytes(StandardCharsets.US_ASCII)) {
            status = parser.feed(new byte[] {b}, 1);
            if (status.isPresent()) {
                break;
            }
        }
        assertThat(status).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("line one\nline two");
    }

    @Test
    void passesBinaryBodiesAndLookalikeMarkersThrough() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentReplyParser parser = new AgentReplyParser(TOKEN, out);
        byte[] body = new byte[4096];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        String lookalike = "\nfedcba9876543210 END 1\n";
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(("\n" + TOKEN + " BEGIN\n").getBytes(StandardCharsets.US_ASCII));
        stream.writeBytes(body);
        stream.writeBytes(lookalike.getBytes(StandardCharsets.US_ASCII));
        stream.writeBytes(("\n" + TOKEN + " END 0\n").getBytes(StandardCharsets.US_ASCII));
        byte[] all = stream.toByteArray();
        OptionalInt status = OptionalInt.empty();
        for (int at = 0; at < all.length && status.isEmpty(); at += 1000) {
            byte[] chunk = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + 1000));
            status = parser.feed(chunk, chunk.length);
        }
        assertThat(status).hasValue(0);
        byte[] expected = new byte[body.length + lookalike.length()];
        System.arraycopy(body, 0, expected, 0, body.length);
        System.arraycopy(lookalike.getBytes(StandardCharsets.US_ASCII), 0, expected, body.length, lookalike.length());
        assertThat(out.toByteArray()).isEqualTo(expected);
    }

    @Test
    void incompleteReplyHasNoStatusYet() throws Exception {
        AgentReplyParser parser = new AgentReplyParser(TOKEN, new ByteArrayOutputStream());
        assertThat(feed(parser, "\n" + TOKEN + " BEGIN\npartial output")).isEmpty();
    }

    private static OptionalInt feed(AgentReplyParser parser, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return parser.feed(bytes, bytes.length);
    }
}
