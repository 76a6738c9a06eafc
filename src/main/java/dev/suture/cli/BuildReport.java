package dev.suture.cli;

import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.module.BuildOutcome;
import dev.suture.patch.module.UnitResult;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code suture build} says about its outcome, whichever front-end built it: the module and what it
 * replaces, the decision table ({@code --explain}), refusals, or one JSON document ({@code --json}).
 */
final class BuildReport {
    private final FixSource fix;
    private final CachedKernel kernel;
    private final boolean json;
    private final boolean explain;

    BuildReport(FixSource fix, CachedKernel kernel, boolean json, boolean explain) {
        this.fix = fix;
        this.kernel = kernel;
        this.json = json;
        this.explain = explain;
    }

    /** One row of the decision table. */
    record Row(String unit, String object, String name, String kind, String change, String reason) {
    }

    /** The JSON form of a build, whatever its outcome ({@code built}, {@code nothing-to-patch}, {@code refused}). */
    record Report(String outcome, String module, PatchManifest manifest, List<Row> decisions, List<String> refusals,
                  Object livepatchSymbols, List<String> notes, double seconds) {
    }

    /** The JSON form of a build that could not run to an outcome: a fix that does not compile, a missing kernel. */
    record Failure(String outcome, String error, String fix) {
    }

    /** Prints the outcome and returns the exit status; a refusal or nothing to patch is reported as an error. */
    int print(BuildOutcome outcome, double seconds) {
        List<Row> rows = rows(outcome.units());
        if (json) {
            System.out.println(Json.write(switch (outcome) {
                case BuildOutcome.Built b -> new Report("built", b.module().toString(), b.manifest(), rows, List.of(),
                        b.livepatchSymbols(), b.notes(), seconds);
                case BuildOutcome.NothingToPatch n -> new Report("nothing-to-patch", null, null, rows, List.of(n.reason()),
                        List.of(), List.of(), seconds);
                case BuildOutcome.Refused r -> new Report("refused", null, null, rows,
                        r.refusals().stream().map(x -> x.describe()).toList(), List.of(), List.of(), seconds);
            }));
            return outcome instanceof BuildOutcome.Built ? 0 : 2;
        }
        if (explain) {
            table(rows, System.err);
        }
        BuildOutcome.Built built = outcome.orThrow();
        PrintStream err = System.err;
        for (var f : built.manifest().functions()) {
            err.printf("  replaces %s %s (position %d)%s%n", f.object(), f.name(), f.position(),
                    fix.isFunctionFile() ? " with " + f.replacement() : "");
        }
        if (fix.isFunctionFile()) {
            FunctionFile file = FunctionFile.parse(fix.path(), fix.text());
            for (var c : file.callbacks()) {
                err.printf("  %s callback for %s: %s%n", c.kind().field(), c.object(), c.function());
            }
            for (var sh : file.shadows()) {
                err.printf("  shadow variable %s (%s), id 0x%x%n", sh.name(), sh.type(), sh.id());
            }
        }
        for (var s : built.livepatchSymbols()) {
            err.printf("  livepatch resolves %s in %s (position %d, %d relocation%s)%n", s.name(), s.object(),
                    s.position(), s.relocations(), s.relocations() == 1 ? "" : "s");
        }
        built.notes().forEach(n -> err.println("  note: " + n));
        if (!built.manifest().fixes().isEmpty()) {
            err.println("  fixes: " + built.manifest().fixes().describe());
        }
        err.printf("built %s for %s in %.1f s%n", built.module(), kernel.info().release(), seconds);
        System.out.println(built.module());
        return 0;
    }

    private static List<Row> rows(List<UnitResult> units) {
        return units.stream().flatMap(u -> u.decisions().stream()
                .sorted(Comparator.comparing((ObjectDiff.Decision d) -> d.change() == ObjectDiff.Change.UNCHANGED)
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
