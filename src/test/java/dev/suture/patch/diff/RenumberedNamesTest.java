package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the compiler numbers (static locals, switch tables, {@code __func__}, {@code __UNIQUE_ID_} descriptors made
 * the way the kernel's pr_debug makes them) is matched by what it is and who uses it: code added before it that
 * renumbers everything changes nothing else, and a descriptor whose format changed is another descriptor.
 */
class RenumberedNamesTest {
    private static final String MACROS = """
            struct desc { const char *mod; const char *func; const char *file; const char *fmt;
            	unsigned int lineno:18; unsigned int cls:6; unsigned int flags:8; } __attribute__((aligned(8)));
            extern void dbg(struct desc *d, const char *fmt, ...);
            extern void warn_at(const char *where);
            #define PASTE_(a, b) a##b
            #define PASTE(a, b) PASTE_(a, b)
            #define UNIQUE_ID(prefix) PASTE(PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
            #define DBG_(id, fmt, ...) do { static struct desc id __attribute__((used, section("__dyndbg"))) = \\
            	{ "unit", __func__, __FILE__, fmt, __LINE__, 63, 0 }; dbg(&id, fmt, ##__VA_ARGS__); } while (0)
            #define pr_dbg(fmt, ...) DBG_(UNIQUE_ID(ddebug), fmt, ##__VA_ARGS__)
            #define ONCE(c) ({ static int __already_done; int r = !!(c); \\
            	if (r && !__already_done) { __already_done = 1; warn_at("once"); } r; })
            """;
    private static final String FUNCTIONS = """
            int first(int x)
            {
            	pr_dbg("first %d\\n", x);
            	return x + 1;
            }

            int second(int x)
            {
            	pr_dbg("second a %d\\n", x);
            	if (ONCE(x < 0))
            		return 0;
            	if (ONCE(x > 1000))
            		return 1;
            	pr_dbg("second b %d\\n", x);
            	return x * 2;
            }

            int third(int x)
            {
            	switch (x) {
            	case 0: return 11;
            	case 1: return 22;
            	case 2: return 35;
            	case 3: return 47;
            	case 4: return 51;
            	}
            	return 0;
            }
            """;
    /** What an #include and a new function with its own pr_debug and static local add before the others. */
    private static final String ADDED = """
            enum { FROM_A_HEADER = __COUNTER__ + __COUNTER__ + __COUNTER__ };

            int zero(int x)
            {
            	static int calls;
            	pr_dbg("zero %d\\n", x);
            	return x + ++calls;
            }

            """;
    private static final String ORIGINAL = MACROS + "\n" + FUNCTIONS;
    private static final String PATCHED = MACROS + "\n" + ADDED + FUNCTIONS;

    /** Every line from the first function on moved down by the added lines. */
    private static final ObjectDiff.LineShift SHIFT = (from, to) -> {
        int firstMoved = HostUnits.lineOf(ORIGINAL, "int first(int x)");
        return from >= firstMoved && from <= ORIGINAL.lines().count() && to == from + ADDED.lines().count();
    };

    @Test
    void codeAddedBeforeRenumbersButChangesNothingElse(@TempDir Path dir) throws Exception {
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, PATCHED, SHIFT);
        assertThat(diff.named("zero").change()).isEqualTo(ObjectDiff.Change.NEW);
        for (String f : List.of("first", "second", "third")) {
            assertThat(diff.named(f).change()).as(f + ": " + diff.named(f).reason()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        }
        List<ObjectDiff.Decision> numbered = diff.decisions().stream()
                .filter(d -> !d.function() && d.original() != null && d.patched() != null).toList();
        assertThat(numbered).extracting(d -> Names.correlated(d.name()))
                .contains("__UNIQUE_ID_ddebug", "__already_done", "CSWTCH", "__func__");
        for (ObjectDiff.Decision d : numbered) {
            assertThat(d.change()).as(d.name() + ": " + d.reason()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        }
        // The renumbering is real: the descriptors kept their place but not their names.
        List<ObjectDiff.Decision> descriptors = numbered.stream().filter(d -> d.name().startsWith("__UNIQUE_ID_ddebug")).toList();
        assertThat(descriptors).hasSize(3).allSatisfy(d -> {
            assertThat(d.original().name()).isNotEqualTo(d.patched().name());
            assertThat(formatOf(diff.original(), d.original())).isEqualTo(formatOf(diff.patched(), d.patched()));
            assertThat(d.reason()).startsWith("only line numbers moved");
        });
    }

    @Test
    void withoutTheLineMapTheDescriptorsLinesAreAChange(@TempDir Path dir) throws Exception {
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, PATCHED, ObjectDiff.LineShift.NONE);
        assertThat(diff.decisions().stream().filter(d -> d.name().startsWith("__UNIQUE_ID_ddebug") && d.original() != null))
                .allSatisfy(d -> assertThat(d.reason()).startsWith("initializer differs"));
        assertThat(diff.named("second").change()).as("the code is the same").isEqualTo(ObjectDiff.Change.UNCHANGED);
    }

    @Test
    void aDescriptorWhoseFormatChangedIsAnotherOneAndItsFunctionChanges(@TempDir Path dir) throws Exception {
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, PATCHED.replace("second b %d", "second B %d"), SHIFT);
        assertThat(diff.named("second").change()).isEqualTo(ObjectDiff.Change.CHANGED);
        assertThat(diff.named("first").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        List<ObjectDiff.Decision> descriptors = diff.decisions().stream().filter(d -> d.name().startsWith("__UNIQUE_ID_ddebug")).toList();
        // "second a" still pairs with its own descriptor; "second b" is gone and "second B" is new.
        assertThat(descriptors.stream().filter(d -> d.change() == ObjectDiff.Change.UNCHANGED)
                .map(d -> formatOf(diff.original(), d.original()))).containsExactlyInAnyOrder("first %d\n", "second a %d\n");
        assertThat(descriptors.stream().filter(d -> d.change() == ObjectDiff.Change.DELETED)
                .map(d -> formatOf(diff.original(), d.original()))).containsExactly("second b %d\n");
        assertThat(descriptors.stream().filter(d -> d.change() == ObjectDiff.Change.NEW)
                .map(d -> formatOf(diff.patched(), d.patched()))).containsExactlyInAnyOrder("second B %d\n", "zero %d\n");
    }

    @Test
    void aChangedSwitchTableChangesTheFunctionUsingIt(@TempDir Path dir) throws Exception {
        // The table is a constant: new values make a new table, and its user a changed function.
        HostUnits.Pair diff = HostUnits.diff(dir, ORIGINAL, PATCHED.replace("return 47;", "return 48;"), SHIFT);
        assertThat(diff.named("third").change()).isEqualTo(ObjectDiff.Change.CHANGED);
        assertThat(diff.named("third").reason()).contains("CSWTCH");
        assertThat(diff.named("second").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
    }

    /** The format string a descriptor points at (its fourth pointer). */
    private static String formatOf(ObjectIndex index, ObjectIndex.Entity descriptor) {
        return index.relocationsIn(descriptor).stream().filter(r -> r.offset() - descriptor.start() == 24)
                .map(index::string).flatMap(java.util.Optional::stream).findFirst().orElseThrow();
    }
}
