package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.build.Kbuild;
import dev.suture.SutureHome;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.symbols.OriginalCode;
import dev.suture.Progress;
import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.SpecialSectionLayout;
import dev.suture.kernel.build.UnitCompiler;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.diff.CallerPromotion;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.diff.ObjectIndex;
import dev.suture.patch.safety.Refusal;
import dev.suture.patch.safety.SafetyRules;
import dev.suture.patch.safety.SourceChange;
import dev.suture.patch.source.LineMap;
import dev.suture.patch.source.PatchedFile;
import dev.suture.patch.source.PatchedTree;
import dev.suture.patch.source.Replacement;
import dev.suture.patch.source.SourceDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Builds a patch module from a source diff: compiles each touched unit of the target's exact source twice
 * (pristine and patched), compares the objects function by function, applies the safety rules, cuts the
 * changed functions out of the patched objects with what they need, and links them with the livepatch glue
 * by kbuild; what the module loader cannot resolve becomes livepatch relocations, as for function files.
 */
public final class DiffPatchBuilder {
    private final CachedKernel kernel;
    private final PrintStream log;
    private final Progress progress;
    private final KernelObjects kernelObjects;
    private dev.suture.kernel.build.IncludeIndex includeIndex;

    public DiffPatchBuilder(CachedKernel kernel, PrintStream log) {
        this(kernel, log, Progress.plain(log));
    }

    /** With {@code progress} for the long steps (fetching and preparing the kernel's source). */
    public DiffPatchBuilder(CachedKernel kernel, PrintStream log, Progress progress) {
        this.kernel = kernel;
        this.log = log;
        this.progress = progress;
        this.kernelObjects = new KernelObjects(kernel);
    }

    /** A file of the fix: its path in the tree, both texts, and how lines moved. */
    public record FixFile(String path, String original, String patched, ObjectDiff.LineShift lines,
                          java.util.SortedSet<Integer> removedLines, java.util.SortedSet<Integer> addedLines) {
        SourceChange asChange() {
            return new SourceChange(path, original, patched, removedLines, addedLines);
        }
    }

    /** One unit's outcome: where it is linked, and the decision for each function and object. */
    public record UnitResult(String unit, String object, List<ObjectDiff.Decision> decisions) {
    }

    /** The result: the module (null when only explaining), its manifest, the unit decisions, and klp symbols. */
    public record Result(Path module, PatchManifest manifest, List<UnitResult> units,
                         List<KlpConverter.Converted> livepatchSymbols, List<String> notes) {
    }

    /** Thrown when the safety rules refuse: every refusal, and the per-unit decisions for {@code --explain}. */
    public static final class Refused extends SutureException {
        private final List<Refusal> refusals;
        private final List<UnitResult> units;

        Refused(List<Refusal> refusals, List<UnitResult> units) {
            super("the fix cannot be live-patched safely:\n" + refusals.stream().map(r -> "  " + r.describe())
                    .collect(Collectors.joining("\n")), refusals.getFirst().remedy());
            this.refusals = refusals;
            this.units = units;
        }

        public List<Refusal> refusals() {
            return refusals;
        }

        public List<UnitResult> units() {
            return units;
        }
    }

    /** Builds from a parsed diff: applies it (in memory) to the kernel's exact source, then builds. */
    public Result build(Path fixPath, SourceDiff diff, Path output, boolean cumulative) throws IOException {
        SourceTree tree = sourceTree();
        PatchedTree applied = diff.apply(tree);
        List<FixFile> files = new ArrayList<>();
        for (PatchedFile f : applied.files()) {
            LineMap map = f.lines();
            files.add(new FixFile(f.path(), f.original(), f.patched(),
                    (from, to) -> map != null && map.patchedLine(from).orElse(-1) == to && from != to,
                    map == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(map.changedOriginalLines()),
                    map == null ? new java.util.TreeSet<>() : new java.util.TreeSet<>(map.changedPatchedLines())));
        }
        return build(fixPath.getFileName().toString(), Files.readString(fixPath, java.nio.charset.StandardCharsets.ISO_8859_1),
                files, output, cumulative);
    }

    private SourceTree sourceTree() {
        return KernelSource.find(kernel).orElseGet(() ->
                new KernelSource(DebianPackageIndex.system(), progress).prepare(kernel));
    }

