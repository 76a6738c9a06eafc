package dev.suture.kernel.build;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.FileTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the C expressions of {@link SpecialSections} for one kernel: a module object built with kbuild against
 * its headers holds them in one array, read back from the object's data.
 */
final class SpecialSectionProbe {
    private static final String BUG_ENTRY_LINE = "offsetof(struct bug_entry, line)";
    /** The headers the table's expressions need; the paravirt macros are 0 on a kernel without paravirt. */
    private static final String PRELUDE = """
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
            #define SUTURE_PARAVIRT_LEN offsetof(struct paravirt_patch_site, len)
            #else
            #define SUTURE_PARAVIRT_SITE 0
            #define SUTURE_PARAVIRT_LEN 0
            #endif
            const unsigned long suture_layout[] __used = {
            """;

    private SpecialSectionProbe() {
    }

    /** One value the probe asks for: what it is, of which section, and its C expression. */
    private record Question(Kind kind, String section, String expression) {
    }

    private enum Kind { ENTRY_SIZE, LENGTH_FIELD, BUG_LINE }

    static SpecialSectionLayout probe(CachedKernel kernel) throws IOException {
        List<Question> questions = questions();
        long[] answers = evaluate(kernel, questions);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        Map<String, Integer> lengths = new LinkedHashMap<>();
        int line = 0;
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            int value = (int) answers[i];
            switch (q.kind()) {
                case ENTRY_SIZE -> {
                    if (value > 0) {
                        sizes.put(q.section(), value);
                    }
                }
                case LENGTH_FIELD -> lengths.put(q.section(), value);
                case BUG_LINE -> line = value;
            }
        }
        lengths.keySet().retainAll(sizes.keySet());  // a section the kernel lacks has no field either
        return new SpecialSectionLayout(sizes, line, lengths);
    }

    private static List<Question> questions() {
        List<Question> questions = new ArrayList<>();
        for (SpecialSection s : SpecialSections.ALL) {
            if (s.entrySize() != null) {
                questions.add(new Question(Kind.ENTRY_SIZE, s.name(), s.entrySize()));
            }
            if (s.runPre() instanceof SpecialSection.RunPre.LengthField f) {
                questions.add(new Question(Kind.LENGTH_FIELD, s.name(), f.offsetOf()));
            }
        }
        questions.add(new Question(Kind.BUG_LINE, "__bug_table", BUG_ENTRY_LINE));
        return questions;
    }

    private static long[] evaluate(CachedKernel kernel, List<Question> questions) throws IOException {
        Path dir = Files.createTempDirectory("suture-layout");
        try {
            StringBuilder c = new StringBuilder(PRELUDE);
            for (Question q : questions) {
                c.append("\t").append(q.expression()).append(",\n");
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
            long[] answers = new long[questions.size()];
            for (int i = 0; i < answers.length; i++) {
                answers[i] = data.getLong((int) table.value() + i * 8);
            }
            return answers;
        } finally {
            FileTrees.delete(dir);
        }
    }
}
