package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.FileTrees;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entry sizes of the special sections a kernel processes per entry (bug table, exception table,
 * alternatives, jump labels, static calls, paravirt sites, ORC, call-site lists, ftrace sites), as that
 * build's own structure definitions give them: a probe compiled once per kernel with kbuild against the
 * kernel's headers, whose answer is kept in the kernel's cache directory.
 */
public record SpecialSectionLayout(Map<String, Integer> entrySizes, int bugEntryLineOffset) {
    private static final String FILE = "special-sections.json";
    /** Section name, then the C expression for its entry size; order matters (the probe emits an array). */
    private static final List<String[]> PROBED = List.of(
            new String[] {"__bug_table", "sizeof(struct bug_entry)"},
            new String[] {"__ex_table", "sizeof(struct exception_table_entry)"},
            new String[] {".altinstructions", "sizeof(struct alt_instr)"},
            new String[] {"__jump_table", "sizeof(struct jump_entry)"},
            new String[] {".static_call_sites", "sizeof(struct static_call_site)"},
            new String[] {".parainstructions", "SUTURE_PARAVIRT_SITE"},
            new String[] {".orc_unwind", "sizeof(struct orc_entry)"},
            new String[] {".orc_unwind_ip", "sizeof(int)"},
            new String[] {".retpoline_sites", "sizeof(s32)"},
            new String[] {".return_sites", "sizeof(s32)"},
            new String[] {".call_sites", "sizeof(s32)"},
            new String[] {".smp_locks", "sizeof(s32)"},
            new String[] {"__mcount_loc", "sizeof(unsigned long)"},
            new String[] {"bug_entry.line", "offsetof(struct bug_entry, line)"});

    /** The size of one entry of a special section, if it is one. */
    public Optional<Integer> entrySize(String section) {
        return Optional.ofNullable(entrySizes.get(section));
    }

    public static SpecialSectionLayout of(CachedKernel kernel) {
        Path cached = kernel.dir().resolve(FILE);
        try {
            if (Files.isRegularFile(cached)) {
                return Json.read(cached, SpecialSectionLayout.class);
            }
            SpecialSectionLayout layout = probe(kernel);
            Json.writeAtomically(cached, layout);
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SpecialSectionLayout probe(CachedKernel kernel) throws IOException {
        Path dir = Files.createTempDirectory("suture-layout");
        try {
            StringBuilder c = new StringBuilder("""
                    #include <linux/module.h>
                    #include <linux/bug.h>
                    #include <linux/extable.h>
#include <asm/extable.h>
                    #include <linux/jump_label.h>
                    #include <linux/static_call_types.h>
                    #include <asm/alternative.h>
                    #include <asm/orc_types.h>
                    #ifdef CONFIG_PARAVIRT
                    #include <asm/paravirt_types.h>
                    #define SUTURE_PARAVIRT_SITE sizeof(struct paravirt_patch_site)
                    #else
                    #define SUTURE_PARAVIRT_SITE 0
                    #endif
                    const unsigned long suture_layout[] __used = {
                    """);
            for (String[] p : PROBED) {
                c.append("\t").append(p[1]).append(",\n");
            }
            c.append("};\nMODULE_LICENSE(\"GPL\");\n");
            Files.writeString(dir.resolve("suture_layout.c"), c);
            Files.writeString(dir.resolve("Kbuild"), "obj-m := suture_layout.o\n");
            Kbuild.Result make = Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
            Path object = dir.resolve("suture_layout.o");
            if (!Files.isRegularFile(object)) {
                throw new SutureException("cannot read the special-section layout of " + kernel.info().release() + ":\n"
                        + make.output(), "check the kernel's headers: suture kernel rm, then fetch");
            }
            ElfFile elf = ElfFile.read(Files.readAllBytes(object));
            Symbol table = elf.symbols().find("suture_layout").orElseThrow();
            Section s = elf.section(table.sectionIndex());
            ByteBuffer data = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Integer> sizes = new LinkedHashMap<>();
            int line = 0;
            for (int i = 0; i < PROBED.size(); i++) {
                int value = (int) data.getLong((int) table.value() + i * 8);
                if (PROBED.get(i)[0].equals("bug_entry.line")) {
                    line = value;
                } else if (value > 0) {
                    sizes.put(PROBED.get(i)[0], value);
                }
            }
            return new SpecialSectionLayout(sizes, line);
        } finally {
            FileTrees.delete(dir);
        }
    }
}
