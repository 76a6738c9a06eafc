package dev.suture.patch.module;

import dev.suture.Progress;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.manifest.Fixes;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.patch.source.SourceDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One build pipeline, two front-ends: the fix is read once; a function file or a diff front-end plans the
 * module in the build's own directory (refusing by the rule book, or finding nothing to patch); the shared
 * ending ({@link ModuleLinker}) links, converts and writes it. The result is a value.
 */
public final class PatchBuild {
    /** Longest module name the kernel takes (MODULE_NAME_LEN - 1). */
    private static final int MAX_NAME = 55;

    private final CachedKernel kernel;
    private final PrintStream log;
    private final Progress progress;
    private final KernelObjects objects;
    private boolean keepWorkFiles;
    private ModuleSigner signer;
    private Fixes given = Fixes.NONE;

    public PatchBuild(CachedKernel kernel, PrintStream log) {
        this(kernel, log, Progress.plain(log));
    }

    /** With {@code progress} for the long steps (fetching and preparing the kernel's source). */
    public PatchBuild(CachedKernel kernel, PrintStream log, Progress progress) {
        this.kernel = kernel;
        this.log = log;
        this.progress = progress;
        this.objects = new KernelObjects(kernel);
    }

    /**
     * Makes an out-of-tree module (a vendor driver, a DKMS module) patchable: its {@code .ko}, as loaded on the
     * machines, supplies the symbols that the kernel's own modules tree does not have.
     */
    public PatchBuild withModuleFile(Path ko) {
        objects.addModuleFile(ko);
        return this;
    }

    /** Keeps the build's work directory (for debugging) instead of removing it when the build ends. */
    public PatchBuild keepWorkFiles(boolean keep) {
        this.keepWorkFiles = keep;
        return this;
    }

    /** Build work directories no build is using: kept with {@code --keep-build}, or left by a killed build. */
    public static java.util.List<Path> leftoverWorkDirectories() throws IOException {
        return BuildDirectory.leftovers();
    }

    /** Removes one leftover work directory; false when a build is using it. */
    public static boolean removeLeftover(Path dir) throws IOException {
        return BuildDirectory.removeIfIdle(dir);
    }

    /** Signs every module this build writes (kbuild's sign-file, the kernel's hash algorithm). */
    public PatchBuild signWith(ModuleSigner signer) {
        this.signer = signer;
        return this;
    }

    /**
     * What the user says the fix fixes ({@code build --title}, {@code --cve}): the title replaces the mail's subject,
     * the CVE ids add to those the fix's text names.
     */
    public PatchBuild fixing(Fixes given) {
        this.given = given;
        return this;
    }

    /** {@code suture_} plus the fix's file name, as a module name the kernel accepts. */
    public static String moduleName(Path fix) {
        String base = fix.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String name = "suture_" + base.replaceAll("[^A-Za-z0-9_]", "_");
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    public BuildOutcome build(FixSource fix, Path output, boolean cumulative) throws IOException {
        checkOutput(output);
        String name = moduleName(fix.path());
        try (BuildDirectory dir = BuildDirectory.create(name, kernel.info().release(), keepWorkFiles)) {
            if (keepWorkFiles) {
                log.printf("work files kept in %s%n", dir.path());
            }
            SourceDiff diff = fix.requireKnownKind().isDiff() ? SourceDiff.parse(fix.text(), fix.fileName()) : null;
            Fixes fixes = FixIdentity.of(fix, diff == null ? Optional.empty() : diff.subject()).with(given);
            BuildContext context = new BuildContext(kernel, objects, dir.path(), log, progress, fixes);
            Planned planned = diff != null
                    ? DiffFrontEnd.plan(context, fix, diff, name, cumulative)
                    : FunctionFileFrontEnd.plan(context, fix, FunctionFile.parse(fix.path(), fix.text()), name, cumulative);
            return switch (planned) {
                case Planned.Done done -> done.outcome();
                case Planned.Ready ready -> ModuleLinker.link(kernel, objects, ready.plan(), dir.path(), output, signer);
            };
        }
    }

    /** The output is checked before anything compiles: a build that can only fail at the end is not started. */
    private static void checkOutput(Path output) {
        Path absolute = output.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new SutureException("the output " + output + " is a directory",
                    "name the module file: -o " + absolute.resolve("fix.ko"));
        }
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new SutureException("the output's directory " + parent + " does not exist",
                    "mkdir -p " + parent);
        }
        if (!Files.isWritable(parent)) {
            throw new SutureException("the output's directory " + parent + " is not writable",
                    "choose another -o, or make the directory writable");
        }
    }
}
