package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function-level decisions on objects the host compiler makes with the flags diff mode uses: what changed,
 * what is new or gone, and what only moved lines.
 */
class ObjectDiffTest {
    private static final String ORIGINAL = """
            extern int printf(const char *, ...);
            extern void might_sleep_at(const char *file, int line);
            static int counter;
            int table[4] = {1, 2, 3, 4};

            static int helper(int x)
            {
            	return x * 3 + counter++;
            }

            int user_a(int x)
            {
            	printf("a %d\\n", helper(x));
            	return 0;
            }

            int user_b(int x)
            {
            	might_sleep_at(__FILE__, __LINE__);
            	return printf("b %d\\n", x);
            }

            int unrelated(void)
            {
            	might_sleep_at(__FILE__, __LINE__);
            	return table[2];
            }
            """;

    private static Map<String, String> decide(Path dir, String original, String patched, ObjectDiff.LineShift lines)
            throws Exception {
        return HostUnits.diff(dir, original, patched, lines).decisions().stream()
                .collect(Collectors.toMap(ObjectDiff.Decision::name, d -> d.change().name().toLowerCase() + ": " + d.reason()));
    }

    @Test
    void aChangedStringChangesOnlyTheFunctionUsingIt(@TempDir Path dir) throws Exception {
        Map<String, String> d = decide(dir, ORIGINAL, ORIGINAL.replace("\"b %d\\n\"", "\"B %d\\n\""), ObjectDiff.LineShift.NONE);
        assertThat(d.get("user_b")).startsWith("changed: reference").contains("\"b %d\\n\"").contains("\"B %d\\n\"");
        assertThat(d.get("user_a")).startsWith("unchanged");
        assertThat(d.get("unrelated")).startsWith("unchanged");
    }

    @Test
    void aChangedInlinedCalleeChangesItsCallers(@TempDir Path dir) throws Exception {
        Map<String, String> d = decide(dir, ORIGINAL, ORIGINAL.replace("x * 3", "x * 5"), ObjectDiff.LineShift.NONE);
        assertThat(d.get("user_a")).startsWith("changed");
        assertThat(d.get("user_b")).startsWith("unchanged");
    }

    @Test
    void newAndDeletedFunctionsAreNamed(@TempDir Path dir) throws Exception {
        String patched = ORIGINAL.replace("int unrelated(void)", "int added(void) { return 7; }\n\nint unrelated(void)")
                .replace("int user_a(int x)\n{\n\tprintf(\"a %d\\n\", helper(x));\n\treturn 0;\n}\n", "");
        Map<String, String> d = decide(dir, ORIGINAL, patched, ObjectDiff.LineShift.NONE);
        assertThat(d.get("added")).startsWith("new");
        assertThat(d.get("user_a")).startsWith("deleted");
    }

    @Test
    void aLineNumberThatMovedAsTheDiffSaysIsNoChange(@TempDir Path dir) throws Exception {
        // Two lines inserted above user_b: every later __LINE__ moves by two.
        String patched = ORIGINAL.replace("int user_b(int x)", "/* one */\n/* two */\nint user_b(int x)");
        int firstMoved = HostUnits.lineOf(ORIGINAL, "int user_b(int x)");
        ObjectDiff.LineShift shift = (from, to) -> from >= firstMoved && to == from + 2;
        Map<String, String> d = decide(dir, ORIGINAL, patched, shift);
        assertThat(d.get("user_b")).startsWith("unchanged: only line numbers moved");
        assertThat(d.get("unrelated")).startsWith("unchanged: only line numbers moved");
        // Without the diff's word for it, the same bytes are a change.
        assertThat(decide(dir, ORIGINAL, patched, ObjectDiff.LineShift.NONE).get("unrelated")).startsWith("changed: code differs");
    }

    @Test
    void aChangedInitializerIsAChangeOfData(@TempDir Path dir) throws Exception {
        Map<String, String> d = decide(dir, ORIGINAL, ORIGINAL.replace("{1, 2, 3, 4}", "{1, 2, 9, 4}"), ObjectDiff.LineShift.NONE);
        assertThat(d.get("table")).startsWith("changed: initializer differs at +0x8");
        assertThat(d.get("unrelated")).startsWith("unchanged");
    }
}