    public Result build(String fixName, String fixText, List<FixFile> fixFiles, Path output, boolean cumulative)
            throws IOException {
        List<String> units = new ArrayList<>();
        Map<String, String> replaced = new LinkedHashMap<>();
        for (FixFile f : fixFiles) {
            if (f.original() == null) {
                throw new SutureException("the fix adds the file " + f.path() + ", which the running kernel was not built with",
                        "put new code into an existing file of the kernel");
            }
            if (f.patched() == null) {
                throw new SutureException("the fix deletes the file " + f.path(), "a live patch can change code, not remove a file");
            }
            if (f.path().endsWith(".c") && !includedSource(f.path())) {
                units.add(f.path());
            } else if (!f.path().endsWith(".h") && !f.path().endsWith(".c")) {
                throw new SutureException("the fix changes " + f.path() + ", which is neither C source nor a header",
                        "leave build files and documentation out of a live patch");
            }
            replaced.put(f.path(), f.patched());
        }
        SourceTree tree = sourceTree();
        // Layout changes are seen in the source: refuse them before compiling anything.
        List<Refusal> early = SafetyRules.review(fixFiles.stream().map(FixFile::asChange).toList(), List.of());
        if (!early.isEmpty()) {
            throw new Refused(early, List.of());
        }
        Path dir = SutureHome.builds()
                .resolve(PatchBuilder.moduleName(Path.of(fixName)) + "-" + kernel.info().release());
        PatchBuilder.freshDirectory(dir);
        List<String> own = List.copyOf(units);
        Reach reach = unitsReachedByHeaders(tree, fixFiles, units);
        List<FixFile> files = reach.files();
        // Units reached through a header compile from the work directory too, where a changed header next to
        // them (a quoted include) is found before the pristine one.
        files.forEach(f -> replaced.putIfAbsent(f.path(), f.patched()));
        if (units.size() > MAX_HEADER_UNITS) {
            if (!own.isEmpty()) {
                // The fix's own units may already show why it cannot be patched (an exported signature, say).
                Analysis mine = analyse(tree, own, replaced, files, Set.of(), dir);
                List<Refusal> refusals = SafetyRules.review(files.stream().filter(f -> own.contains(f.path()))
                        .map(FixFile::asChange).toList(), mine.reviews());
                if (!refusals.isEmpty()) {
                    throw new Refused(refusals, mine.results());
                }
            }
            throw new SutureException("the header change reaches " + units.size() + " units (more than " + MAX_HEADER_UNITS
                    + "): " + String.join(", ", reach.headers()), "make the change in the .c files that need it, or narrow the header change");
        }
        Analysis analysis = analyse(tree, units, replaced, files, reach.optional(), dir);
        List<UnitResult> results = analysis.results();
        List<UnitWork> work = analysis.work();
        List<Refusal> refusals = SafetyRules.review(files.stream().map(FixFile::asChange).toList(), analysis.reviews());
        if (!refusals.isEmpty()) {
            throw new Refused(refusals, results);
        }
        boolean anyChange = results.stream().flatMap(u -> u.decisions().stream())
                .anyMatch(d -> d.function() && d.change() == ObjectDiff.Change.CHANGED);
        if (!anyChange) {
            throw new SutureException("the fix changes no function's code in " + String.join(", ", units)
                    + " (comments, unused code or only moved lines)", "nothing needs live-patching; see --explain for each function");
        }

        KernelExports exports = KernelExports.of(kernel);
        List<String> notes = new ArrayList<>(analysis.notes());
        List<Replacement> replacements = new ArrayList<>();
        List<PatchManifest.Function> functions = new ArrayList<>();
        Map<String, SymbolResolver.Resolution.Livepatch> placeholders = new LinkedHashMap<>();
        Map<String, KernelSymbols> patchedModules = new LinkedHashMap<>();
        List<KernelSymbol> originals = new ArrayList<>();
        StringBuilder kbuildObjects = new StringBuilder();
        for (int i = 0; i < work.size(); i++) {
            UnitWork w = work.get(i);
            PatchObjectExtractor.Extracted x = new PatchObjectExtractor(w.patched(), w.diff(), w.decisions(), w.symbols(),
                    name -> exports.exporter(name).filter(KernelExports.VMLINUX::equals).isPresent(), "__suture" + i + "_").extract();
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
                OriginalCode code = w.symbols().kernel().originalCode(k);
                functions.add(new PatchManifest.Function(r.object(), k.name(), k.position(), r.newSymbol(),
                        Base64.getEncoder().encodeToString(code.bytes()), code.masked()));
                originals.add(k);
            }
        }
        String name = PatchBuilder.moduleName(Path.of(fixName));
        PatchManifest manifest = new PatchManifest(PatchManifest.FORMAT, name, kernel.info().release(),
                kernel.info().buildId(), Path.of(fixName).getFileName().toString(), PatchBuilder.sha256(fixText),
                Instant.now(), cumulative, functions);
        Files.writeString(dir.resolve("suture_glue.c"), GlueSource.generateForObjects(replacements, manifest));
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\n" + name + "-y := suture_glue.o"
                + kbuildObjects + "\n");
        log.printf("linking %d function%s into %s%n", replacements.size(), replacements.size() == 1 ? "" : "s", name);
        Kbuild.Result make = Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
        Path built = dir.resolve(name + ".ko");
        if (!make.ok() || !Files.isRegularFile(built)) {
            throw new SutureException("linking the patch module failed:\n" + make.output(),
                    "this is a Suture bug; please report it with the diff");
        }
        SymbolResolver resolver = new SymbolResolver(exports, kernelObjects.vmlinux(), patchedModules, List.of(),
                originals, fixName, placeholders);
        ElfFile ko = ElfFile.read(Files.readAllBytes(built));
        List<KlpConverter.Converted> converted = KlpConverter.convert(ko, resolver);
        PatchBuilder.dropDebugInfo(ko);
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        ko.write(tmp);
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(output, manifest, results, converted, notes);
    }

    /**
     * A {@code .c} file no kbuild Makefile of its directory names as an object is not a unit of its own but
     * included by one (kernel/sched/build_utility.c includes psi.c, say): it is handled like a header.
     */
    private boolean includedSource(String path) {
        if (!path.endsWith(".c")) {
            return false;
        }
        Path file = Path.of(path);
        String object = file.getFileName().toString().replaceFirst("\\.c$", ".o");
        Path dir = sourceTree().source().resolve(file.getParent() == null ? "" : file.getParent().toString());
        for (String makefile : List.of("Makefile", "Kbuild")) {
            try {
                Path m = dir.resolve(makefile);
                if (Files.isRegularFile(m) && java.util.regex.Pattern.compile("(^|[\\s=+:])" + java.util.regex.Pattern.quote(object) + "\\b")
                        .matcher(Files.readString(m, java.nio.charset.StandardCharsets.ISO_8859_1)).find()) {
                    return false;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        // No Makefile there at all (a generated or unusual layout): take it as a unit and let kbuild say.
        return Files.isRegularFile(dir.resolve("Makefile")) || Files.isRegularFile(dir.resolve("Kbuild"));
    }

    /** The decisions and reviews of compiled units, and what extraction needs of each. */
    private record Analysis(List<UnitResult> results, List<SafetyRules.UnitReview> reviews, List<UnitWork> work,
                            List<String> notes) {
    }

    /**
     * Compiles the units both ways and compares them. Units reached only through a header ({@code optional})
     * that this kernel does not build (a built-in unit vmlinux lacks, a module it does not ship) are skipped.
     */
    private Analysis analyse(SourceTree tree, List<String> units, Map<String, String> replaced, List<FixFile> files,
                             Set<String> optional, Path dir) throws IOException {
        ObjectDiff.LineShift anyFileMoved = (from, to) -> files.stream().anyMatch(f -> f.lines().moved(from, to));
        log.printf("compiling %s, original and patched, against %s%n", String.join(", ", units), kernel.info().release());
        long t0 = System.nanoTime();
        List<UnitCompiler.Compiled>[] compiled = compileBoth(tree, units, replaced, dir);
        log.printf("compiled in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        SpecialSectionLayout layout = SpecialSectionLayout.of(kernel);
        List<UnitResult> results = new ArrayList<>();
        List<SafetyRules.UnitReview> reviews = new ArrayList<>();
        List<UnitWork> work = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            UnitCompiler.Compiled o = compiled[0].get(i);
            UnitCompiler.Compiled p = compiled[1].get(i);
            FixFile file = files.stream().filter(f -> f.path().equals(o.unit())).findFirst().orElseThrow();
            String object = o.module().orElse(Replacement.VMLINUX);
            if (optional.contains(o.unit()) && !builtBy(object, o.unit(), tree)) {
                notes.add(o.unit() + " includes a changed file but is not built into " + kernel.info().release());
                continue;
            }
            ObjectIndex original = new ObjectIndex(ElfFile.read(Files.readAllBytes(o.object())));
            ObjectIndex patched = new ObjectIndex(ElfFile.read(Files.readAllBytes(p.object())));
            // A line of any changed file may move: a header's WARN is inlined into the units including it.
            ObjectDiff diff = new ObjectDiff(original, patched, layout, anyFileMoved);
            KernelSymbols symbols = kernelObjects.of(object);
            UnitSymbols unitSymbols = new UnitSymbols(symbols, o.unit(), original);
            java.util.function.Predicate<ObjectIndex.Entity> traceable = e -> unitSymbols.find(e).map(symbols::traceable).orElse(false);
            List<ObjectDiff.Decision> decisions = CallerPromotion.apply(diff.decide(), patched, traceable, patched::sectionName);
            results.add(new UnitResult(o.unit(), object, decisions));
            reviews.add(new SafetyRules.UnitReview(file.asChange(), decisions, original, patched, traceable,
                    o.symbolVersions(), p.symbolVersions()));
            work.add(new UnitWork(o.unit(), patched, diff, decisions, unitSymbols));
        }
        log.printf("compared %d unit%s in %.1f s%n", units.size(), units.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9);
        return new Analysis(results, reviews, work, notes);
    }

    /** Whether the kernel links the unit: into vmlinux (a DWARF unit of it), or into a module it ships. */
    private boolean builtBy(String object, String unit, SourceTree tree) {
        if (Replacement.VMLINUX.equals(object)) {
            return includeIndex(tree).isBuiltIn(unit);
        }
        return kernelObjects.hasModule(object);
    }

    /** The kernel's include index, read (or computed) once per build. */
    private dev.suture.kernel.build.IncludeIndex includeIndex(SourceTree tree) {
        if (includeIndex == null) {
            includeIndex = dev.suture.kernel.build.IncludeIndex.of(kernel, tree);
        }
        return includeIndex;
    }

    /** Most units a header change may reach before the build asks for a narrower fix. */
    private static final int MAX_HEADER_UNITS = 200;

    /** The files of the fix plus the units reached through its headers, which of those are optional, and the headers. */
    private record Reach(List<FixFile> files, Set<String> optional, List<String> headers) {
    }

    /**
     * Adds, for every changed header (or included .c file), the units that include it, as unchanged files of
     * the fix, so they are compiled twice and compared like the others: built-in units from the kernel's
     * include index, and for a header outside the include directories the units of its own directory that
     * include it (a module's, too).
     */
    private Reach unitsReachedByHeaders(SourceTree tree, List<FixFile> files, List<String> units) throws IOException {
        List<String> headers = files.stream().map(FixFile::path).filter(p -> p.endsWith(".h") || includedSource(p)).toList();
        if (headers.isEmpty()) {
            return new Reach(files, Set.of(), headers);
        }
        log.printf("finding the units that include %s%n", String.join(", ", headers));
        dev.suture.kernel.build.IncludeIndex index = includeIndex(tree);
        List<FixFile> all = new ArrayList<>(files);
        Set<String> optional = new java.util.LinkedHashSet<>();
        for (String header : headers) {
            java.util.Set<String> reached = new java.util.TreeSet<>(index.unitsIncluding(header));
            if (!header.startsWith("include/") && !header.startsWith("arch/x86/include/")) {
                for (String local : dev.suture.kernel.build.IncludeIndex.localUnitsIncluding(tree.source(), header)) {
                    if (!includedSource(local)) {
                        reached.add(local);
                    }
                }
            }
            if (reached.isEmpty() && units.isEmpty()) {
                throw new SutureException("no unit of " + kernel.info().release() + " includes " + header
                        + " (of " + index.unitCount() + " built-in units and the units of its own directory)",
                        "add to the diff a trivial change (a comment) to each .c file that must be rebuilt");
            }
            for (String unit : reached) {
                if (!units.contains(unit)) {
                    units.add(unit);
                    optional.add(unit);
                    String text = Files.readString(tree.source().resolve(unit), java.nio.charset.StandardCharsets.ISO_8859_1);
                    all.add(new FixFile(unit, text, text, ObjectDiff.LineShift.NONE, new java.util.TreeSet<>(), new java.util.TreeSet<>()));
                }
            }
        }
        return new Reach(all, optional, headers);
    }

    private record UnitWork(String unit, ObjectIndex patched, ObjectDiff diff, List<ObjectDiff.Decision> decisions,
                            UnitSymbols symbols) {
    }

    /** Original and patched compile at the same time, in their own work directories (two cores, two makes). */
    @SuppressWarnings("unchecked")
    private static List<UnitCompiler.Compiled>[] compileBoth(SourceTree tree, List<String> units, Map<String, String> replaced,
                                                             Path dir) {
        var original = CompletableFuture.supplyAsync(() ->
                new UnitCompiler(tree, "original").compilePristine(units, dir.resolve("original")));
        var patched = CompletableFuture.supplyAsync(() ->
                new UnitCompiler(tree, "patched").compile(units, replaced, dir.resolve("patched")));
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
