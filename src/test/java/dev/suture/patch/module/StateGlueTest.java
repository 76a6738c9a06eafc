package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.Callback;
import dev.suture.patch.source.FunctionFile;
import dev.suture.patch.source.Replacement;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Callbacks in the livepatch glue: in their object's klp_callbacks, type-checked at their annotation. */
class StateGlueTest {
    private static final PatchManifest MANIFEST = new PatchManifest(1, "suture_fix", "6.1.0-56-cloud-amd64", "abc",
            "fix.c", "00", Instant.parse("2026-01-01T00:00:00Z"), false, List.of());

    @Test
    void callbacksGoIntoTheirObjectAndAnObjectWithCallbacksOnlyGetsAnEmptyFunctionList() {
        FunctionFile fix = FunctionFile.parse(Path.of("/src/fix.c"), """
                SUTURE_POST_UNPATCH_IN(xfs, xfs_gone);
                SUTURE_PRE_PATCH_IN(xfs, xfs_pre);
                SUTURE_REPLACE(cmdline_proc_show, new_cmdline);
                SUTURE_POST_UNPATCH(gone);
                SUTURE_PRE_PATCH(pre);
                SUTURE_POST_PATCH(post);
                """);
        String c = GlueSource.generate(fix.path(), fix.replacements(), fix.callbacks(), MANIFEST);

        // vmlinux first although xfs is named first: its callbacks run first.
        assertThat(c).contains("""
                static struct klp_func suture_funcs_0[] = {
                	{
                		.old_name = "cmdline_proc_show",
                		.new_func = new_cmdline,
                		.old_sympos = 0,
                	},
                	{ }
                };

                static struct klp_func suture_funcs_1[] = {
                	{ }
                };
                """);
        // Members in klp_callbacks order, whatever the order of the annotations.
        assertThat(c).contains("""
                static struct klp_object suture_objs[] = {
                	{
                		.name = NULL,
                		.funcs = suture_funcs_0,
                		.callbacks = {
                			.pre_patch = pre,
                			.post_patch = post,
                			.post_unpatch = gone,
                		},
                	},
                	{
                		.name = "xfs",
                		.funcs = suture_funcs_1,
                		.callbacks = {
                			.pre_patch = xfs_pre,
                			.post_unpatch = xfs_gone,
                		},
                	},
                	{ }
                };
                """);
    }

    @Test
    void eachCallbacksTypeIsCheckedAtItsAnnotationsLine() {
        List<Callback> callbacks = List.of(new Callback("vmlinux", Callback.Kind.PRE_PATCH, "pre", 7),
                new Callback("xfs", Callback.Kind.POST_UNPATCH, "gone", 12));
        String c = GlueSource.generate(Path.of("/src/dir/../fix.c"), List.of(), callbacks, MANIFEST);

        assertThat(c).contains("#line 7 \"/src/fix.c\"\n_Static_assert(__builtin_types_compatible_p(typeof(&(pre)), "
                + "int (*)(struct klp_object *)), \"SUTURE_PRE_PATCH: pre must be int pre(struct klp_object *obj)\");\n");
        assertThat(c).contains("#line 12 \"/src/fix.c\"\n_Static_assert(__builtin_types_compatible_p(typeof(&(gone)), "
                + "void (*)(struct klp_object *)), \"SUTURE_POST_UNPATCH: gone must be void gone(struct klp_object *obj)\");\n");
        // The checks come last: #line would misplace anything after them.
        assertThat(c.indexOf("#line")).isGreaterThan(c.indexOf("suture_manifest[]"));
    }

    @Test
    void withoutCallbacksTheGlueIsAsBefore() {
        List<Replacement> replacements = List.of(new Replacement("vmlinux", "cmdline_proc_show", 0, "new_cmdline", 3));
        String c = GlueSource.generate(Path.of("/src/fix.c"), replacements, List.of(), MANIFEST);
        assertThat(c).isEqualTo(GlueSource.generate(Path.of("/src/fix.c"), replacements, MANIFEST))
                .doesNotContain(".callbacks").doesNotContain("struct klp_object *)")
                // the only #line is the replacement's own existence check, reported at its annotation
                .contains("#line 3 \"/src/fix.c\"\n_Static_assert(sizeof(&(new_cmdline))");
    }
}
