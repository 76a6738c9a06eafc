package dev.suture.patch.source;

import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mail around a {@code git format-patch} diff: its subject, and the line the patch starts on. Like
 * {@code git am}, the commit message ends at the first line that is exactly {@code ---}, so a message that quotes
 * diff-looking lines is not mistaken for the patch.
 */
record Mail(Optional<String> subject, int patchStart) {
    private static final Pattern HEADER = Pattern.compile("([A-Za-z0-9-]+):[ \\t]*(.*)");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_ENCODED_WORDS = Pattern.compile("(?<=\\?=)[ \\t]+(?==\\?)");

    /** The mail these lines begin with, or empty when they begin with something else (a plain or git diff). */
    static Optional<Mail> read(List<String> lines, String name) {
        int at = !lines.isEmpty() && Text.bare(lines.getFirst()).startsWith("From ") ? 1 : 0; // mbox separator
        String subject = null;
        String encoding = null;
        String header = null;
        StringBuilder value = new StringBuilder();
        boolean addressed = false;
        for (; ; at++) {
            if (at == lines.size()) {
                return Optional.empty(); // headers without a body: not a mail
            }
            String line = Text.bare(lines.get(at));
            boolean continued = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (continued && header != null) {
                value.append(line);
                continue;
            }
            if (header != null) {
                switch (header) {
                    case "subject" -> subject = value.toString();
                    case "content-transfer-encoding" -> encoding = value.toString().strip().toLowerCase(Locale.ROOT);
                    default -> { }
                }
            }
            if (line.isEmpty()) {
                break;
            }
            Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                return Optional.empty();
            }
            header = m.group(1).toLowerCase(Locale.ROOT);
            addressed |= header.equals("from") || header.equals("subject");
            value.setLength(0);
            value.append(m.group(2));
        }
        if (!addressed) {
            return Optional.empty();
        }
        if ("base64".equals(encoding) || "quoted-printable".equals(encoding)) {
            throw new SutureException(name + ": the mail's body is " + encoding + " encoded, so its diff lines are not"
                    + " the diff's", "save the patch as git format-patch wrote it, not a mail client's encoded copy");
        }
        int body = at + 1;
        int patch = body;
        while (patch < lines.size() && !Text.bare(lines.get(patch)).equals("---")) {
            patch++;
        }
        return Optional.of(new Mail(Optional.ofNullable(subject).map(Mail::cleanSubject).filter(s -> !s.isEmpty()),
                patch < lines.size() ? patch + 1 : body));
    }

    /** The subject as a name: encoded words decoded, and {@code [PATCH v2 3/7]}-style tags dropped. */
    private static String cleanSubject(String raw) {
        String s = decodeWords(raw).strip();
        while (s.startsWith("[") && s.indexOf(']') > 0) {
            s = s.substring(s.indexOf(']') + 1).strip();
        }
        return s;
    }

    /** RFC 2047 encoded words, which git format-patch writes for a subject that is not plain ASCII. */
    private static String decodeWords(String raw) {
        Matcher m = ENCODED_WORD.matcher(BETWEEN_ENCODED_WORDS.matcher(raw).replaceAll(""));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(decodeWord(m.group(1), m.group(2), m.group(3), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decodeWord(String charset, String encoding, String text, String word) {
        try {
            byte[] bytes = encoding.equalsIgnoreCase("B") ? Base64.getDecoder().decode(text) : unquote(text);
            return new String(bytes, Charset.forName(charset));
        } catch (IllegalArgumentException e) { // an unknown charset or broken encoding: keep the word as written
            return word;
        }
    }

    private static byte[] unquote(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
            if (c == '=' && low >= 0) {
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c == '_' ? ' ' : c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }
}
