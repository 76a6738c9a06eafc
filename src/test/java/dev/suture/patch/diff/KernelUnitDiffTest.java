package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.Progress;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.build.UnitCompiler;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.patch.source.LineMap;
import dev.suture.patch.source.PatchedFile;
import dev.suture.patch.source.SourceDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object diff on units of the target kernel, compiled pristine and patched by Suture's UnitCompiler from the
 * diffs of catalogue cases 42 (a blank line on top of lib/maple_tree.c) and 43 (an #include that renumbers
 * binfmt_misc's dynamic-debug descriptors, plus one real change).
 */
class KernelUnitDiffTest {
    private static final Path CASES = Path.of(System.getProperty("suture.repo", ".")).resolve("bench/catalogue/cases");
    private static SourceTree tree;
    private static SpecialSectionLayout layout;

    /** One unit both ways, and how the diff moved its lines. */
    record Unit(ObjectIndex original, ObjectIndex patched, LineMap lines) {
        List<ObjectDiff.Decision> decide(ObjectDiff.LineShift shift) {
            return new ObjectDiff(original, patched, layout, shift).decide();
        }

        /** The diff's own word on moved lines, as the build gives it. */
        ObjectDiff.LineShift shift() {
            return (from, to) -> lines.patchedLine(from).orElse(-1) == to && from != to;
        }
    }

    @BeforeAll
    static void prepare() {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        tree = new KernelSource(DebianPackageIndex.system(), Progress.plain(System.err)).prepare(kernel);
        layout = SpecialSectionLayout.of(kernel);
    }

    private static Unit compile(String caseName, Path dir) throws Exception {
        Path fix;
        try (var dirs = Files.list(CASES)) {
            fix = dirs.filter(d -> d.getFileName().toString().startsWith(caseName + "-")).findFirst().orElseThrow().resolve("fix.diff");
        }
        PatchedFile file = SourceDiff.read(fix).apply(tree).files().getFirst();
        UnitCompiler.Compiled o = new UnitCompiler(tree, UnitCompiler.ORIGINAL).compile(List.of(file.path()), Map.of(), dir.resolve("o")).getFirst();
        UnitCompiler.Compiled p = new UnitCompiler(tree, UnitCompiler.PATCHED)
                .compile(List.of(file.path()), Map.of(file.path(), file.patched()), dir.resolve("p")).getFirst();
        return new Unit(new ObjectIndex(ElfFile.read(Files.readAllBytes(o.object()))),
                new ObjectIndex(ElfFile.read(Files.readAllBytes(p.object()))), file.lines());
    }

    private static ObjectDiff.Decision named(List<ObjectDiff.Decision> decisions, String name) {
        return decisions.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> changedFunctions(List<ObjectDiff.Decision> decisions) {
        return decisions.stream().filter(d -> d.function() && d.change() != ObjectDiff.Change.UNCHANGED
                && d.change() != ObjectDiff.Change.DELETED).map(d -> d.change() + " " + d.name()).sorted().toList();
    }

    @Test
    void aBlankLineOnTopOfMapleTreeChangesNoFunction(@TempDir Path dir) throws Exception {
        Unit maple = compile("42", dir);
        List<ObjectDiff.Decision> decisions = maple.decide(maple.shift());
        assertThat(changedFunctions(decisions)).isEmpty();
        assertThat(decisions).filteredOn(d -> d.change() == ObjectDiff.Change.CHANGED).isEmpty();
        // mab_mas_cp's fortify message names its line: the same string, one line further down.
        assertThat(named(decisions, "mab_mas_cp").reason()).startsWith("only line numbers moved");

        // Without the diff's line map, the strings differ...
        ObjectDiff.Decision unexplained = named(maple.decide(ObjectDiff.LineShift.NONE), "mab_mas_cp");
        assertThat(unexplained.change()).isEqualTo(ObjectDiff.Change.CHANGED);
        assertThat(unexplained.reason()).contains("at lib/maple_tree.c:2057\"").contains("at lib/maple_tree.c:2058\"");
        // ...and a map that moved lines by another amount does not explain them either.
        ObjectDiff.LineShift twoDown = (from, to) -> maple.lines().patchedLine(from).isPresent() && to == from + 2;
        assertThat(named(maple.decide(twoDown), "mab_mas_cp").change()).isEqualTo(ObjectDiff.Change.CHANGED);
    }

    @Test
    void anIncludeThatRenumbersTheDescriptorsChangesOnlyTheChangedFunction(@TempDir Path dir) throws Exception {
        Unit binfmt = compile("43", dir);
        List<ObjectDiff.Decision> decisions = binfmt.decide(binfmt.shift());
        assertThat(changedFunctions(decisions)).containsExactly("CHANGED bm_entry_read");
        // bm_register_write refers to every descriptor; the include moved __COUNTER__, not its code.
        assertThat(named(decisions, "bm_register_write").change()).isEqualTo(ObjectDiff.Change.UNCHANGED);
        List<ObjectDiff.Decision> descriptors = decisions.stream().filter(d -> d.name().startsWith("__UNIQUE_ID_ddebug")).toList();
        assertThat(descriptors).hasSize(14).allSatisfy(d -> {
            assertThat(d.change()).as(d.name() + ": " + d.reason()).isEqualTo(ObjectDiff.Change.UNCHANGED);
            assertThat(d.original().name()).as("renumbered").isNotEqualTo(d.patched().name());
            assertThat(strings(binfmt.patched(), d.patched())).isEqualTo(strings(binfmt.original(), d.original()));
        });
        // The module's own __UNIQUE_ID_ objects (modinfo strings, addressable init and exit) are renumbered too.
        assertThat(decisions.stream().filter(d -> d.name().startsWith("__UNIQUE_ID_") && !d.name().startsWith("__UNIQUE_ID_ddebug")))
                .hasSize(4).allSatisfy(d -> assertThat(d.change()).as(d.name()).isEqualTo(ObjectDiff.Change.UNCHANGED));
    }

    /** The strings a descriptor points at: module, file and format (its function is a {@code __func__} object). */
    private static List<String> strings(ObjectIndex index, ObjectIndex.Entity e) {
        return index.relocationsIn(e).stream().map(index::string).flatMap(Optional::stream).toList();
    }
}
