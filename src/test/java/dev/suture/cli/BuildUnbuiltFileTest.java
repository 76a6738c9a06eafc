package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diff to a file the default kernel's config leaves out (sound/: CONFIG_SND is not set in the cloud kernel):
 * build says so with the option, writes no module and exits 2; --json says nothing-to-patch. A file vmlinux has
 * but only another directory's Makefile compiles is refused by the file-kind rule.
 */
class BuildUnbuiltFileTest {
    private static final String SOUND = """
            --- a/sound/core/init.c
            +++ b/sound/core/init.c
            @@ -1056,6 +1056,8 @@
             int snd_component_add(struct snd_card *card, const char *component)
             {
             \tchar *ptr;
             \tint len = strlen(component);
            +\tif (!len)
            +\t\treturn -EINVAL;
             
             \tptr = strstr(card->components, component);
            """;
    /** Built into vmlinux as kernel/bpf/relo_core.o by a rule of kernel/bpf/Makefile, from the tree's path. */
    private static final String RELO_CORE = """
            --- a/tools/lib/bpf/relo_core.c
            +++ b/tools/lib/bpf/relo_core.c
            @@ -1,4 +1,5 @@
             // SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
             /* Copyright (c) 2019 Facebook */
            +/* CO-RE relocations */
             
             #ifdef __KERNEL__
            """;
    @TempDir
    Path dir;

    @Test
    void aUnitAnotherDirectoryCompilesByARuleOfItsOwnIsRefusedByFileKind() throws Exception {
        Path fix = dir.resolve("relo.diff");
        Files.writeString(fix, RELO_CORE);
        Path ko = dir.resolve("relo.ko");

        CliRun run = CliRun.of("build", fix.toString(), "-o", ko.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("file-kind: tools/lib/bpf/relo_core.c: the kernel compiles tools/lib/bpf/relo_core.c"
                + " from another directory by a Makefile rule of its own").doesNotContain("Exception");
        assertThat(ko).doesNotExist();
    }

    @Test
    void theCommandNamesTheOptionTheKernelLacks() throws Exception {
        Path fix = dir.resolve("sound.diff");
        Files.writeString(fix, SOUND);
        Path ko = dir.resolve("sound.ko");

        String release = Kernels.resolve(null, System.err).info().release();

        CliRun run = CliRun.of("build", fix.toString(), "-o", ko.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("sound/core/init.c is not built into " + release + " (CONFIG_SND is not set)")
                .contains("nothing to live-patch on " + release);
        assertThat(ko).doesNotExist();

        CliRun json = CliRun.of("build", "--json", fix.toString(), "-o", ko.toString());
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.out()).contains("\"outcome\" : \"nothing-to-patch\"").contains("CONFIG_SND is not set");
    }
}
