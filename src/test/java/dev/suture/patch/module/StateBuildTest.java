package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.patch.source.FixSource;
import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Symbol;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.patch.source.FunctionFile;
import dev.suture.patch.source.Shadow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** suture.h's state API compiled against the real default kernel: what the compiler makes of it and refuses. */
class StateBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void shadowIdsTheCompilerFoldsAreTheOnesTheParserComputes() throws Exception {
        String longName = "n".repeat(Shadow.MAX_NAME);
        Path fix = write("ids.c", """
                #include "suture.h"
                struct pair { int a, b; };
                SUTURE_SHADOW(misc_lines, struct pair);
                SUTURE_SHADOW(a, int);
                SUTURE_SHADOW(%s, long);
                SUTURE_SHADOW_ID(explicit_one, u8, 0x5e7a);
                /* Taking their addresses keeps the ids in the module, to be read back. */
                const unsigned long *const suture_test_ids[] = { &misc_lines_id, &a_id, &%s_id, &explicit_one_id };

                static int ctor(void *obj, void *data, void *arg) { *(int *)data = 7; return 0; }
                static void dtor(void *obj, void *data) { }

                static void post(struct klp_object *obj)
                {
                	struct pair *p = misc_lines_get_or_alloc(obj, GFP_KERNEL);
                	int *i = a_get_or_init(obj, GFP_ATOMIC, ctor, NULL);

                	if (p && i && misc_lines_get(obj) == p && a_get(obj) == i)
                		p->a = *i;
                	misc_lines_free(obj);
                	a_free_with(obj, dtor);
                	%s_free_all();
                	explicit_one_free_all_with(dtor);
                }
                SUTURE_POST_PATCH(post);
                """.formatted(longName, longName, longName));
        FunctionFile file = FunctionFile.read(fix);
        Path ko = dir.resolve("ids.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(file.path()), ko, false).orThrow();

        ElfFile elf = ElfFile.read(Files.readAllBytes(ko));
        for (Shadow s : file.shadows()) {
            assertThat(idIn(elf, s.name() + "_id")).as(s.name()).isEqualTo(s.id());
        }
        assertThat(idIn(elf, "explicit_one_id")).isEqualTo(0x5e7a);
        // A callbacks-only patch replaces nothing.
        assertThat(ManifestReader.read(ko).functions()).isEmpty();
    }

    @Test
    void aCallbackOfTheWrongTypeIsReportedAtItsAnnotation() throws Exception {
        Path fix = write("badcb.c", """
                #include "suture.h"
                static int post(struct klp_object *obj) { return 0; }

                SUTURE_POST_PATCH(post);
                """);
        assertThatThrownBy(() -> new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve("badcb.ko"), false).orThrow())
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("does not compile")
                .hasMessageContaining(fix + ":4: error: static assertion failed: "
                        + "\"SUTURE_POST_PATCH: post must be void post(struct klp_object *obj)\"");
        assertThat(dir.resolve("badcb.ko")).doesNotExist();
    }

    @Test
    void aCallbackForAModuleTheKernelDoesNotHaveIsRefused() throws Exception {
        Path fix = write("ghostmod.c", """
                #include "suture.h"
                static void post(struct klp_object *obj) { }
                SUTURE_POST_PATCH_IN(no_such_module, post);
                """);
        assertThatThrownBy(() -> new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve("g.ko"), false).orThrow())
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("the target kernel has no module 'no_such_module'");
    }

    /** The 8-byte value a symbol of the module's data holds. */
    private static long idIn(ElfFile elf, String symbol) {
        Symbol s = elf.symbols().find(symbol).orElseThrow(() -> new AssertionError("no symbol " + symbol));
        assertThat(s.size()).isEqualTo(8);
        byte[] data = elf.sectionOf(s).orElseThrow().data();
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong((int) s.value());
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
