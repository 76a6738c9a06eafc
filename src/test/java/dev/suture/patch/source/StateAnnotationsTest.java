package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Callback and shadow-variable annotations read from function files. */
class StateAnnotationsTest {
    private static final Path FIX = Path.of("fix.c");

    @Test
    void readsEveryCallbackFormWithItsObjectAndLine() {
        FunctionFile f = FunctionFile.parse(FIX, """
                #include "suture.h"
                SUTURE_PRE_PATCH_IN(nf-conntrack, nf_pre);
                SUTURE_REPLACE(old_a, a);
                SUTURE_PRE_PATCH(pre);
                SUTURE_POST_PATCH(post);
                SUTURE_PRE_UNPATCH(leave);
                SUTURE_POST_UNPATCH(gone);
                SUTURE_POST_PATCH_IN(xfs, xfs_post);
                SUTURE_PRE_UNPATCH_IN(xfs, xfs_leave);
                SUTURE_POST_UNPATCH_IN( xfs , xfs_gone );
                SUTURE_POST_PATCH_IN(nf_conntrack, nf_post);
                """);
        assertThat(f.callbacks()).containsExactly(
                new Callback("nf_conntrack", Callback.Kind.PRE_PATCH, "nf_pre", 2),
                new Callback("vmlinux", Callback.Kind.PRE_PATCH, "pre", 4),
                new Callback("vmlinux", Callback.Kind.POST_PATCH, "post", 5),
                new Callback("vmlinux", Callback.Kind.PRE_UNPATCH, "leave", 6),
                new Callback("vmlinux", Callback.Kind.POST_UNPATCH, "gone", 7),
                new Callback("xfs", Callback.Kind.POST_PATCH, "xfs_post", 8),
                new Callback("xfs", Callback.Kind.PRE_UNPATCH, "xfs_leave", 9),
                new Callback("xfs", Callback.Kind.POST_UNPATCH, "xfs_gone", 10),
                new Callback("nf_conntrack", Callback.Kind.POST_PATCH, "nf_post", 11));
        // vmlinux first (livepatch runs callbacks in this order), then modules as the file first names them.
        assertThat(f.objects()).containsExactly("vmlinux", "nf_conntrack", "xfs");
        assertThat(f.replacements()).extracting(Replacement::oldName).containsExactly("old_a");
    }

