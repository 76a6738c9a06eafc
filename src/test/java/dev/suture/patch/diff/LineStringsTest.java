package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code __LINE__} stringified into a string ({@code __FILE__ ":" __stringify(__LINE__)}, as fortify's
 * field-spanning-write warning and lockdep names make them) that moved as the diff moved it is no change of the
 * function or data using the string; any other change of the string is.
 */
class LineStringsTest {
    private static final String ORIGINAL = """
            #define STR_(x) #x
            #define STR(x) STR_(x)
            #define HERE __FILE__ ":" STR(__LINE__)
            extern void warn_at(const char *where, unsigned long size);
            extern int printf(const char *, ...);

            int copy_field(unsigned long size)
            {
            	if (size > 16)
            		warn_at("field \\"dst\\" at " HERE, size);
            	return 0;
            }

            int limits(int x)
            {
            	return printf("limit 10 at %d\\n", x);
            }

            const char *const lock_name = "lock " HERE;
            """;
    private static final String BLANK_LINE_ON_TOP = "\n" + ORIGINAL;
    private static final ObjectDiff.LineShift ONE_DOWN = (from, to) -> from >= 1 && from <= ORIGINAL.lines().count() && to == from + 1;

    @Test
    void aStringWhoseLineMovedIsTheSameString(@TempDir Path dir) throws Exception {
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, BLANK_LINE_ON_TOP, ONE_DOWN);
        assertThat(diff.named("copy_field").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        assertThat(diff.named("copy_field").reason()).startsWith("only line numbers moved");
        assertThat(diff.named("lock_name").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        assertThat(diff.named("limits").reason()).isEmpty();
    }

    @Test
    void withoutTheLineMapItIsAChange(@TempDir Path dir) throws Exception {
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, BLANK_LINE_ON_TOP, ObjectDiff.LineShift.NONE);
        assertThat(diff.named("copy_field").change()).isEqualTo(ObjectDiff.Change.CHANGED);
        assertThat(diff.named("copy_field").reason()).contains("unit.c:10").contains("unit.c:11");
        assertThat(diff.named("lock_name").reason()).startsWith("initializer references changed: reference +0x");
    }

    @Test
    void aNumberThatChangedForAnotherReasonIsAChange(@TempDir Path dir) throws Exception {
        // The diff moved every line by one, but this string's line moved by two: not what the map says.
        String twoDown = "\n\n" + ORIGINAL;
        assertThat(HostUnits.diff(dir, ORIGINAL, twoDown, ONE_DOWN).named("copy_field").change()).isEqualTo(ObjectDiff.Change.CHANGED);
        // A number in a string the diff changed, while lines moved as well: no line of the file is 10 → 12.
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, BLANK_LINE_ON_TOP.replace("limit 10", "limit 12"), ONE_DOWN);
        assertThat(diff.named("limits").change()).isEqualTo(ObjectDiff.Change.CHANGED);
        assertThat(diff.named("limits").reason()).contains("limit 10").contains("limit 12");
        assertThat(diff.named("copy_field").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
    }
}
