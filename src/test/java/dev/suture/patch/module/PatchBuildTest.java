package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.safety.Refusal;
import dev.suture.patch.source.FixSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one pipeline both front-ends feed: what the fix's bytes become, and the rules both meet alike. */
class PatchBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void theManifestsSourceHashIsTheSha256sumOfADiffWithNonAsciiBytes() throws Exception {
        // A format-patch mail whose author's name is Latin-1 (not UTF-8): the bytes as given, not a re-encoding.
        ByteArrayOutputStream mail = new ByteArrayOutputStream();
        mail.write("From: Jos".getBytes(StandardCharsets.US_ASCII));
        mail.write(0xE9);
        mail.write(" <jose@example.org>\nSubject: [PATCH] fs: count superblocks (caf\u00e9)\n\n".getBytes(StandardCharsets.UTF_8));
        mail.write(Files.readAllBytes(FunctionFileBuildTest.repo().resolve("bench/catalogue/cases/02-new-function/fix.diff")));
        Path fix = dir.resolve("latin1.patch");
        Files.write(fix, mail.toByteArray());
        Path ko = dir.resolve("latin1.ko");

        new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false).orThrow();

        PatchManifest manifest = ManifestReader.read(ko);
        Process sum = new ProcessBuilder("sha256sum", fix.toString()).redirectErrorStream(true).start();
        String expected = new String(sum.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\\s+")[0];
        assertThat(sum.waitFor()).isZero();
        assertThat(manifest.sourceSha256()).isEqualTo(expected);
    }

    @Test
    void aFunctionFileReplacingAnInitFunctionIsRefusedByInitCodeAtBuildTime() throws Exception {
        Path fix = dir.resolve("init.c");
        Files.writeString(fix, """
                #include <linux/init.h>
                #include "suture.h"
                static int __init patched_proc_cmdline_init(void) { return 0; }
                SUTURE_REPLACE(proc_cmdline_init, patched_proc_cmdline_init);
                """);
        Path ko = dir.resolve("init.ko");

        BuildOutcome outcome = new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false);

        assertThat(outcome).isInstanceOfSatisfying(BuildOutcome.Refused.class, refused ->
                assertThat(refused.refusals()).singleElement().satisfies(r -> {
                    assertThat(r.rule()).isEqualTo(Refusal.Rule.INIT_CODE);
                    assertThat(r.describe()).startsWith("init-code: init.c:4: vmlinux proc_cmdline_init")
                            .contains("is __init code");
                }));
        assertThat(ko).doesNotExist();
    }

    @Test
    void anOutputPathThatCannotBeWrittenIsRefusedBeforeCompiling() throws Exception {
        Path fix = dir.resolve("cmdline.c");
        Files.copy(FunctionFileBuildTest.repo().resolve("examples/cmdline/cmdline.c"), fix);
        PatchBuild build = new PatchBuild(kernel, System.err);

        assertThatThrownBy(() -> build.build(FixSource.read(fix), dir.resolve("missing/fix.ko"), false))
                .isInstanceOf(SutureException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> build.build(FixSource.read(fix), dir, false))
                .isInstanceOf(SutureException.class).hasMessageContaining("is a directory");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(fix);
        }
    }

    @Test
    void aDiffToAFileThisKernelDoesNotBuildSaysSoWithTheOption() throws Exception {
        // The cloud kernel's config leaves sound out: sound/core/init.c is in the source but not in the kernel.
        Path fix = dir.resolve("sound.diff");
        Files.writeString(fix, """
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
                """);

        BuildOutcome outcome = new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve("sound.ko"), false);

        assertThat(outcome).isInstanceOfSatisfying(BuildOutcome.NothingToPatch.class, none ->
                assertThat(none.reason()).contains("sound/core/init.c is not built into " + kernel.info().release())
                        .contains("CONFIG_SND is not set"));
    }
}
