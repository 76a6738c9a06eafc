package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.IncludeIndex;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.build.Makefiles;
import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.build.UnitCompiler;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.diff.CallerPromotion;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.safety.Refusal;
import dev.suture.patch.safety.SafetyRules;
import dev.suture.patch.safety.SourceChange;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.LineMap;
import dev.suture.patch.source.PatchedFile;
import dev.suture.patch.source.PatchedTree;
import dev.suture.patch.source.Replacement;
import dev.suture.patch.source.SourceDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The diff front-end: compiles each touched unit of the target's exact source twice (pristine and patched),
 * compares the objects function by function, applies the rule book, and cuts the changed functions out of the
 * patched objects with what they need into the build directory, beside the livepatch glue; the shared ending
 * links them.
 */
final class DiffFrontEnd {
    private final BuildContext context;
    private final CachedKernel kernel;
    private final PrintStream log;
    private final SourceTree tree;
    private IncludeIndex includeIndex;

    private DiffFrontEnd(BuildContext context, SourceTree tree) {
        this.context = context;
        this.kernel = context.kernel();
        this.log = context.log();
        this.tree = tree;
    }

    /** A file of the fix: its path in the tree, both texts, and how lines moved. */
    record FixFile(String path, String original, String patched, ObjectDiff.LineShift lines,
                   java.util.SortedSet<Integer> removedLines, java.util.SortedSet<Integer> addedLines) {
        SourceChange asChange() {
            return new SourceChange(path, original, patched, removedLines, addedLines);
        }
    }

    /** Applies the diff (in memory) to the kernel's exact source, then plans the module. */
    static Planned plan(BuildContext context, FixSource source, SourceDiff diff, String name, boolean cumulative)
            throws IOException {
        SourceTree tree = KernelSource.find(context.kernel()).orElseGet(() ->
                new KernelSource(DebianPackageIndex.system(), context.progress()).prepare(context.kernel()));
        PatchedTree applied = diff.apply(tree);
        List<FixFile> files = new ArrayList<>();
        for (PatchedFile f : applied.files()) {
            LineMap map = f.lines();
            files.add(new FixFile(f.path(), f.original(), f.patched(),
                    (from, to) -> map != null && map.patchedLine(from).orElse(-1) == to && from != to,
                    map == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(map.changedOriginalLines()),
                    map == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(map.changedPatchedLines())));
        }
        return new DiffFrontEnd(context, tree).plan(source, files, name, cumulative);
    }

