package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FunctionFileTest {
    private static final Path FIX = Path.of("fix.c");

    @Test
    void readsEveryAnnotationFormWithItsLine() {
        FunctionFile f = FunctionFile.parse(FIX, """
                #include "suture.h"
                static int a(void) { return 1; }
                SUTURE_REPLACE(old_a, a);
                SUTURE_REPLACE_IN(xfs, xfs_thing, b);
                SUTURE_REPLACE_AT(vmlinux, show_val, 2, c);
                SUTURE_SYMBOL_AT(vmlinux, helper, 3);
                """);
        assertThat(f.replacements()).containsExactly(
                new Replacement("vmlinux", "old_a", 0, "a", 3),
                new Replacement("xfs", "xfs_thing", 0, "b", 4),
                new Replacement("vmlinux", "show_val", 2, "c", 5));
        assertThat(f.choices()).containsExactly(new SymbolChoice("vmlinux", "helper", 3, 6));
        assertThat(f.objects()).containsExactly("vmlinux", "xfs");
    }

    @Test
    void ignoresAnnotationsInCommentsStringsAndMacroDefinitions() {
        FunctionFile f = FunctionFile.parse(FIX, """
                // SUTURE_REPLACE(commented, out);
                /* SUTURE_REPLACE(block, comment); */
                static const char *s = "SUTURE_REPLACE(in, string)";
                #define MINE SUTURE_REPLACE(macro, body)
                SUTURE_REPLACE(real_one, mine);
                """);
        assertThat(f.replacements()).extracting(Replacement::oldName).containsExactly("real_one");
    }

    @Test
    void aFileWithoutAnnotationsIsRefusedWithTheFix() {
        assertThatThrownBy(() -> FunctionFile.parse(FIX, "int f(void) { return 0; }\n"))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no SUTURE_REPLACE annotation")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("SUTURE_REPLACE(old_name, new_name)"));
    }

    @Test
    void malformedAnnotationsNameTheLineAndTheForm() {
        assertThatThrownBy(() -> FunctionFile.parse(FIX, "\n\nSUTURE_REPLACE_AT(vmlinux, f, two, g);\n"))
                .isInstanceOf(SutureException.class).hasMessageContaining("fix.c:3");
        assertThatThrownBy(() -> FunctionFile.parse(FIX, "SUTURE_REPLACE(only_one);\n"))
                .isInstanceOf(SutureException.class).hasMessageContaining("malformed")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("SUTURE_REPLACE(old, new)"));
        assertThatThrownBy(() -> FunctionFile.parse(FIX, "SUTURE_REPLACE(f, g);\nSUTURE_REPLACE(f, h);\n"))
                .isInstanceOf(SutureException.class).hasMessageContaining("replaced twice");
    }
}
