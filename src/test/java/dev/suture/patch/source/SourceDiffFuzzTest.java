package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.suture.SutureException;
import dev.suture.kernel.build.SourceText;
import java.util.List;
import java.util.OptionalInt;

/**
 * Arbitrary text against the diff reader and the patcher. The contract: a diff that cannot be used ends in a
 * {@link SutureException} and nothing else; whatever parses is applied to two texts (an empty file, and the
 * lines its own hunks expect), and whatever applies has a consistent line map. A normal test run replays the
 * seeds in {@code SourceDiffFuzzTestInputs/parseAndApply} (real diff -urN, git diff and format-patch output, and
 * broken diffs); with {@code JAZZER_FUZZ=1} Jazzer mutates them for real.
 */
class SourceDiffFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parseAndApply(byte[] input) {
        SourceDiff diff;
        try {
            diff = SourceDiff.parse(SourceText.decode(input).text(), "fuzz.diff");
        } catch (SutureException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(diff.files()).isNotEmpty();
        for (FileDiff file : diff.files()) {
            StringBuilder expected = new StringBuilder();
            file.hunks().forEach(h -> h.oldLines().forEach(expected::append));
            applyIfItFits(file, "");
            applyIfItFits(file, expected.toString());
        }
    }

    private static void applyIfItFits(FileDiff file, String original) {
        try {
            assertConsistent(FilePatcher.apply(file, file.path(), file.kind() == FileDiff.Kind.ADDED ? null : original,
                    "the fuzzed tree", "rebase"));
        } catch (SutureException e) {
            assertThat(e.getMessage()).startsWith(file.path() + ": ");
        }
    }

    /**
     * What any line map must satisfy: its sizes are the two texts', an unchanged line has the same text on both
     * sides and maps there and back in order, every other line is in the changed set, and the regions account
     * for every removed and added line.
     */
    static void assertConsistent(PatchedFile file) {
        List<String> original = Text.lines(file.original() == null ? "" : file.original());
        List<String> patched = Text.lines(file.patched() == null ? "" : file.patched());
        LineMap map = file.lines();
        assertThat(map.originalLines()).isEqualTo(original.size());
        assertThat(map.patchedLines()).isEqualTo(patched.size());
        int previous = 0;
        int kept = 0;
        for (int line = 1; line <= original.size(); line++) {
            OptionalInt to = map.patchedLine(line);
            if (to.isEmpty()) {
                assertThat(map.changedOriginalLines()).contains(line);
                assertThat(map.changesOriginal(line, line)).isTrue();
                continue;
            }
            kept++;
            assertThat(to.getAsInt()).isGreaterThan(previous);
            previous = to.getAsInt();
            assertThat(patched.get(to.getAsInt() - 1)).isEqualTo(original.get(line - 1));
            assertThat(map.originalLine(to.getAsInt())).hasValue(line);
            assertThat(map.shift(line)).hasValue(to.getAsInt() - line);
        }
        for (int line = 1; line <= patched.size(); line++) {
            if (map.originalLine(line).isEmpty()) {
                assertThat(map.changedPatchedLines()).contains(line);
            }
        }
        assertThat(map.changes().stream().mapToInt(LineMap.Change::originalCount).sum())
                .isEqualTo(original.size() - kept);
        assertThat(map.changes().stream().mapToInt(LineMap.Change::patchedCount).sum())
                .isEqualTo(patched.size() - kept);
    }
}
