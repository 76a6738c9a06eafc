package dev.suture.kernel.build;

import dev.suture.kernel.FileTrees;
import dev.suture.Progress;
import dev.suture.kernel.ReleaseLock;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles translation units of a prepared source tree with the kernel's own flags plus
 * {@code -ffunction-sections -fdata-sections} (so each function and object can be compared and extracted on
 * its own), optionally with some files replaced by other text.
 *
 * <p>Replacements never touch the pristine tree: kbuild with {@code O=} finds sources through make's VPATH,
 * looking in the output directory first, so a replaced {@code fs/x.c} (or a header next to it, which its
 * quote includes find first) is written there. Replaced headers under {@code include/} or
 * {@code arch/x86/include/} go to an overlay directory that is searched before the tree's own include
 * directories. Each work directory is a copy of the prepared build directory kept between builds (its first
 * compile builds host tools once; later ones take seconds), used by one build at a time and cleaned of the
 * replaced files and objects afterwards.
 */
public final class UnitCompiler {
    /** The names of the two work directories: one compiles pristine units, the other patched ones. */
    public static final String ORIGINAL = "original";
    public static final String PATCHED = "patched";

    private static final String COMPILE_FLAGS = "-ffunction-sections -fdata-sections";
    /**
     * Where pristine objects are kept beside the prepared build; versioned, so objects compiled before the build's
     * identity was fixed ({@link SourceTree#makeArguments}) are not compared with ones compiled after.
     */
    static final String PRISTINE_OBJECTS = "pristine-objects-2";
    private static final Pattern MODNAME = Pattern.compile("-DKBUILD_MODNAME='\"?([A-Za-z0-9_-]+)\"?'");

    private final SourceTree tree;
    private final Path workDir;

    /**
     * A unit compiled: its object file, the module it is part of (empty: built into vmlinux), and the
     * modversions CRC genksyms computed for each symbol it exports (a changed CRC is a changed signature).
     */
    public record Compiled(String unit, Path object, Optional<String> module, Map<String, String> symbolVersions) {
    }

    /**
     * @param name which of the tree's work directories to use ({@code original}, {@code patched}): builds in
     *             different work directories can run at the same time
     */
    public UnitCompiler(SourceTree tree, String name) {
        this.tree = tree;
        this.workDir = tree.build().resolveSibling("work-" + name);
    }

    /**
     * Compiles {@code units} (paths relative to the source root, {@code .c}) with {@code replaced} files
     * (relative path to text) in place of the tree's, and copies the objects to {@code outputDir}.
     */
    public List<Compiled> compile(List<String> units, Map<String, String> replaced, Path outputDir) {
        return compile(units, replaced, outputDir, false);
    }

