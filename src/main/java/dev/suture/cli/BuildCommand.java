package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.module.PatchBuilder;
import dev.suture.patch.source.FunctionFile;
import java.nio.file.Files;
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

    @Parameters(paramLabel = "FIX", description = "The function file (.c) or source diff (.diff, .patch).")
    Path fix;

    /** The JSON form of a finished build. */
    record Built(String module, dev.suture.manifest.PatchManifest manifest, Object livepatchSymbols, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(fix)) {
            throw new SutureException("no such fix: " + fix, "give the path of a function file (.c)");
        }
        if (DiffBuild.isDiff(fix)) {
            return new DiffBuild(kernel, output, cumulative, json, explain).run(fix);
        }
        if (!fix.toString().endsWith(".c")) {
            throw new SutureException(fix + " is neither a function file (.c) nor a source diff (.diff, .patch)",
                    "write the fix as replacement functions in a .c file, or give a unified diff of the kernel source");
        }
        long start = System.nanoTime();
        FunctionFile file = FunctionFile.read(fix);
        CachedKernel targetKernel = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        Path out = output != null ? output : Path.of(PatchBuilder.moduleName(fix) + ".ko");
        PatchBuilder builder = new PatchBuilder(targetKernel, System.err);
        withModules.forEach(builder::withModuleFile);
        PatchBuilder.Result result = builder.build(file, out, cumulative);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            System.out.println(Json.write(new Built(out.toString(), result.manifest(), result.livepatchSymbols(), seconds)));
            return 0;
        }
        for (var f : result.manifest().functions()) {
            System.err.printf("  replaces %s %s (position %d) with %s%n", f.object(), f.name(), f.position(), f.replacement());
        }
        for (var c : file.callbacks()) {
            System.err.printf("  %s callback for %s: %s%n", c.kind().field(), c.object(), c.function());
        }
        for (var sh : file.shadows()) {
            System.err.printf("  shadow variable %s (%s), id 0x%x%n", sh.name(), sh.type(), sh.id());
        }
        for (var s : result.livepatchSymbols()) {
            System.err.printf("  livepatch resolves %s in %s (position %d, %d relocation%s)%n", s.name(), s.object(),
                    s.position(), s.relocations(), s.relocations() == 1 ? "" : "s");
        }
        System.err.printf("built %s for %s in %.1f s%n", out, targetKernel.info().release(), seconds);
        System.out.println(out);
        return 0;
    }
}
