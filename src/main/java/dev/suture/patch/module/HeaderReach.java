package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.build.IncludeIndex;
import dev.suture.kernel.build.Makefiles;
import dev.suture.kernel.build.SourceText;
import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.UnitCompiler;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.source.PreprocessedChange;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The units a fix's changed headers (or included {@code .c} files) make the kernel build differently. The
 * include index names every unit that includes a changed file, often hundreds; each of those is preprocessed
 * with the pristine and with the patched headers (kbuild's {@code .i} target, a fraction of a compile), and
 * only the units whose text can change their object ({@link PreprocessedChange}) are compiled and compared. The
 * pristine side is summarized once per kernel ({@link PristineSummaries}), so later fixes preprocess one side.
 */
final class HeaderReach {
    /** Units preprocessed per make run: enough that make's walk of the tree is shared, few enough to report. */
    private static final int BATCH = 128;

    private final SourceTree tree;
    private final IncludeIndex index;
    private final String release;
    private final PrintStream log;
    private final PristineSummaries pristine;

    HeaderReach(SourceTree tree, IncludeIndex index, String release, PrintStream log) {
        this.tree = tree;
        this.pristine = new PristineSummaries(tree);
        this.index = index;
        this.release = release;
        this.log = log;
    }

    /**
     * The files of the fix plus the units its headers change (as unchanged files of the fix, so they are
     * compiled twice and compared like the others), which of those are optional (reached only through a
     * header: skipped when this kernel does not build them), the unchanged units that must be
     * compiled from the work directory (see {@link #copies}), and notes on what was left out.
     */
    record Reach(List<DiffFrontEnd.FixFile> files, List<String> units, Set<String> optional,
                 Map<String, String> copies, List<String> notes) {
    }

    /**
     * @param own      the fix's own units, always compiled
     * @param replaced every file of the fix, path to patched text
     */
    Reach find(List<DiffFrontEnd.FixFile> files, List<String> own, Map<String, String> replaced, Path dir)
            throws IOException {
        List<String> headers = files.stream().map(DiffFrontEnd.FixFile::path)
                .filter(p -> p.endsWith(".h") || Makefiles.isIncludedSource(tree.source(), p)).toList();
        if (headers.isEmpty()) {
            return new Reach(files, own, Set.of(), Map.of(), List.of());
        }
        log.printf("finding the units that include %s%n", String.join(", ", headers));
        Set<String> candidates = new TreeSet<>();
        for (String header : headers) {
            Set<String> reached = index.unitsReachedBy(tree.source(), header);
            if (reached.isEmpty() && own.isEmpty()) {
                throw new SutureException("no unit of " + release + " includes " + header
                        + " (of " + index.unitCount() + " built-in units and the units of its own directory)",
                        "add to the diff a trivial change (a comment) to each .c file that must be rebuilt");
            }
            reached.stream().filter(u -> !own.contains(u)).forEach(candidates::add);
        }
        List<String> notes = new ArrayList<>();
        Map<String, String> copies = copies(candidates, headers);
        Map<String, String> patchedFiles = new java.util.LinkedHashMap<>(replaced);
        patchedFiles.putAll(copies);
        List<String> changed = builtOnes(changedUnits(List.copyOf(candidates), patchedFiles, dir, notes), notes);
        copies.keySet().retainAll(changed);
        List<DiffFrontEnd.FixFile> all = new ArrayList<>(files);
        List<String> units = new ArrayList<>(own);
        for (String unit : changed) {
            units.add(unit);
            String text = SourceText.read(tree.source().resolve(unit)).text();
            all.add(new DiffFrontEnd.FixFile(unit, text, text, ObjectDiff.LineShift.NONE, new TreeSet<>(), new TreeSet<>()));
        }
        return new Reach(all, units, new LinkedHashSet<>(changed), copies, notes);
    }

    /**
     * The changed units less those this kernel does not build: a unit beside a changed private header that
     * vmlinux lacks and whose unmodified source does not even compile with the kernel's config (a directory built
     * only in part: {@code fs/proc/nommu.c}). One that compiles may be part of a module, which the comparison
     * checks.
     */
    private List<String> builtOnes(List<String> changed, List<String> notes) {
        List<String> outside = changed.stream().filter(u -> !index.isBuiltIn(u)).toList();
        if (outside.isEmpty()) {
            return changed;
        }
        List<String> compilable = new UnitCompiler(tree, UnitCompiler.ORIGINAL).compilablePristine(outside);
        List<String> left = outside.stream().filter(u -> !compilable.contains(u)).toList();
        if (left.isEmpty()) {
            return changed;
        }
        notes.add(left.size() + " unit(s) including a changed file are not built with this kernel's config (vmlinux lacks"
                + " them and their own source does not compile): " + shortList(left));
        log.printf("left out %d unit%s this kernel does not build (%s)%n", left.size(), left.size() == 1 ? "" : "s", shortList(left));
        return changed.stream().filter(u -> !left.contains(u)).toList();
    }

    /**
     * The candidates that must be compiled from the work directory, as their own unchanged text: a quoted include
     * looks in the including file's directory first, so a unit at or below a changed header outside the global
     * include directories would find the pristine header beside it in the tree. Every other unit compiles from
     * the tree (a global header's change comes from the overlay), which keeps the quoted-include search of a unit
     * of one directory clear of another directory's same-named header.
     */
    private Map<String, String> copies(Set<String> candidates, List<String> headers) throws IOException {
        List<String> localDirs = headers.stream()
                .filter(h -> !UnitCompiler.isGlobalHeader(h) && h.contains("/"))
                .map(h -> h.substring(0, h.lastIndexOf('/') + 1)).distinct().toList();
        Map<String, String> copies = new java.util.LinkedHashMap<>();
        for (String unit : candidates) {
            if (localDirs.stream().anyMatch(unit::startsWith)) {
                copies.put(unit, SourceText.read(tree.source().resolve(unit)).text());
            }
        }
        return copies;
    }

    /**
     * The candidates whose preprocessed text the fix changes in a way that can reach their object, preprocessed
     * a batch at a time, pristine and patched side by side, each text deleted once compared. The next batch is
     * preprocessed while the last one is compared, on every core: comparing megabytes of text costs as much as
     * preprocessing it.
     */
    private List<String> changedUnits(List<String> candidates, Map<String, String> replaced, Path dir, List<String> notes)
            throws IOException {
        if (candidates.isEmpty()) {
            return List.of();
        }
        log.printf("preprocessing the %d unit%s that include them (the pristine side once per kernel)%n",
                candidates.size(), candidates.size() == 1 ? "" : "s");
        long t0 = System.nanoTime();
        List<String> changed = new ArrayList<>();
        List<String> unbuildable = new ArrayList<>();
        List<String> unpreprocessed = new ArrayList<>();
        Path patched = dir.resolve("preprocessed-" + UnitCompiler.PATCHED);
        CompletableFuture<Preprocessed> next = preprocess(batchAt(candidates, 0), replaced, dir, patched);
        for (int from = 0; from < candidates.size(); from += BATCH) {
            Preprocessed batch = join(next);
            int done = from + batch.units().size();
            next = done < candidates.size() ? preprocess(batchAt(candidates, done), replaced, dir, patched) : null;
            List<Verdict> verdicts = batch.units().parallelStream().map(batch::judge).toList();
            for (int i = 0; i < verdicts.size(); i++) {
                String unit = batch.units().get(i);
                switch (verdicts.get(i)) {
                    case CHANGES -> changed.add(unit);
                    case UNPREPROCESSED -> {
                        changed.add(unit);
                        unpreprocessed.add(unit);
                    }
                    case UNBUILDABLE -> unbuildable.add(unit);
                    case SAME -> { }
                }
            }
            if (done < candidates.size()) {
                log.printf("  preprocessed %d of %d units (%.0f s): %d change%n", done, candidates.size(),
                        (System.nanoTime() - t0) / 1e9, changed.size());
            }
        }
        log.printf("preprocessed %d unit%s in %.1f s: %s%n", candidates.size(), candidates.size() == 1 ? "" : "s",
                (System.nanoTime() - t0) / 1e9,
                changed.isEmpty() ? "the change reaches none of their objects"
                        : changed.size() + " compile differently (" + shortList(changed) + ")");
        if (!unbuildable.isEmpty()) {
            notes.add(unbuildable.size() + " unit(s) including a changed file do not preprocess with this kernel's config: "
                    + shortList(unbuildable));
        }
        if (!unpreprocessed.isEmpty()) {
            notes.add(unpreprocessed.size() + " built-in unit(s) including a changed file do not preprocess on their own"
                    + " (they need headers kbuild generates for their objects) and were compiled: " + shortList(unpreprocessed));
        }
        int unaffected = candidates.size() - changed.size() - unbuildable.size();
        if (unaffected > 0) {
            notes.add(unaffected + " unit(s) include a changed file but compile as before (their preprocessed text"
                    + " differs at most in static inline functions they do not use)");
        }
        return changed;
    }

    private static List<String> batchAt(List<String> candidates, int from) {
        return candidates.subList(from, Math.min(candidates.size(), from + BATCH));
    }

    /** Both sides of a batch, preprocessed at once: the pristine one from the kept summaries where it can. */
    private CompletableFuture<Preprocessed> preprocess(List<String> batch, Map<String, String> replaced, Path dir, Path patched) {
        var before = CompletableFuture.supplyAsync(() -> pristine.summaries(batch, dir));
        var after = CompletableFuture.supplyAsync(() ->
                new UnitCompiler(tree, UnitCompiler.PATCHED).preprocess(batch, replaced, patched));
        return before.thenCombine(after, (a, b) -> new Preprocessed(batch, a, b, index));
    }

    /** What the preprocessed sides say of a unit. */
    private enum Verdict { CHANGES, UNPREPROCESSED, UNBUILDABLE, SAME }

    private record Preprocessed(List<String> units, Map<String, java.util.Optional<PreprocessedChange.Summary>> before,
                                Map<String, Path> after, IncludeIndex index) {
        /** Judges one unit and deletes its patched text; safe to call for several units at once. */
        Verdict judge(String unit) {
            java.util.Optional<PreprocessedChange.Summary> original = before.get(unit);
            Path text = after.get(unit);
            try {
                if (original.isEmpty() && index.isBuiltIn(unit)) {
                    // vmlinux has it, so only preprocessing failed: some units include headers kbuild generates
                    // for their objects only (SELinux's flask.h). Compiling it is the safe answer.
                    return Verdict.UNPREPROCESSED;
                } else if (original.isEmpty()) {
                    return Verdict.UNBUILDABLE;  // neither in vmlinux nor preprocessing: this config never builds it
                } else if (text == null || PreprocessedChange.mayChangeObject(original.get(), read(text))) {
                    return Verdict.CHANGES;  // a patched unit that fails is compiled, so its error is the compiler's
                }
                return Verdict.SAME;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                deleteIfPresent(text);
            }
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1);
    }

    private static void deleteIfPresent(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static String shortList(List<String> units) {
        return units.size() <= 6 ? String.join(", ", units)
                : String.join(", ", units.subList(0, 6)) + " and " + (units.size() - 6) + " more";
    }
}