    private Planned plan(FixSource source, List<FixFile> fixFiles, String name, boolean cumulative) throws IOException {
        // The rules that read only the source (file kinds, struct layouts) refuse before anything compiles.
        List<SourceChange> fixSources = fixFiles.stream().map(FixFile::asChange).toList();
        List<Refusal> early = SafetyRules.reviewSources(fixSources);
        if (!early.isEmpty()) {
            return new Planned.Done(new BuildOutcome.Refused(early, List.of()));
        }
        List<String> units = new ArrayList<>();
        Map<String, String> replaced = new LinkedHashMap<>();
        List<Refusal> foreign = new ArrayList<>();
        for (FixFile f : fixFiles) {
            if (f.path().endsWith(".c") && !Makefiles.isIncludedSource(tree.source(), f.path())) {
                units.add(f.path());
            } else if (f.path().endsWith(".c") && includeIndex().isBuiltIn(f.path())) {
                foreign.add(builtElsewhere(f.path()));
            }
            replaced.put(f.path(), f.patched());
        }
        if (!foreign.isEmpty()) {
            return new Planned.Done(new BuildOutcome.Refused(foreign, List.of()));
        }
        Path dir = context.dir();
        // The fix's own units first: they may already show why it cannot be patched (an exported signature, say)
        // before the units its headers reach are looked for.
        Analysis own = analyse(units, replaced, fixFiles, Set.of(), dir);
        List<Refusal> ownRefusals = SafetyRules.reviewUnits(own.reviews(), fixSources);
        if (!ownRefusals.isEmpty()) {
            return new Planned.Done(new BuildOutcome.Refused(ownRefusals, own.results()));
        }
        HeaderReach.Reach reach = new HeaderReach(tree, includeIndex(), kernel.info().release(), log)
                .find(fixFiles, units, replaced, dir);
        List<FixFile> files = reach.files();
        replaced.putAll(reach.copies());
        units = reach.units();
        Analysis analysis = own.and(analyse(units.subList(own.compiled(), units.size()), replaced, files,
                reach.optional(), dir));
        List<UnitResult> results = analysis.results();
        List<UnitWork> work = analysis.work();
        List<Refusal> refusals = SafetyRules.reviewUnits(analysis.reviews(), fixSources);
        if (!refusals.isEmpty()) {
            return new Planned.Done(new BuildOutcome.Refused(refusals, results));
        }
        if (results.isEmpty() && !analysis.unbuilt().isEmpty()) {
            return new Planned.Done(new BuildOutcome.NothingToPatch(String.join("; ", analysis.unbuilt())
                    + ": this kernel does not have the code the fix changes",
                    "nothing to live-patch on " + kernel.info().release() + "; build the fix for a kernel that builds it", results));
        }
        boolean anyChange = results.stream().flatMap(u -> u.decisions().stream())
                .anyMatch(d -> d.function() && d.change() == ObjectDiff.Change.CHANGED);
        if (!anyChange) {
            return new Planned.Done(new BuildOutcome.NothingToPatch("the fix changes no function's code in "
                    + String.join(", ", units) + " (comments, unused code or only moved lines)",
                    "nothing needs live-patching; see --explain for each function", results));
        }

        KernelExports exports = KernelExports.of(kernel);
        List<String> notes = new ArrayList<>(analysis.notes());
        notes.addAll(reach.notes());
        List<Replacement> replacements = new ArrayList<>();
        List<PatchManifest.Function> functions = new ArrayList<>();
        Map<String, SymbolResolver.Resolution.Livepatch> placeholders = new LinkedHashMap<>();
        Map<String, KernelSymbols> patchedModules = new LinkedHashMap<>();
        List<KernelSymbol> originals = new ArrayList<>();
        StringBuilder kbuildObjects = new StringBuilder();
        List<PatchObjectExtractor> extractors = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            UnitWork w = work.get(i);
            extractors.add(new PatchObjectExtractor(w.patched(), w.diff(), w.decisions(), w.symbols(),
                    n -> exports.exporter(n).filter(KernelExports.VMLINUX::equals).isPresent(), "__suture" + i + "_"));
        }
        // A new global of one unit may be used by another's changed code only: carry it before anything is cut.
        NewGlobals newGlobals = new NewGlobals(work.stream().map(UnitWork::unit).toList(), extractors);
        newGlobals.carry(extractors);
        for (int i = 0; i < work.size(); i++) {
            UnitWork w = work.get(i);
            PatchObjectExtractor.Extracted x = extractors.get(i).extract();
            Files.write(dir.resolve("suture_unit" + i + ".o_shipped"), x.object());
            // modpost reads each object's .cmd file for the CRCs of what it exports; the cut-down unit exports nothing.
            Files.writeString(dir.resolve(".suture_unit" + i + ".o.cmd"), "# extracted by suture from " + w.unit() + "\n");
            kbuildObjects.append(" suture_unit").append(i).append(".o");
            placeholders.putAll(x.placeholders());
            notes.addAll(x.droppedEntries());
            if (!Replacement.VMLINUX.equals(w.symbols().object())) {
                patchedModules.put(w.symbols().object(), w.symbols().kernel());
            }
            for (PatchObjectExtractor.Replaced r : x.replaced()) {
                KernelSymbol k = r.original();
                replacements.add(new Replacement(r.object(), k.name(), k.position(), r.newSymbol(), 0));
                functions.add(ManifestFunctions.of(w.symbols().kernel(), k, r.object(), r.newSymbol()));
                originals.add(k);
            }
        }
        PatchManifest manifest = ManifestFunctions.manifest(kernel, name, source, cumulative, functions, context.fixes());
        Files.writeString(dir.resolve("suture_glue.c"), GlueSource.generateForObjects(replacements, manifest));
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\n" + name + "-y := suture_glue.o"
                + kbuildObjects + "\n");
        log.printf("linking %d function%s into %s%n", replacements.size(), replacements.size() == 1 ? "" : "s", name);
        return new Planned.Ready(new ModulePlan(manifest, source.fileName(), patchedModules, List.of(), originals,
                placeholders, newGlobals.names(), results, notes, DiffFrontEnd::linkFailure));
    }

    /**
     * The fix compiled, so what kbuild refuses now is the module Suture made of it: the step and line that
     * failed, and a request for a report.
     */
    private static SutureException linkFailure(String output) {
        return new SutureException("linking the patch module failed:\n" + KbuildFailure.of(output).shown(output),
                "this is a Suture bug; please report it with the diff and these lines");
    }

    /** The decisions and reviews of compiled units, and what extraction needs of each. */
    private record Analysis(int compiled, List<UnitResult> results, List<SafetyRules.UnitReview> reviews,
                            List<UnitWork> work, List<String> notes, List<String> unbuilt) {
        /** This analysis followed by another's, of other units. */
        Analysis and(Analysis more) {
            return new Analysis(compiled + more.compiled, concat(results, more.results), concat(reviews, more.reviews),
                    concat(work, more.work), concat(notes, more.notes), concat(unbuilt, more.unbuilt));
        }

        private static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
    }

    /**
     * Compiles the units both ways and compares them. Units reached only through a header ({@code optional})
     * that this kernel does not build (a built-in unit vmlinux lacks, a module it does not ship) are skipped.
     */
    private Analysis analyse(List<String> units, Map<String, String> replaced, List<FixFile> files,
                             Set<String> optional, Path dir) throws IOException {
        if (units.isEmpty()) {
            return new Analysis(0, List.of(), List.of(), List.of(), List.of(), List.of());
        }
        ObjectDiff.LineShift anyFileMoved = (from, to) -> files.stream().anyMatch(f -> f.lines().moved(from, to));
        log.printf("compiling %s, original and patched, against %s%n", String.join(", ", units), kernel.info().release());
        long t0 = System.nanoTime();
        List<UnitCompiler.Compiled>[] compiled = compileBoth(tree, units, replaced, dir);
        log.printf("compiled in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        SpecialSectionLayout layout = SpecialSectionLayout.of(kernel);
        KernelExports exports = KernelExports.of(kernel);
        List<UnitResult> results = new ArrayList<>();
        List<SafetyRules.UnitReview> reviews = new ArrayList<>();
        List<UnitWork> work = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> unbuilt = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            UnitCompiler.Compiled o = compiled[0].get(i);
            UnitCompiler.Compiled p = compiled[1].get(i);
            FixFile file = files.stream().filter(f -> f.path().equals(o.unit())).findFirst().orElseThrow();
            String object = o.module().orElse(Replacement.VMLINUX);
            if (optional.contains(o.unit()) && !builtBy(object, o.unit())) {
                notes.add(o.unit() + " includes a changed file but is not built into " + kernel.info().release());
                continue;
            }
            if (!optional.contains(o.unit()) && !builtBy(object, o.unit())) {
                // The fix's own unit counts as left out only on the Makefiles' word: an option it needs is unset.
                String unset = unsetOptions(o.unit());
                if (!unset.isEmpty()) {
                    String why = o.unit() + " is not built into " + kernel.info().release() + unset;
                    notes.add(why);
                    unbuilt.add(why);
                    continue;
                }
            }
            ObjectIndex original = new ObjectIndex(ElfFile.read(Files.readAllBytes(o.object())));
            ObjectIndex patched = new ObjectIndex(ElfFile.read(Files.readAllBytes(p.object())));
            // A line of any changed file may move: a header's WARN is inlined into the units including it.
            ObjectDiff diff = new ObjectDiff(original, patched, layout, anyFileMoved);
            KernelSymbols symbols = context.objects().of(object);
            UnitSymbols unitSymbols = new UnitSymbols(symbols, o.unit(), original);
            java.util.function.Predicate<ObjectIndex.Entity> traceable = e -> unitSymbols.find(e).map(symbols::traceable).orElse(false);
            List<ObjectDiff.Decision> decisions = CallerPromotion.apply(diff.decide(), patched, traceable, patched::sectionName);
            results.add(new UnitResult(o.unit(), object, decisions));
            reviews.add(new SafetyRules.UnitReview(file.asChange(), decisions, original, patched, traceable,
                    o.symbolVersions(), p.symbolVersions(), diff.patchedSpecial(), new UnitKernel(context.objects(), unitSymbols, exports)));
            work.add(new UnitWork(o.unit(), patched, diff, decisions, unitSymbols));
        }
        log.printf("compared %d unit%s in %.1f s%n", units.size(), units.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9);
        return new Analysis(units.size(), results, reviews, work, notes, unbuilt);
    }

    /** Why the kernel's config leaves a unit out, as " (CONFIG_X is not set)", or "" when the Makefiles do not say. */
    private String unsetOptions(String unit) {
        List<String> unset = Makefiles.gatingOptions(tree.source(), unit).stream()
                .filter(option -> !config().contains(option)).toList();
        return unset.isEmpty() ? "" : " (" + String.join(", ", unset) + (unset.size() == 1 ? " is" : " are") + " not set)";
    }

    /** The options the target kernel's config sets (to y or m). */
    private Set<String> config() {
        try {
            return Files.readAllLines(kernel.config(), java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.matches("CONFIG_\\w+=[ym]")).map(l -> l.substring(0, l.indexOf('=')))
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the kernel links the unit: into vmlinux (a DWARF unit of it), or into a module it ships. */
    private boolean builtBy(String object, String unit) {
        if (Replacement.VMLINUX.equals(object)) {
            return includeIndex().isBuiltIn(unit);
        }
        return context.objects().hasModule(object);
    }

    /**
     * A unit of vmlinux that no Makefile of its own directory names: another directory's Makefile compiles it by
     * a rule of its own ({@code kernel/bpf/Makefile} builds {@code tools/lib/bpf/relo_core.c} as
     * {@code kernel/bpf/relo_core.o}, from the tree's path), so kbuild cannot rebuild it from a changed copy.
     */
    private Refusal builtElsewhere(String unit) {
        return new Refusal(Refusal.Rule.FILE_KIND, unit, 0,
                "the kernel compiles " + unit + " from another directory by a Makefile rule of its own, not as a unit of "
                        + unit.substring(0, unit.lastIndexOf('/') + 1) + ", so it cannot be rebuilt from the fix's copy",
                "apply the fix at the next reboot; its functions cannot be live-patched from this file");
    }

    /** The kernel's include index, read (or computed) once per build. */
    private IncludeIndex includeIndex() {
        if (includeIndex == null) {
            includeIndex = IncludeIndex.of(kernel, tree);
        }
        return includeIndex;
    }

    private record UnitWork(String unit, ObjectIndex patched, ObjectDiff diff, List<ObjectDiff.Decision> decisions,
                            UnitSymbols symbols) {
    }

    /** Original and patched compile at the same time, in their own work directories (two cores, two makes). */
    @SuppressWarnings("unchecked")
    private static List<UnitCompiler.Compiled>[] compileBoth(SourceTree tree, List<String> units, Map<String, String> replaced,
                                                             Path dir) {
        var original = CompletableFuture.supplyAsync(() ->
                new UnitCompiler(tree, UnitCompiler.ORIGINAL).compilePristine(units, dir.resolve(UnitCompiler.ORIGINAL)));
        var patched = CompletableFuture.supplyAsync(() ->
                new UnitCompiler(tree, UnitCompiler.PATCHED).compile(units, replaced, dir.resolve(UnitCompiler.PATCHED)));
        try {
            return new List[] {original.join(), patched.join()};
        } catch (CompletionException e) {
            if (e.getCause() instanceof UnitCompiler.CompileFailure f) {
                throw new SutureException("the patched source does not compile:\n" + compilerErrors(f.output()),
                        "correct the diff at the lines the compiler names", f);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static String compilerErrors(String output) {
        List<String> errors = output.lines().filter(l -> l.contains("error:") || l.contains("Error ")).limit(20).toList();
        return errors.isEmpty() ? output : String.join("\n", errors);
    }
}