    @Test
    void aFileWithCallbacksOnlyIsAPatchAndOneWithNothingIsNot() {
        FunctionFile f = FunctionFile.parse(FIX, "static void p(struct klp_object *o) { }\nSUTURE_POST_PATCH_IN(xfs, p);\n");
        assertThat(f.replacements()).isEmpty();
        assertThat(f.objects()).containsExactly("xfs");

        assertThatThrownBy(() -> FunctionFile.parse(FIX, "SUTURE_SHADOW(lonely, int);\n"))
                .isInstanceOf(SutureException.class).hasMessageContaining("no SUTURE_REPLACE annotation")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("SUTURE_POST_PATCH(function)"));
    }

    @Test
    void shadowIdsAreTheFnv1aHashOfTheNameUnlessGiven() {
        FunctionFile f = FunctionFile.parse(FIX, """
                SUTURE_SHADOW(misc_lines, struct misc_lines);
                SUTURE_SHADOW(a, typeof(int (*)(int, long)));
                SUTURE_SHADOW_ID(legacy, u64, 0x5E7Aul);
                SUTURE_SHADOW_ID(decimal, unsigned long, 18446744073709551615);
                SUTURE_POST_PATCH(p);
                """);
        assertThat(f.shadows()).containsExactly(
                new Shadow("misc_lines", "struct misc_lines", 0xdd7e212fd8657859L, false, 1),
                new Shadow("a", "typeof(int (*)(int, long))", 0xaf63dc4c8601ec8cL, false, 2),
                new Shadow("legacy", "u64", 0x5e7a, true, 3),
                new Shadow("decimal", "unsigned long", -1L, true, 4));
        // Published FNV-1a 64 test vectors.
        assertThat(Long.toHexString(Shadow.idOf(""))).isEqualTo("cbf29ce484222325");
        assertThat(Long.toHexString(Shadow.idOf("foobar"))).isEqualTo("85944171f73967e8");
        assertThat(f.shadows().getFirst().hexId()).isEqualTo("dd7e212fd8657859");
    }

    @Test
    void ignoresNewAnnotationsInCommentsStringsAndMacroDefinitions() {
        FunctionFile f = FunctionFile.parse(FIX, """
                // SUTURE_PRE_PATCH(commented);
                /* SUTURE_SHADOW(block, int); */
                static const char *s = "SUTURE_POST_PATCH(in_string)";
                #define MINE SUTURE_POST_UNPATCH(macro_body)
                SUTURE_POST_PATCH(real_one);
                """);
        assertThat(f.callbacks()).extracting(Callback::function).containsExactly("real_one");
        assertThat(f.shadows()).isEmpty();
    }

    @Test
    void malformedStateAnnotationsNameTheLineAndTheForm() {
        assertRefused("SUTURE_PRE_PATCH();\n", "fix.c:1: malformed", "SUTURE_PRE_PATCH(function)");
        assertRefused("\nSUTURE_POST_PATCH(a, b);\n", "fix.c:2: malformed", "SUTURE_POST_PATCH(function)");
        assertRefused("SUTURE_PRE_UNPATCH_IN(xfs);\n", "malformed", "SUTURE_PRE_UNPATCH_IN(object, function)");
        assertRefused("SUTURE_POST_UNPATCH(f + 1);\n", "'f + 1' is not a function name", "SUTURE_POST_PATCH(my_post_patch)");
        assertRefused("SUTURE_POST_PATCH_IN(x fs, f);\n", "'x fs' is not an object name", "vmlinux");
        assertRefused("\n\nSUTURE_POST_PACTH(f);\n", "fix.c:3: unknown annotation SUTURE_POST_PACTH", "SUTURE_POST_PATCH");
        assertRefused("SUTURE_PRE_PATCH(f;\nint x = (1);\n", "fix.c:1: SUTURE_PRE_PATCH( is never closed", "parentheses");
        assertRefused("SUTURE_SHADOW(x);\n", "malformed", "SUTURE_SHADOW(name, type)");
        assertRefused("SUTURE_SHADOW(struct x, int);\n", "'struct x' is not a C identifier", "SUTURE_SHADOW(name, type)");
        assertRefused("SUTURE_SHADOW(" + "n".repeat(65) + ", int);\n", "longer than 64 characters", "shorter");
        assertRefused("SUTURE_SHADOW_ID(x, int, MY_ID);\n", "shadow id 'MY_ID' is not a number", "SUTURE_SHADOW_ID(name, type, 0x5e7a)");
        assertRefused("SUTURE_SHADOW_ID(x, int, 0x1ffffffffffffffff);\n", "at most 64 bits", "number literal");
    }

    @Test
    void duplicatesAreRefusedWithBothLines() {
        assertRefused("SUTURE_POST_PATCH(a);\n\nSUTURE_POST_PATCH_IN(vmlinux, b);\n",
                "fix.c:3: vmlinux already has a post_patch callback, a (line 1)", "one callback of each kind");
        assertRefused("SUTURE_POST_PATCH(a);\nSUTURE_SHADOW(s, int);\nSUTURE_SHADOW(s, long);\n",
                "fix.c:3: shadow variable s is declared twice (first at line 2)", "once");
        long id = Shadow.idOf("counts");
        assertRefused("SUTURE_POST_PATCH(a);\nSUTURE_SHADOW(counts, int);\nSUTURE_SHADOW_ID(other, int, 0x"
                        + Long.toHexString(id) + ");\n",
                "fix.c:3: shadow variables counts (line 2) and other have the same id 0x" + Long.toHexString(id), "its own id");
        // One function may serve several moments and objects.
        FunctionFile f = FunctionFile.parse(FIX, "SUTURE_PRE_UNPATCH(log);\nSUTURE_POST_UNPATCH(log);\nSUTURE_POST_UNPATCH_IN(xfs, log);\n");
        assertThat(f.callbacks()).hasSize(3);
    }

    private static void assertRefused(String source, String message, String fix) {
        assertThatThrownBy(() -> FunctionFile.parse(FIX, source))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains(fix));
    }
}
