package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.patch.source.FixSource;
import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Symbol;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.FunctionFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds function files against the real default kernel and checks the module and the refusals. */
class FunctionFileBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void cmdlineExampleBecomesALivepatchModuleWithKlpRelocations() throws Exception {
        Path ko = dir.resolve("cmdline.ko");
        BuildOutcome.Built result = new PatchBuild(kernel, System.err)
                .build(FixSource.read(repo().resolve("examples/cmdline/cmdline.c")), ko, false).orThrow();

        PatchManifest manifest = ManifestReader.read(ko);
        assertThat(manifest.release()).isEqualTo(kernel.info().release());
        assertThat(manifest.buildId()).isEqualTo(kernel.info().buildId());
        assertThat(manifest.functions()).singleElement().satisfies(f -> {
            assertThat(f.object()).isEqualTo("vmlinux");
            assertThat(f.name()).isEqualTo("cmdline_proc_show");
            assertThat(f.position()).isZero();
            assertThat(f.replacement()).isEqualTo("patched_cmdline_proc_show");
            // the original code travels with the patch for the run-pre check; its ftrace site is masked
            assertThat(java.util.Base64.getDecoder().decode(f.code())).hasSizeGreaterThan(16);
            assertThat(f.mask()).anySatisfy(m -> assertThat(m).containsExactly(0, 5));
        });
        assertThat(result.livepatchSymbols()).extracting(KlpConverter.Converted::name).containsExactly("saved_command_line");

        ElfFile elf = ElfFile.read(Files.readAllBytes(ko));
        Symbol klp = elf.symbols().find(".klp.sym.vmlinux.saved_command_line,0").orElseThrow();
        assertThat(klp.shndx()).isEqualTo(KlpConverter.SHN_LIVEPATCH);
        var rela = elf.section(".klp.rela.vmlinux..text").orElseThrow();
        assertThat(rela.flags() & KlpConverter.SHF_RELA_LIVEPATCH).isNotZero();
        assertThat(elf.relocations(rela).list()).isNotEmpty()
                .allMatch(r -> elf.symbols().get(r.symbol()).name().startsWith(".klp.sym.vmlinux."));
        assertThat(elf.sections()).noneMatch(s -> s.name().startsWith(".debug_"));
        // binutils reads the result without complaint
        Process readelf = new ProcessBuilder("readelf", "-a", ko.toString()).redirectErrorStream(true).start();
        String out = new String(readelf.getInputStream().readAllBytes());
        assertThat(readelf.waitFor()).isZero();
        assertThat(out).doesNotContain("Warning").doesNotContain("Error");
    }

    @Test
    void sameNamedStaticIsTakenFromTheReplacedFunctionsFile() throws Exception {
        KernelSymbols symbols = KernelSymbols.ofVmlinux(kernel.vmlinux());
        List<KernelSymbol> cNext = symbols.named("c_next");
        assertThat(cNext).hasSizeGreaterThan(1);
        KernelSymbol inConsoles = cNext.stream().filter(s -> s.file().equals("consoles.c")).findFirst().orElseThrow();

        Path fix = write("consoles.c", """
                #include <linux/seq_file.h>
                #include "suture.h"
                extern void *c_next(struct seq_file *m, void *v, loff_t *pos);
                static int new_show_console_dev(struct seq_file *m, void *v)
                {
                	loff_t pos = 0;
                	seq_printf(m, "%p\\n", c_next(m, v, &pos));
                	return 0;
                }
                SUTURE_REPLACE(show_console_dev, new_show_console_dev);
                """);
        Path ko = dir.resolve("consoles.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false).orThrow();
        ElfFile elf = ElfFile.read(Files.readAllBytes(ko));
        assertThat(elf.symbols().find(".klp.sym.vmlinux.c_next," + inConsoles.position())).isPresent();
    }

    @Test
    void ambiguousReplacedStaticListsEveryCandidateAndTheSyntax() throws Exception {
        Path fix = write("amb.c", """
                #include <linux/seq_file.h>
                #include "suture.h"
                static void *my_c_next(struct seq_file *m, void *v, loff_t *pos) { return NULL; }
                SUTURE_REPLACE(c_next, my_c_next);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("amb.c:4")
                .hasMessageContaining("functions named 'c_next'")
                .hasMessageContaining("consoles.c").hasMessageContaining("proc.c").hasMessageContaining("position 1")
                .satisfies(e -> assertThat(((SutureException) e).fix())
                        .contains("SUTURE_REPLACE_AT(vmlinux, c_next, POSITION, my_c_next)"));
        assertThat(dir.resolve("amb.ko")).doesNotExist();
    }

    @Test
    void unknownFunctionShowsTheClosestNames() throws Exception {
        Path fix = write("typo.c", """
                #include <linux/seq_file.h>
                #include "suture.h"
                static int f(struct seq_file *m, void *v) { return 0; }
                SUTURE_REPLACE(cmdline_proc_shwo, f);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no function 'cmdline_proc_shwo'")
                .hasMessageContaining("cmdline_proc_show");
    }

    @Test
    void functionLivepatchCannotRedirectIsRefusedWithTheReason() throws Exception {
        Path fix = write("entry.c", """
                #include <linux/ptrace.h>
                #include "suture.h"
                static void f(struct pt_regs *regs, int nr) { }
                SUTURE_REPLACE(do_syscall_64, f);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("notrace: entry.c:4: vmlinux do_syscall_64")
                .hasMessageContaining("cannot be redirected by livepatch")
                .hasMessageContaining("no ftrace call site");
    }

    @Test
    void compilerErrorsPointAtTheUsersFileAndLine() throws Exception {
        Path fix = write("broken.c", """
                #include "suture.h"
                static int f(void)
                {
                	return undeclared_thing + ;
                }
                SUTURE_REPLACE(cmdline_proc_show, f);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("does not compile")
                .hasMessageContaining(fix + ":4: error");
        assertThat(dir.resolve("broken.ko")).doesNotExist();
    }

    @Test
    void aReplacementThatDoesNotExistIsReportedAtItsAnnotation() throws Exception {
        Path fix = write("missing.c", """
                #include "suture.h"

                SUTURE_REPLACE(cmdline_proc_show, no_such_function);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining(fix + ":3: error")
                .hasMessageContaining("no_such_function");
    }

    @Test
    void referenceToASymbolNoObjectHasIsRefused() throws Exception {
        Path fix = write("ghost.c", """
                #include <linux/seq_file.h>
                #include "suture.h"
                extern int suture_no_such_symbol;
                static int f(struct seq_file *m, void *v) { seq_printf(m, "%d", suture_no_such_symbol); return 0; }
                SUTURE_REPLACE(cmdline_proc_show, f);
                """);
        assertThatThrownBy(() -> build(fix))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("'suture_no_such_symbol', which the target kernel does not have");
    }

    private void build(Path fix) throws Exception {
        String name = fix.getFileName().toString().replace(".c", ".ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve(name), false).orThrow();
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static Path repo() {
        return Path.of(System.getProperty("suture.repo", "."));
    }
}
