package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.manifest.Fixes;
import dev.suture.patch.module.BuildOutcome;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * One fix for every kernel a fleet runs: a module per release into {@code DIR/RELEASE/NAME.ko}, each kernel
 * built and reported on its own, so a release the fix does not apply to (or is refused for) does not stop the
 * others. {@code DIR/build.json} records every kernel's outcome; {@code suture apply DIR} picks the module of
 * the kernel a machine runs.
 */
final class MultiBuild {
    /**
     * The record of the whole build, also printed with {@code --json}; {@code fixes} is what the modules' manifests
     * say the fix fixes (the same for every kernel), null when no kernel got a module.
     */
    record Report(String fix, Fixes fixes, List<KernelResult> kernels) {
    }

    /** One kernel's outcome: {@code built}, {@code nothing-to-patch}, {@code refused} or {@code error}. */
    record KernelResult(String release, String outcome, String module, String buildId, List<String> reasons, double seconds) {
    }

    private final FixSource fix;
    private final List<Path> withModules;
    private final boolean cumulative;
    private final boolean keepBuild;
    private final Optional<ModuleSigner> signer;
    private final Fixes given;
    /** What the built modules say they fix, once one is built. */
    private Fixes fixes;

    MultiBuild(FixSource fix, List<Path> withModules, boolean cumulative, boolean keepBuild, Optional<ModuleSigner> signer,
               Fixes given) {
        this.fix = fix;
        this.withModules = withModules;
        this.cumulative = cumulative;
        this.keepBuild = keepBuild;
        this.signer = signer;
        this.given = given;
    }

    /** Builds for each release; exit status 0 only when every kernel got a module. */
    int run(List<String> releases, Path dir, boolean json) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new SutureException("the output " + dir + " is a file; building for several kernels writes a directory",
                    "name a directory: -o " + dir.toString().replaceFirst("\\.ko$", "") + "-modules");
        }
        Files.createDirectories(dir);
        List<KernelResult> results = new ArrayList<>();
        for (String release : new LinkedHashSet<>(releases)) {
            System.err.printf("== %s%n", release);
            results.add(buildOne(release, dir));
        }
        Report report = new Report(fix.fileName(), fixes, results);
        Json.writeAtomically(dir.resolve("build.json"), report);
        if (json) {
            System.out.println(Json.write(report));
        } else {
            TextTable table = new TextTable("KERNEL", "OUTCOME", "MODULE", "WHY");
            results.forEach(r -> table.row(r.release(), r.outcome(), r.module() == null ? "-" : r.module(),
                    r.reasons().isEmpty() ? "" : r.reasons().getFirst().lines().findFirst().orElse("")));
            table.print(System.err);
            if (fixes != null && !fixes.isEmpty()) {
                System.err.println("fixes: " + fixes.describe());
            }
        }
        return results.stream().allMatch(r -> r.outcome().equals("built")) ? 0 : 2;
    }

    private KernelResult buildOne(String release, Path dir) {
        long start = System.nanoTime();
        try {
            CachedKernel kernel = Kernels.resolve(release, TerminalProgress.to(System.err));
            Path out = Files.createDirectories(dir.resolve(kernel.info().release()))
                    .resolve(PatchBuild.moduleName(fix.path()) + ".ko");
            PatchBuild build = new PatchBuild(kernel, System.err, TerminalProgress.to(System.err)).keepWorkFiles(keepBuild)
                    .fixing(given);
            withModules.forEach(build::withModuleFile);
            signer.ifPresent(build::signWith);
            BuildOutcome outcome = build.build(fix, out, cumulative);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (outcome instanceof BuildOutcome.Built b) {
                fixes = b.manifest().fixes();
            }
            return switch (outcome) {
                case BuildOutcome.Built b -> new KernelResult(kernel.info().release(), "built", dir.relativize(b.module()).toString(),
                        kernel.info().buildId(), List.of(), seconds);
                case BuildOutcome.NothingToPatch n -> new KernelResult(kernel.info().release(), "nothing-to-patch", null,
                        kernel.info().buildId(), List.of(n.reason()), seconds);
                case BuildOutcome.Refused r -> new KernelResult(kernel.info().release(), "refused", null,
                        kernel.info().buildId(), r.refusals().stream().map(x -> x.describe()).toList(), seconds);
            };
        } catch (SutureException | IOException e) {
            // One kernel's failure (no such release, a fix that does not apply to its source) is its own row.
            System.err.println("suture: " + release + ": " + e.getMessage());
            return new KernelResult(release, "error", null, null, List.of(String.valueOf(e.getMessage())),
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
