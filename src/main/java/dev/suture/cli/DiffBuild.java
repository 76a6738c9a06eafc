package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.module.DiffPatchBuilder;
import dev.suture.patch.module.PatchBuilder;
import dev.suture.patch.source.SourceDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code suture build FIX.diff}: diff mode, its report, {@code --explain} table and JSON. */
final class DiffBuild {
    private final String kernel;
    private final Path output;
    private final boolean cumulative;
    private final boolean json;
    private final boolean explain;

    DiffBuild(String kernel, Path output, boolean cumulative, boolean json, boolean explain) {
        this.kernel = kernel;
        this.output = output;
        this.cumulative = cumulative;
        this.json = json;
        this.explain = explain;
    }

    static boolean isDiff(Path fix) {
        String name = fix.getFileName().toString();
        return name.endsWith(".diff") || name.endsWith(".patch");
    }

    /** One row of the decision table. */
    record Row(String unit, String object, String name, String kind, String change, String reason) {
    }

    /** The JSON form of a diff build, finished or refused. */
    record Report(String module, PatchManifest manifest, List<Row> decisions, List<String> refusals,
                  Object livepatchSymbols, List<String> notes, double seconds) {
    }

    int run(Path fix) throws IOException {
        long start = System.nanoTime();
        SourceDiff diff = SourceDiff.read(fix);
        CachedKernel targetKernel = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        Path out = output != null ? output : Path.of(PatchBuilder.moduleName(fix) + ".ko");
        try {
            DiffPatchBuilder.Result result = new DiffPatchBuilder(targetKernel, System.err, TerminalProgress.to(System.err)).build(fix, diff, out, cumulative);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Row> rows = rows(result.units());
            if (json) {
                System.out.println(Json.write(new Report(out.toString(), result.manifest(), rows, List.of(),
                        result.livepatchSymbols(), result.notes(), seconds)));
                return 0;
            }
            if (explain) {
                table(rows, System.err);
            }
            for (var f : result.manifest().functions()) {
                System.err.printf("  replaces %s %s (position %d)%n", f.object(), f.name(), f.position());
            }
            for (var s : result.livepatchSymbols()) {
                System.err.printf("  livepatch resolves %s in %s (position %d, %d relocation%s)%n", s.name(), s.object(),
                        s.position(), s.relocations(), s.relocations() == 1 ? "" : "s");
            }
            result.notes().forEach(n -> System.err.println("  note: " + n));
            System.err.printf("built %s for %s in %.1f s%n", out, targetKernel.info().release(), seconds);
            System.out.println(out);
            return 0;
        } catch (DiffPatchBuilder.Refused refused) {
            List<Row> rows = rows(refused.units());
            if (json) {
                System.out.println(Json.write(new Report(null, null, rows,
                        refused.refusals().stream().map(r -> r.describe()).toList(), List.of(), List.of(),
                        (System.nanoTime() - start) / 1e9)));
                return refused.exitCode();
            }
            if (explain) {
                table(rows, System.err);
            }
            throw refused;
        }
    }

    private static List<Row> rows(List<DiffPatchBuilder.UnitResult> units) {
        return units.stream().flatMap(u -> u.decisions().stream()
                .sorted(java.util.Comparator.comparing((ObjectDiff.Decision d) -> d.change() == ObjectDiff.Change.UNCHANGED)
                        .thenComparing(d -> !d.function()).thenComparing(ObjectDiff.Decision::name))
                .map(d -> new Row(u.unit(), u.object(), d.name(), d.function() ? "function" : "data",
                        d.change().name().toLowerCase(), d.reason()))).toList();
    }

    private static void table(List<Row> rows, PrintStream out) {
        TextTable t = new TextTable("UNIT", "OBJECT", "NAME", "KIND", "DECISION", "WHY");
        rows.forEach(r -> t.row(r.unit(), r.object(), r.name(), r.kind(), r.change(), r.reason()));
        t.print(out);
    }
}
