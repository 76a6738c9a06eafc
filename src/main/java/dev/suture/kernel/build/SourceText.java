package dev.suture.kernel.build;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a source file's bytes become text and back: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1. A few
 * kernel files still carry Latin-1 bytes, and ISO-8859-1 maps every byte to one char, so neither choice loses or
 * alters a byte, and a file written back with the charset it was read with compiles to the same strings.
 */
public final class SourceText {
    private SourceText() {
    }

    /** Decoded text and the charset that gives the same bytes back when it is written. */
    public record Decoded(String text, Charset charset) {
    }

    public static Decoded decode(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new Decoded(text, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            return new Decoded(new String(bytes, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
        }
    }

    public static Decoded read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }

    /**
     * The charset to write a changed copy of {@code file} with: the one its current bytes decode with, UTF-8 for a
     * file that does not exist yet (one the fix adds).
     */
    static Charset charsetOf(Path file) throws IOException {
        return Files.isRegularFile(file) ? read(file).charset() : StandardCharsets.UTF_8;
    }
}