    /**
     * The same; with {@code keepGoing}, a unit that does not compile does not stop the others and is left out
     * of the result instead of failing the call.
     */
    private List<Compiled> compile(List<String> units, Map<String, String> replaced, Path outputDir, boolean keepGoing) {
        requireUnits(units);
        List<String> objects = units.stream().map(UnitCompiler::objectOf).toList();
        return withReplaced(replaced, objects, COMPILE_FLAGS, keepGoing, out -> {
            Files.createDirectories(outputDir);
            List<Compiled> compiled = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                Path built = workDir.resolve(objects.get(i));
                if (!Files.isRegularFile(built) && keepGoing) {
                    continue;
                }
                if (!Files.isRegularFile(built)) {
                    throw new SutureException(units.get(i) + " was not compiled:\n" + out,
                            "check that the unit exists in this kernel's source");
                }
                Path copy = outputDir.resolve(objects.get(i).replace('/', '_'));
                Files.copy(built, copy, StandardCopyOption.REPLACE_EXISTING);
                Path commandFile = workDir.resolve(commandFileOf(objects.get(i)));
                compiled.add(new Compiled(units.get(i), copy, moduleOf(commandFile), symbolVersions(commandFile)));
            }
            return compiled;
        });
    }

    /**
     * Preprocesses {@code units} with {@code replaced} files in place (kbuild's own {@code unit.i} target, so each
     * unit gets its directory's flags), without line markers, and moves the texts to {@code outputDir}. A unit that
     * does not preprocess (a file the kernel's config leaves out may not) has no entry: make keeps going past it.
     */
    public Map<String, Path> preprocess(List<String> units, Map<String, String> replaced, Path outputDir) {
        requireUnits(units);
        List<String> texts = units.stream().map(u -> u.substring(0, u.length() - 2) + ".i").toList();
        return withReplaced(replaced, texts, "-P", true, out -> {
            Files.createDirectories(outputDir);
            Map<String, Path> done = new java.util.LinkedHashMap<>();
            for (int i = 0; i < units.size(); i++) {
                Path made = workDir.resolve(texts.get(i));
                if (Files.isRegularFile(made)) {
                    Path moved = outputDir.resolve(texts.get(i).replace('/', '_'));
                    Files.move(made, moved, StandardCopyOption.REPLACE_EXISTING);
                    done.put(units.get(i), moved);
                }
            }
            return done;
        });
    }

    private static void requireUnits(List<String> units) {
        for (String unit : units) {
            if (!unit.endsWith(".c")) {
                throw new IllegalArgumentException("a translation unit is a .c file: " + unit);
            }
        }
    }

    /** What is done with make's output while the replaced files are still in place. */
    private interface AfterMake<T> {
        T with(String makeOutput) throws IOException;
    }

    /**
     * Runs make for {@code targets} in this work directory, under its lock, with the {@code replaced} files
     * written where kbuild finds them first and removed again afterwards, as are the targets (never taken from
     * an earlier run). With {@code keepGoing}, a target that fails does not stop the others nor fail the call.
     */
    private <T> T withReplaced(Map<String, String> replaced, List<String> targets, String flags, boolean keepGoing,
                               AfterMake<T> after) {
        try (ReleaseLock lock = ReleaseLock.acquire(workDir.resolveSibling(workDir.getFileName() + ".lock"),
                "the work directory " + workDir.getFileName(), Progress.plain(System.err))) {
            ensureWorkDir();
            Path overlay = workDir.resolve(".suture-overlay");
            Path ledger = workDir.resolve(".suture-written");
            removeLeftovers(ledger);
            List<String> neighbours = PrivateHeaderNeighbours.of(tree.source(), replaced.keySet());
            List<Path> written = new ArrayList<>();
            for (String f : replaced.keySet()) {
                written.add(isGlobalHeader(f) ? overlay.resolve(f) : workDir.resolve(f));
            }
            neighbours.forEach(n -> written.add(workDir.resolve(n)));
            targets.forEach(t -> written.add(workDir.resolve(t)));
            // Listed before they are written: a run killed before its cleanup leaves a list for the next one, or
            // its replaced files would shadow the tree's for every later build in this work directory.
            dev.suture.Json.writeAtomically(ledger, written.stream().map(Path::toString).toList());
            try {
                for (var e : replaced.entrySet()) {
                    Path at = isGlobalHeader(e.getKey()) ? overlay.resolve(e.getKey()) : workDir.resolve(e.getKey());
                    Files.createDirectories(at.getParent());
                    // with the charset the tree's copy was read with, so a Latin-1 file's strings keep their bytes
                    Files.writeString(at, e.getValue(), SourceText.charsetOf(tree.source().resolve(e.getKey())));
                }
                for (String neighbour : neighbours) {
                    Files.copy(tree.source().resolve(neighbour), workDir.resolve(neighbour), StandardCopyOption.REPLACE_EXISTING);
                }
                for (String t : targets) {
                    Files.deleteIfExists(workDir.resolve(t));
                }
                List<String> make = new ArrayList<>(List.of("make", "-s", "-j" + Runtime.getRuntime().availableProcessors()));
                if (keepGoing) {
                    make.add("-k");
                }
                make.addAll(tree.makeArguments(workDir));
                String includes = privateHeaderDirectories(replaced.keySet());
                if (replaced.keySet().stream().anyMatch(UnitCompiler::isGlobalHeader)) {
                    // The overlay's headers name themselves in __FILE__ (WARN's bug table, fortify's messages) as
                    // the tree's do, relative to the source root, or every inline WARN would look changed.
                    includes += " -fmacro-prefix-map=" + overlay + "/=";
                    make.add("NOSTDINC_FLAGS=-nostdinc -I" + overlay.resolve("arch/x86/include") + " -I" + overlay.resolve("include")
                            + " -I" + overlay.resolve("arch/x86/include/uapi") + " -I" + overlay.resolve("include/uapi"));
                }
                // One make per directory of replaced units, and one for the units compiled from the tree: each
                // names only its own directory by -iquote (see unitDirectory).
                StringBuilder out = new StringBuilder();
                for (var group : byDirectory(targets, replaced.keySet()).entrySet()) {
                    List<String> argv = new ArrayList<>(make);
                    argv.add("KCFLAGS=" + flags + unitDirectory(group.getKey()) + includes);
                    argv.addAll(group.getValue());
                    out.append(keepGoing ? runKeepingGoing(argv) : run(argv));
                }
                return after.with(out.toString());
            } finally {
                for (Path p : written) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(ledger);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes what a killed run listed and wrote into the work directory, then its list. */
    private static void removeLeftovers(Path ledger) throws IOException {
        if (!Files.isRegularFile(ledger)) {
            return;
        }
        for (String p : dev.suture.Json.read(ledger, String[].class)) {
            Files.deleteIfExists(Path.of(p));
        }
        Files.delete(ledger);
    }

    /**
     * The targets by the directory of their replaced unit, in order; the key "" holds the units compiled from the
     * tree as they are.
     */
    static Map<String, List<String>> byDirectory(List<String> targets, java.util.Set<String> replaced) {
        Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        for (String t : targets) {
            String unit = t.substring(0, t.lastIndexOf('.')) + ".c";
            groups.computeIfAbsent(replaced.contains(unit) ? dirOf(unit) : "", k -> new ArrayList<>()).add(t);
        }
        return groups;
    }

    /**
     * For the units of {@code dir} that are replaced (written into the work directory): a quote include is looked
     * up first in the including file's directory, which for them is the work directory, not the tree. kbuild adds
     * {@code -I$(srctree)/$(src)} only for the directory of the Makefile, so a unit below its Makefile
     * ({@code security/selinux/ss/services.c}, built by {@code security/selinux/Makefile}) would lose the headers
     * beside it: {@code -iquote} of the tree's directory brings them back, searched after the unit's own
     * directory, where a replaced neighbour still comes first. Only that directory's units are compiled with it:
     * for a unit of another directory it would come before every {@code -I} of its own ({@code kernel/audit.h}
     * for selinux's {@code hooks.c}, whose {@code "audit.h"} is its include directory's).
     */
    private String unitDirectory(String dir) {
        return dir.isEmpty() ? "" : " -iquote " + tree.source().resolve(dir);
    }

    /**
     * A replaced private header is found beside the units of its own directory, but a unit elsewhere reaches it
     * through a Makefile's {@code -I} ({@code security/selinux/include/security.h} from {@code ss/services.c}):
     * {@code -I} of its work directory comes before the Makefile's (KCFLAGS precede ccflags-y on kbuild's command
     * line). No {@code -iquote} names a header's tree directory: it would come before every {@code -I}, so the
     * pristine header would win, and that directory's other headers would shadow the ones beside a unit
     * ({@code include/conditional.h} over {@code ss/conditional.h}).
     */
    private String privateHeaderDirectories(java.util.Set<String> replaced) {
        return replaced.stream().filter(f -> f.endsWith(".h") && !isGlobalHeader(f) && f.contains("/"))
                .map(UnitCompiler::dirOf).distinct().sorted()
                .map(dir -> " -I " + workDir.resolve(dir))
                .collect(java.util.stream.Collectors.joining());
    }

    private static String dirOf(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    /** What is kept of a pristine unit's compile: the object sits beside it. */
    record CachedUnit(String module, Map<String, String> symbolVersions) {
    }

    /**
     * The pristine units, compiled once per kernel: the unmodified source's objects never change, so they
     * are kept next to the prepared tree and later builds only compile the patched side.
     */
    public List<Compiled> compilePristine(List<String> units, Path outputDir) {
        Path cache = pristineCache();
        try {
            keepPristine(units, false);
            List<Compiled> out = new ArrayList<>();
            Files.createDirectories(outputDir);
            for (String unit : units) {
                Path object = cache.resolve(objectOf(unit));
                CachedUnit info = dev.suture.Json.read(object.resolveSibling(object.getFileName() + ".json"), CachedUnit.class);
                Path copy = outputDir.resolve(objectOf(unit).replace('/', '_'));
                Files.copy(object, copy, StandardCopyOption.REPLACE_EXISTING);
                out.add(new Compiled(unit, copy, Optional.ofNullable(info.module()), info.symbolVersions()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Of {@code units}, those whose unmodified source compiles with this kernel's config (and is kept, as
     * {@link #compilePristine} keeps it). A unit that does not is no part of this kernel: a file of a directory
     * its config builds only in part ({@code fs/proc/nommu.c} beside {@code task_mmu.c}).
     */
    public List<String> compilablePristine(List<String> units) {
        try {
            keepPristine(units, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return units.stream().filter(this::kept).toList();
    }

    /** Whether the pristine cache has the unit's object (its description is written last). */
    private boolean kept(String unit) {
        return Files.isRegularFile(pristineCache().resolve(objectOf(unit) + ".json"));
    }

    private Path pristineCache() {
        return tree.build().resolveSibling(PRISTINE_OBJECTS);
    }

    /** Compiles the units not kept yet into the pristine cache; with {@code keepGoing}, past those that fail. */
    private void keepPristine(List<String> units, boolean keepGoing) throws IOException {
        Path cache = pristineCache();
        List<String> missing = units.stream().filter(u -> !kept(u)).toList();
        if (missing.isEmpty()) {
            return;
        }
        Path fresh = Files.createDirectories(cache.resolve(".fresh"));
        for (Compiled c : compile(missing, Map.of(), fresh, keepGoing)) {
            Path object = cache.resolve(objectOf(c.unit()));
            Files.createDirectories(object.getParent());
            Files.move(c.object(), object, StandardCopyOption.REPLACE_EXISTING);
            Path info = object.resolveSibling(object.getFileName() + ".json");
            dev.suture.Json.writeAtomically(info, new CachedUnit(c.module().orElse(null), c.symbolVersions()));
        }
    }

    /** A header under the global include directories, which a changed copy overrides from the overlay. */
    public static boolean isGlobalHeader(String path) {
        return path.endsWith(".h") && (path.startsWith("include/") || path.startsWith("arch/x86/include/"));
    }

    static String objectOf(String unit) {
        return unit.substring(0, unit.length() - 2) + ".o";
    }

    private static String commandFileOf(String object) {
        Path p = Path.of(object);
        String dotted = "." + p.getFileName() + ".cmd";
        return p.getParent() == null ? dotted : p.getParent().resolve(dotted).toString();
    }

    /** kbuild compiles a unit that is part of a module with -DMODULE and the module's name. */
    static Optional<String> moduleOf(Path commandFile) throws IOException {
        if (!Files.isRegularFile(commandFile)) {
            return Optional.empty();
        }
        String first = Files.readAllLines(commandFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        if (!first.contains(" -DMODULE ")) {
            return Optional.empty();
        }
        Matcher m = MODNAME.matcher(first);
        return m.find() ? Optional.of(m.group(1).replace('-', '_')) : Optional.empty();
    }

    /** kbuild records each exported symbol's CRC in the unit's .cmd file as {@code #SYMVER name 0xCRC}. */
    static Map<String, String> symbolVersions(Path commandFile) throws IOException {
        Map<String, String> versions = new java.util.TreeMap<>();
        if (Files.isRegularFile(commandFile)) {
            for (String line : Files.readAllLines(commandFile, StandardCharsets.UTF_8)) {
                String[] f = line.split("\\s+");
                if (f.length == 3 && f[0].equals("#SYMVER")) {
                    versions.put(f[1], f[2]);
                }
            }
        }
        return versions;
    }

    private void ensureWorkDir() throws IOException {
        if (Files.isRegularFile(workDir.resolve(".config"))) {
            return;
        }
        Path staging = workDir.resolveSibling(workDir.getFileName() + ".staging");
        FileTrees.delete(staging);
        run(List.of("cp", "-a", tree.build().toString(), staging.toString()));
        Files.move(staging, workDir, StandardCopyOption.ATOMIC_MOVE);
    }

    private String run(List<String> argv) throws IOException {
        Process p = OwnedProcesses.start(new ProcessBuilder(argv).directory(workDir.getParent().toFile()).redirectErrorStream(true));
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new CompileFailure(out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while compiling", null, e);
        } finally {
            OwnedProcesses.done(p);
        }
    }

    /** make with -k: what failed shows as missing targets, so its exit status is not an error here. */
    private String runKeepingGoing(List<String> argv) throws IOException {
        try {
            return run(argv);
        } catch (CompileFailure f) {
            return f.output();
        }
    }

    /** make failed: the compiler's own words, for the caller to point at the user's lines. */
    public static final class CompileFailure extends SutureException {
        private final String output;

        CompileFailure(String output) {
            super("the kernel build failed:\n" + tail(output), "correct the diff at the lines the compiler names");
            this.output = output;
        }

        public String output() {
            return output;
        }

        private static String tail(String out) {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        }
    }
}
