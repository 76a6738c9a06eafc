package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.suture.SutureException;
import dev.suture.kernel.build.SourceText;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Arbitrary text against the function-file annotation reader. The contract: a file that cannot be used ends in
 * a {@link SutureException} whose message is one line naming the file, and nothing else escapes; what parses
 * names only well-formed identifiers and objects at lines of the file, and reads the same one line lower when a
 * blank line is put in front (the line numbers are counted, not guessed). A normal test run replays the seeds in
 * {@code FunctionFileFuzzTestInputs/parse} (the repository's examples and broken annotations); with
 * {@code JAZZER_FUZZ=1} Jazzer mutates them for real.
 */
class FunctionFileFuzzTest {
    private static final Path FILE = Path.of("fuzz.c");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9_]+");

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        // As FixSource reads a fix: UTF-8 when valid, else one char per byte.
        String source = SourceText.decode(input).text();
        FunctionFile file;
        try {
            file = FunctionFile.parse(FILE, source);
        } catch (SutureException e) {
            assertThat(e.getMessage()).startsWith("fuzz.c").doesNotContain("\n", "\r");
            assertThat(e.fix()).isNotBlank();
            return;
        }
        int lines = CSource.lineOf(source, source.length());
        assertThat(file.source()).isSameAs(source);
        assertThat(file.replacements().size() + file.callbacks().size()).isPositive();
        for (Replacement r : file.replacements()) {
            assertThat(r.object()).matches(OBJECT);
            assertThat(r.oldName()).matches(NAME);
            assertThat(r.newName()).matches(NAME);
            assertThat(r.position()).isNotNegative();
            assertThat(r.line()).isBetween(1, lines);
        }
        for (SymbolChoice c : file.choices()) {
            assertThat(c.object()).matches(OBJECT);
            assertThat(c.name()).matches(NAME);
            assertThat(c.position()).isPositive();
            assertThat(c.line()).isBetween(1, lines);
        }
        for (Callback c : file.callbacks()) {
            assertThat(c.object()).matches(OBJECT);
            assertThat(c.function()).matches(NAME);
            assertThat(c.line()).isBetween(1, lines);
        }
        for (Shadow s : file.shadows()) {
            assertThat(s.name()).matches(NAME).hasSizeLessThanOrEqualTo(Shadow.MAX_NAME);
            assertThat(s.type()).isNotBlank();
            assertThat(s.line()).isBetween(1, lines);
        }
        assertThat(file.objects()).doesNotHaveDuplicates();
        assertShiftsByOneLine(file, FunctionFile.parse(FILE, "\n" + source));
    }

    private static void assertShiftsByOneLine(FunctionFile file, FunctionFile lower) {
        assertThat(lower.replacements()).isEqualTo(file.replacements().stream()
                .map(r -> new Replacement(r.object(), r.oldName(), r.position(), r.newName(), r.line() + 1)).toList());
        assertThat(lower.choices()).isEqualTo(file.choices().stream()
                .map(c -> new SymbolChoice(c.object(), c.name(), c.position(), c.line() + 1)).toList());
        assertThat(lower.callbacks()).isEqualTo(file.callbacks().stream()
                .map(c -> new Callback(c.object(), c.kind(), c.function(), c.line() + 1)).toList());
        assertThat(lower.shadows()).isEqualTo(file.shadows().stream()
                .map(s -> new Shadow(s.name(), s.type(), s.id(), s.explicitId(), s.line() + 1)).toList());
    }
}
