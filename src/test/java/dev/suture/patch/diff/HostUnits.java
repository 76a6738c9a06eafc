package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.elf.ElfFile;
import dev.suture.kernel.build.SpecialSectionLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Units compiled by the host's gcc with the flags diff mode uses, for decisions on small, exact sources. */
final class HostUnits {
    static final SpecialSectionLayout LAYOUT = new SpecialSectionLayout(Map.of("__mcount_loc", 8), 8);

    private HostUnits() {
    }

    /** Both compilations of a unit, and the object diff of them. */
    record Pair(ObjectIndex original, ObjectIndex patched, List<ObjectDiff.Decision> decisions) {
        ObjectDiff.Decision named(String name) {
            return decisions.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow(() ->
                    new AssertionError("no decision for " + name + ": " + decisions.stream().map(ObjectDiff.Decision::name).toList()));
        }
    }

    static Pair diff(Path dir, String original, String patched, ObjectDiff.LineShift lines) throws Exception {
        ObjectIndex o = new ObjectIndex(ElfFile.read(Files.readAllBytes(compile(dir, "orig", original))));
        ObjectIndex p = new ObjectIndex(ElfFile.read(Files.readAllBytes(compile(dir, "patched", patched))));
        return new Pair(o, p, new ObjectDiff(o, p, LAYOUT, lines).decide());
    }

    static Path compile(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve("unit.c");
        Files.writeString(c, source);
        Path o = dir.resolve(name + ".o");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-fno-inline-functions-called-once", "-fno-pic",
                "-ffunction-sections", "-fdata-sections", "-c", c.toString(), "-o", o.toString()).inheritIO().start();
        assertThat(gcc.waitFor()).isZero();
        return o;
    }

    static int lineOf(String text, String line) {
        return text.lines().toList().indexOf(line) + 1;
    }
}
