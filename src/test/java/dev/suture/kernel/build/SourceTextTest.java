package dev.suture.kernel.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source file read as text and written back gives its own bytes, UTF-8 or Latin-1. */
class SourceTextTest {
    @TempDir
    Path dir;

    @Test
    void aUtf8FileIsWrittenBackAsUtf8() throws Exception {
        byte[] bytes = "pr_info(\"delay: 5 \u00b5s\\n\");\n".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("utf8.c"), bytes);

        SourceText.Decoded text = SourceText.read(file);

        assertThat(text.text()).contains("\u00b5s");
        assertThat(text.text().getBytes(SourceText.charsetOf(file))).isEqualTo(bytes);
    }

    @Test
    void aLatin1FileKeepsItsBytesThroughTextAndBack() throws Exception {
        byte[] bytes = {'/', '*', ' ', 'J', (byte) 0xf6, 'r', 'n', ' ', '*', '/', '\n'};
        Path file = Files.write(dir.resolve("latin1.c"), bytes);

        SourceText.Decoded text = SourceText.read(file);

        assertThat(text.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(text.text().getBytes(SourceText.charsetOf(file))).isEqualTo(bytes);
    }

    @Test
    void aFileTheFixAddsIsWrittenAsUtf8() throws Exception {
        assertThat(SourceText.charsetOf(dir.resolve("new.c"))).isEqualTo(StandardCharsets.UTF_8);
    }
}
