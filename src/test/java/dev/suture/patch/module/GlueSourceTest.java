package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.Replacement;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlueSourceTest {

    @Test
    void groupsFunctionsByObjectAndEmbedsTheManifest() {
        List<Replacement> replacements = List.of(
                new Replacement("vmlinux", "cmdline_proc_show", 0, "new_cmdline", 10),
                new Replacement("xfs", "xfs_stats_format", 0, "new_stats", 20),
                new Replacement("vmlinux", "c_next", 2, "new_c_next", 30));
        PatchManifest manifest = new PatchManifest(1, "suture_fix", "6.1.0-56-cloud-amd64", "abc", "fix.c", "00",
                Instant.parse("2026-01-01T00:00:00Z"), true, List.of());
        String c = GlueSource.generate(Path.of("/src/fix.c"), replacements, manifest);

        assertThat(c).startsWith("// Generated").contains("#include \"/src/fix.c\"");
        assertThat(c).contains(".old_name = \"cmdline_proc_show\",\n\t\t.new_func = new_cmdline,\n\t\t.old_sympos = 0,");
        assertThat(c).contains(".old_name = \"c_next\",\n\t\t.new_func = new_c_next,\n\t\t.old_sympos = 2,");
        assertThat(c.indexOf("c_next")).isLessThan(c.indexOf("xfs_stats_format"));
        assertThat(c).contains(".name = NULL,\n\t\t.funcs = suture_funcs_0").contains(".name = \"xfs\",\n\t\t.funcs = suture_funcs_1");
        assertThat(c).contains(".replace = true").contains("MODULE_INFO(livepatch, \"Y\")");
        assertThat(c).contains("__section(\".suture.manifest\")").contains("\\\"buildId\\\":\\\"abc\\\"");
    }

    @Test
    void moduleNamesAreWhatTheKernelAccepts() {
        assertThat(PatchBuild.moduleName(Path.of("dir/fix-cve.2024.c"))).isEqualTo("suture_fix_cve_2024");
        assertThat(PatchBuild.moduleName(Path.of("x".repeat(80) + ".c"))).hasSize(55);
    }
}
