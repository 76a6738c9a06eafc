package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.module.BuildOutcome;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture build}: a fix into a livepatch module for one exact kernel. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build a livepatch module for one exact target kernel from a fix: a function file",
                "(replacement functions in C with SUTURE_REPLACE annotations; see suture.h) or a unified diff",
                "against the kernel's source (.diff or .patch, git format-patch mail too)."})
final class BuildCommand implements Callable<Integer> {
    @Option(names = {"-k", "--kernel"}, paramLabel = "RELEASE",
            description = "Target kernel release (default: the newest cloud-amd64; fetched if not cached).")
    String kernel;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.ko", description = "Where to write the module (default: NAME.ko here).")
    Path output;

    @Option(names = "--cumulative", description = "Make an atomic-replace patch that replaces every earlier one.")
    boolean cumulative;

    @Option(names = "--with-module", paramLabel = "PATH.ko",
            description = "An out-of-tree module the fix patches (SUTURE_REPLACE_IN its name). Repeatable.")
    java.util.List<Path> withModules = new java.util.ArrayList<>();

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--explain", description = "Diff mode: print the decision for every function and object of the touched units.")
    boolean explain;

    @Option(names = "--keep-build", description = "Keep the build's work directory (for debugging); it is removed otherwise.")
    boolean keepBuild;

    @Parameters(paramLabel = "FIX", description = "The function file (.c) or source diff (.diff, .patch).")
    Path fix;

    @Override
    public Integer call() throws Exception {
        try {
            return build();
        } catch (SutureException e) {
            if (!json) {
                throw e;
            }
            // --json: every outcome is one document on stdout, an error too; the CLI still reports it on stderr.
            System.out.println(Json.write(new BuildReport.Failure("error", e.getMessage(), e.fix())));
            throw e;
        }
    }

    private int build() throws Exception {
        long start = System.nanoTime();
        FixSource source = FixSource.read(fix);
        if (!source.isDiff() && !source.isFunctionFile()) {
            throw new SutureException(fix + " is neither a function file (.c) nor a source diff (.diff, .patch)",
                    "write the fix as replacement functions in a .c file, or give a unified diff of the kernel source");
        }
        CachedKernel targetKernel = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        Path out = output != null ? output : Path.of(PatchBuild.moduleName(fix) + ".ko");
        PatchBuild build = new PatchBuild(targetKernel, System.err, TerminalProgress.to(System.err)).keepWorkFiles(keepBuild);
        withModules.forEach(build::withModuleFile);
        BuildOutcome outcome = build.build(source, out, cumulative);
        return new BuildReport(source, targetKernel, json, explain).print(outcome, (System.nanoTime() - start) / 1e9);
    }
}
