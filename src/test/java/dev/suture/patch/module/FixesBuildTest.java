package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.Fixes;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.FixSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real builds carry what their fix fixes in the module's manifest, found in the fix and given by the user. */
class FixesBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void aMailsSubjectAndCvesReachTheModuleAndTheUsersCveAddsToThem() throws Exception {
        ByteArrayOutputStream mail = new ByteArrayOutputStream();
        mail.write("""
                From 3bf0a8cb47cc1b2529cfd1ed524ea01a1d76e887 Mon Sep 17 00:00:00 2001
                From: Ada Example <ada@example.org>
                Subject: [PATCH v2 3/7] fs: count superblocks =?UTF-8?q?=E2=80=94_caf=C3=A9?=

                Reported as CVE-2026-0007.
                ---
                """.getBytes(StandardCharsets.US_ASCII));
        mail.write(Files.readAllBytes(FunctionFileBuildTest.repo().resolve("bench/catalogue/cases/02-new-function/fix.diff")));
        Path fix = dir.resolve("count.patch");
        Files.write(fix, mail.toByteArray());
        Path ko = dir.resolve("count.ko");

        BuildOutcome.Built built = new PatchBuild(kernel, System.err).fixing(new Fixes(null, List.of("CVE-2026-0008")))
                .build(FixSource.read(fix), ko, false).orThrow();

        // Read back from the module itself: the title's non-ASCII characters survive the glue's C string.
        PatchManifest manifest = ManifestReader.read(ko);
        assertThat(manifest.fixes()).isEqualTo(new Fixes("fs: count superblocks \u2014 caf\u00e9",
                List.of("CVE-2026-0007", "CVE-2026-0008")));
        assertThat(built.manifest().fixes()).isEqualTo(manifest.fixes());
    }

    @Test
    void aFunctionFilesCveInACommentAndTheUsersTitleReachTheModule() throws Exception {
        Path fix = dir.resolve("cmdline.c");
        Files.writeString(fix, "/* Fixes CVE-2026-0009. */\n"
                + Files.readString(FunctionFileBuildTest.repo().resolve("examples/cmdline/cmdline.c")));
        Path ko = dir.resolve("cmdline.ko");

        new PatchBuild(kernel, System.err).fixing(new Fixes("show the command line's length", List.of()))
                .build(FixSource.read(fix), ko, false).orThrow();

        assertThat(ManifestReader.read(ko).fixes())
                .isEqualTo(new Fixes("show the command line's length", List.of("CVE-2026-0009")));
    }
}
