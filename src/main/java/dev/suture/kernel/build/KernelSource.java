package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.FileTrees;
import dev.suture.Progress;
import dev.suture.kernel.debian.Apt;
import dev.suture.kernel.debian.DebExtractor;
import dev.suture.kernel.debian.DebianPackage;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.debian.Downloader;
import dev.suture.kernel.debian.KernelPackages;
import dev.suture.kernel.debian.KernelRelease;

import dev.suture.Json;
import dev.suture.SutureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fetches and prepares the exact source of a cached kernel: Debian's {@code linux-source-SERIES} of the
 * kernel's own package version, unpacked (xz with all cores), configured from the headers' .config (which
 * carries Debian's BUILD_SALT) with {@code KERNELRELEASE} and gcc-12 on every make, and {@code make prepare}d
 * once into a separate output directory. Kept in the kernel's cache directory as {@code source/}; it is
 * prepared in place (kbuild records absolute paths) and counts as done only once {@code source.json}, written
 * last, is there: an interrupted preparation is started again from scratch.
 */
public final class KernelSource {
    static final String DIR = "source";
    private static final String INFO = "source.json";
    private final DebianPackageIndex index;
    private final Progress progress;

    public KernelSource(DebianPackageIndex index, Progress progress) {
        this.index = index;
        this.progress = progress;
    }

    /** What a prepared tree records about itself; written last. */
    record Info(String release, String version, String sourcePackage) {
    }

    /** The prepared tree, if there is one already. */
    public static Optional<SourceTree> find(CachedKernel kernel) {
        Path dir = kernel.dir().resolve(DIR);
        if (!Files.isRegularFile(dir.resolve(INFO))) {
            return Optional.empty();
        }
        return Optional.of(tree(kernel, dir));
    }

    /** Where a kernel's prepared source lives (whether or not it is there). */
    public static Path dirOf(CachedKernel kernel) {
        return kernel.dir().resolve(DIR);
    }

    /**
     * Removes a kernel's prepared source (with its pristine objects and include index), unless a build is
     * compiling against it now: the unit compiler's work directories are locked while they are used.
     *
     * @return false when a build is using it
     */
    public static boolean remove(CachedKernel kernel) throws java.io.IOException {
        Path dir = dirOf(kernel);
        java.util.List<dev.suture.kernel.ReleaseLock> held = new java.util.ArrayList<>();
        try {
            for (String work : java.util.List.of(UnitCompiler.ORIGINAL, UnitCompiler.PATCHED)) {
                var lock = dev.suture.kernel.ReleaseLock.tryAcquire(dir.resolve("work-" + work + ".lock"));
                if (lock.isEmpty()) {
                    return false;
                }
                held.add(lock.get());
            }
            // Renamed aside first, so a build starting meanwhile finds no half-deleted tree.
            Path aside = dir.resolveSibling("." + DIR + ".removing");
            FileTrees.delete(aside);
            if (java.nio.file.Files.exists(dir)) {
                java.nio.file.Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            FileTrees.delete(aside);
            return true;
        } finally {
            held.forEach(dev.suture.kernel.ReleaseLock::close);
        }
    }

    public SourceTree prepare(CachedKernel kernel) {
        Optional<SourceTree> existing = find(kernel);
        if (existing.isPresent()) {
            progress.say("source of " + kernel.info().release() + " is prepared already");
            return existing.get();
        }
        KernelRelease release = kernel.release();
        KernelPackages packages = index.require(release);
        DebianPackage source = packages.source();
        if (source == null) {
            throw new SutureException("Debian publishes no linux-source-" + release.series() + " of version "
                    + kernel.info().version() + " (the version of " + release + ")",
                    "use a release whose source is published: 'suture kernel list-available' marks them");
        }
        Path staging = kernel.dir().resolve(DIR);
        try {
            FileTrees.delete(staging);
            Files.createDirectories(staging);
            Path deb = staging.resolve(source.name() + ".deb");
            Apt.DownloadUri uri = new Apt().downloadUris(List.of(source)).getFirst();
            new Downloader(progress).download(uri.uri(), deb, uri.size(), uri.sha256(), source.name());
            new DebExtractor(progress).extract(deb, staging, List.of("./usr/src/"), source.installedSize(),
                    "unpacking " + source.name(), false);
            Path tarball = staging.resolve("usr/src/linux-source-" + release.series() + ".tar.xz");
            progress.say("extracting the kernel source (xz on all cores)");
            run(staging, List.of("tar", "-x", "-I", "xz -T0", "-f", tarball.toString()), "install xz-utils and tar");
            FileTrees.delete(staging.resolve("usr"));
            Files.delete(deb);

            Path build = Files.createDirectories(staging.resolve("build"));
            Files.copy(kernel.headersDir().resolve(".config"), build.resolve(".config"), StandardCopyOption.REPLACE_EXISTING);
            SourceTree tree = new SourceTree(release.toString(), kernel.info().version(),
                    staging.resolve("linux-source-" + release.series()), build);
            progress.say("configuring with the target's .config (olddefconfig)");
            make(tree, build, List.of("olddefconfig"));
            progress.say("make prepare (generated headers, host tools, objtool)");
            make(tree, build, List.of("-j" + Runtime.getRuntime().availableProcessors(), "prepare"));
            Json.writeAtomically(staging.resolve(INFO), new Info(release.toString(), kernel.info().version(),
                    source.name() + "=" + source.version()));
            return tree(kernel, staging);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles one translation unit of the tree with the kernel's own flags into {@code outputDir} (a copy of
     * the prepared build directory), leaving the pristine tree and the prepared directory untouched.
     * Returns the object file.
     */
    public static Path compileUnit(SourceTree tree, String unit, Path outputDir) {
        if (!unit.endsWith(".c")) {
            throw new IllegalArgumentException("a translation unit is a .c file: " + unit);
        }
        try {
            if (!Files.exists(outputDir.resolve(".config"))) {
                run(outputDir.getParent(), List.of("cp", "-a", tree.build() + "/.", outputDir.toString()), "install coreutils");
            }
            String object = unit.substring(0, unit.length() - 2) + ".o";
            make(tree, outputDir, List.of(object));
            return outputDir.resolve(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SourceTree tree(CachedKernel kernel, Path dir) {
        return new SourceTree(kernel.info().release(), kernel.info().version(),
                dir.resolve("linux-source-" + kernel.release().series()), dir.resolve("build"));
    }

    private static void make(SourceTree tree, Path outputDir, List<String> targets) throws IOException {
        List<String> argv = new ArrayList<>(List.of("make", "-s"));
        argv.addAll(tree.makeArguments(outputDir));
        argv.addAll(targets);
        run(outputDir, argv, "install the kernel build tools: apt-get install -y make gcc-12 flex bison bc libelf-dev libssl-dev");
    }

    private static void run(Path dir, List<String> argv, String hint) throws IOException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new SutureException("'" + String.join(" ", argv) + "' failed:\n" + tail(out), hint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        }
    }

    private static String tail(String out) {
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
