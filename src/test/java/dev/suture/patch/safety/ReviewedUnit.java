package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.elf.ElfFile;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A unit compiled twice by the host's gcc with the flags diff mode uses, under review as the diff front-end
 * reviews a kernel unit, with a running kernel the test describes.
 */
final class ReviewedUnit {
    /** x86-64's {@code struct jump_entry}: two s32 offsets and a key pointer. */
    static final SpecialSectionLayout LAYOUT = new SpecialSectionLayout(Map.of("__mcount_loc", 8, "__jump_table", 16), 8);

    private ReviewedUnit() {
    }

    /**
     * A running kernel: the unit's object, where outside names live, and what refers to a function there (by
     * name; a referrer among the replaced copies is left out, as the kernel's own relocations would be).
     */
    record Kernel(String object, Map<String, String> definers, Map<String, List<String>> callers,
                  List<Collection<KernelSymbol>> replacedAsked) implements RunningKernel {
        Kernel(String object, Map<String, String> definers, Map<String, List<String>> callers) {
            this(object, definers, callers, new ArrayList<>());
        }

        @Override
        public Optional<String> definer(String symbol) {
            return Optional.ofNullable(definers.get(symbol));
        }

        @Override
        public Optional<KernelSymbol> copyOf(ObjectIndex.Entity entity) {
            return Optional.of(new KernelSymbol(object, entity.name(), 0, 0, true, entity.global(), "", -1, 0, 1));
        }

        @Override
        public List<String> referrers(ObjectIndex.Entity original, Collection<KernelSymbol> replaced) {
            replacedAsked.add(replaced);
            List<String> names = replaced.stream().map(KernelSymbol::name).toList();
            return callers.getOrDefault(original.name(), List.of()).stream().filter(c -> !names.contains(c)).toList();
        }
    }

    static SafetyRules.UnitReview review(Path dir, String original, String patched, RunningKernel kernel) throws Exception {
        ObjectIndex o = new ObjectIndex(ElfFile.read(Files.readAllBytes(compile(dir, "orig", original))));
        ObjectIndex p = new ObjectIndex(ElfFile.read(Files.readAllBytes(compile(dir, "patched", patched))));
        ObjectDiff diff = new ObjectDiff(o, p, LAYOUT, ObjectDiff.LineShift.NONE);
        List<ObjectDiff.Decision> decisions = diff.decide();
        SourceChange source = new SourceChange("drivers/x/unit.c", original, patched, changed(original, patched),
                changed(patched, original));
        return new SafetyRules.UnitReview(source, decisions, o, p, e -> true, Map.of(), Map.of(), diff.patchedSpecial(), kernel);
    }

    /** Lines of {@code a} that {@code b} does not have, by content (enough for these small sources). */
    private static TreeSet<Integer> changed(String a, String b) {
        List<String> other = b.lines().toList();
        List<String> lines = a.lines().toList();
        TreeSet<Integer> out = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!other.contains(lines.get(i))) {
                out.add(i + 1);
            }
        }
        return out;
    }

    private static Path compile(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        Path o = dir.resolve(name + ".o");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-fno-pic", "-ffunction-sections", "-fdata-sections", "-c",
                c.toString(), "-o", o.toString()).inheritIO().start();
        assertThat(gcc.waitFor()).isZero();
        return o;
    }

    static int lineOf(String text, String line) {
        return text.lines().map(String::strip).toList().indexOf(line.strip()) + 1;
    }
}
