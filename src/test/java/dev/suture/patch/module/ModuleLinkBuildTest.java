package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.source.FixSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared ending against the default kernel: a patch module imports the symbol namespaces its code needs,
 * whichever front-end planned it, and a module kbuild refuses is reported by the line that refused it.
 */
class ModuleLinkBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void aFunctionFileCallingANamespacedExportImportsItsNamespace() throws Exception {
        // crypto_cipher_setkey is EXPORT_SYMBOL_NS_GPL(..., CRYPTO_INTERNAL): known only once the fix compiled.
        Path fix = write("cipher.c", """
                #include <linux/seq_file.h>
                #include <crypto/internal/cipher.h>
                #include "suture.h"
                static int patched_cmdline_proc_show(struct seq_file *m, void *v)
                {
                	seq_printf(m, "%ps\\n", crypto_cipher_setkey);
                	return 0;
                }
                SUTURE_REPLACE(cmdline_proc_show, patched_cmdline_proc_show);
                """);
        Path ko = dir.resolve("cipher.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false).orThrow();

        assertThat(modinfo(ko)).contains("import_ns=CRYPTO_INTERNAL");
    }

    @Test
    void aDiffWhoseNewCodeCallsNamespacedExportsImportsTheirNamespace() throws Exception {
        // cmac.ko's setkey calls crypto_cipher_setkey and crypto_cipher_encrypt_one (catalogue case 39).
        Path fix = dir.resolve("cmac.diff");
        Files.copy(FunctionFileBuildTest.repo().resolve("bench/catalogue/cases/39-namespaced-export/fix.diff"), fix);
        Path ko = dir.resolve("cmac.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false).orThrow();

        assertThat(modinfo(ko)).contains("import_ns=CRYPTO_INTERNAL");
    }

    @Test
    void aModuleThatModpostRefusesIsReportedByModpostsLine() throws Exception {
        // dma_buf_get is vmlinux's export already: exporting it again is the fix's mistake, which modpost names.
        Path fix = write("twice.c", """
                #include <linux/seq_file.h>
                #include <linux/export.h>
                #include "suture.h"
                void *dma_buf_get(int fd) { return (void *)0; }
                EXPORT_SYMBOL_GPL(dma_buf_get);
                static int patched_cmdline_proc_show(struct seq_file *m, void *v)
                {
                	seq_printf(m, "%p\\n", dma_buf_get(0));
                	return 0;
                }
                SUTURE_REPLACE(cmdline_proc_show, patched_cmdline_proc_show);
                """);
        assertThatThrownBy(() -> new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve("twice.ko"), false))
                .isInstanceOfSatisfying(SutureException.class, e -> {
                    assertThat(e.getMessage()).startsWith("building the fix into a module failed:\nERROR: modpost: ")
                            .contains("dma_buf_get").contains("exported twice").doesNotContain("Error 1");
                    assertThat(e.fix()).contains("correct the function file").doesNotContain("Suture bug");
                });
    }

    private static List<String> modinfo(Path ko) throws Exception {
        byte[] info = ElfFile.read(Files.readAllBytes(ko)).section(".modinfo").orElseThrow().data();
        return Arrays.stream(new String(info, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty()).toList();
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
