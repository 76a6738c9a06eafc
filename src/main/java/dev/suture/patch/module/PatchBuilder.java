package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.Kbuild;
import dev.suture.SutureHome;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.symbols.OriginalCode;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.Callback;
import dev.suture.patch.source.FunctionFile;
import dev.suture.patch.source.Replacement;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds a patch module from a function file for one target kernel: checks every replaced function against
 * the kernel's symbols, generates the livepatch glue, builds with kbuild against the cached headers, then
 * turns references kbuild could not resolve into livepatch relocations.
 */
public final class PatchBuilder {
    /** Longest module name the kernel takes (MODULE_NAME_LEN - 1). */
    private static final int MAX_NAME = 55;

    private final CachedKernel kernel;
    private final PrintStream log;
    private final KernelObjects kernelObjects;

    public PatchBuilder(CachedKernel kernel, PrintStream log) {
        this.kernel = kernel;
        this.log = log;
        this.kernelObjects = new KernelObjects(kernel);
    }

    /**
     * Makes an out-of-tree module (a vendor driver, a DKMS module) patchable: its {@code .ko}, as loaded on the
     * targets, supplies the symbols that the kernel's own modules tree does not have.
     */
    public PatchBuilder withModuleFile(Path ko) {
        kernelObjects.addModuleFile(ko);
        return this;
    }

    /** The result: where the module is, what it says about itself, and the references livepatch resolves. */
    public record Result(Path module, PatchManifest manifest, List<KlpConverter.Converted> livepatchSymbols) {
    }

    public Result build(FunctionFile fix, Path output, boolean cumulative) throws IOException {
        String name = moduleName(fix.path());
        Map<String, KernelSymbols> objects = new LinkedHashMap<>();
        List<Replacement> checked = new ArrayList<>();
        List<KernelSymbol> originals = new ArrayList<>();
        for (Replacement r : fix.replacements()) {
            KernelSymbols symbols = objects.computeIfAbsent(r.object(), this::symbolsOf);
            KernelSymbol original = checkReplaced(fix, r, symbols);
            checked.add(new Replacement(r.object(), r.oldName(), original.position(), r.newName(), r.line()));
            originals.add(original);
        }
        for (Callback c : fix.callbacks()) {
            objects.computeIfAbsent(c.object(), this::symbolsOf);  // a module named only by callbacks must exist too
        }
        List<PatchManifest.Function> functions = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            Replacement r = checked.get(i);
            // The original code as built, so apply can check the running kernel has exactly this code (run-pre).
            OriginalCode code = objects.get(r.object()).originalCode(originals.get(i));
            functions.add(new PatchManifest.Function(r.object(), r.oldName(), r.position(), r.newName(),
                    java.util.Base64.getEncoder().encodeToString(code.bytes()), code.masked()));
        }
        PatchManifest manifest = new PatchManifest(PatchManifest.FORMAT, name, kernel.info().release(),
                kernel.info().buildId(), fix.path().getFileName().toString(), sha256(fix.source()), Instant.now(),
                cumulative, functions);

        Path dir = SutureHome.builds().resolve(name + "-" + kernel.info().release());
        prepare(dir, name, fix, checked, manifest);
        log.printf("compiling %s against %s%n", fix.path().getFileName(), kernel.info().release());
        Kbuild.Result make = Kbuild.buildModules(kernel, dir, List.of("KBUILD_MODPOST_WARN=1"));
        Path built = dir.resolve(name + ".ko");
        if (!make.ok() || !Files.isRegularFile(built)) {
            List<String> own = CompilerDiagnostics.about(fix.path(), make.output());
            List<String> shown = own.isEmpty() ? CompilerDiagnostics.errors(make.output()) : own;
            throw new SutureException("the fix does not compile:\n" + String.join("\n", shown),
                    "correct the function file at the lines above");
        }

        Map<String, KernelSymbols> patchedModules = new LinkedHashMap<>(objects);
        patchedModules.remove(Replacement.VMLINUX);
        SymbolResolver resolver = new SymbolResolver(KernelExports.of(kernel), vmlinux(), patchedModules,
                fix.choices(), originals, fix.path().getFileName().toString());
        ElfFile ko = ElfFile.read(Files.readAllBytes(built));
        List<KlpConverter.Converted> converted = KlpConverter.convert(ko, resolver);
        dropDebugInfo(ko);
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        ko.write(tmp);
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(output, manifest, converted);
    }

    /**
     * Debug info is most of a module built with the kernel's flags and is never loaded; without it the patch
     * travels to its targets an order of magnitude smaller.
     */
    static void dropDebugInfo(ElfFile ko) {
        // Relocations first: debug sections refer to each other's section symbols.
        for (String prefix : List.of(".rela.debug_", ".debug_")) {
            for (var section : new ArrayList<>(ko.sections())) {
                if (section.name().startsWith(prefix) && ko.indexOf(section) >= 0) {
                    ko.removeSection(section);
                }
            }
        }
    }

    /** {@code suture_} plus the fix's file name, as a module name the kernel accepts. */
    public static String moduleName(Path fix) {
        String base = fix.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        String name = "suture_" + base.replaceAll("[^A-Za-z0-9_]", "_");
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    private KernelSymbol checkReplaced(FunctionFile fix, Replacement r, KernelSymbols symbols) {
        String where = fix.path().getFileName() + ":" + r.line();
        List<KernelSymbol> functions = symbols.named(r.oldName()).stream().filter(KernelSymbol::function).toList();
        if (functions.isEmpty()) {
            throw new SutureException(where + ": " + r.object() + " has no function '" + r.oldName() + "'"
                    + " (closest: " + String.join(", ", symbols.closest(r.oldName(), 5)) + ")",
                    "name a function of the target kernel" + (r.inVmlinux() ? ", or SUTURE_REPLACE_IN(module, ...) for a module" : ""));
        }
        KernelSymbol original;
        if (r.position() == 0) {
            if (functions.size() > 1) {
                String list = functions.stream().map(f -> "  " + f.describe()).collect(Collectors.joining("\n"));
                throw new SutureException(where + ": " + r.object() + " has " + functions.size() + " functions named '"
                        + r.oldName() + "':\n" + list,
                        "pick one: SUTURE_REPLACE_AT(" + r.object() + ", " + r.oldName() + ", POSITION, " + r.newName() + ");");
            }
            original = functions.getFirst();
        } else {
            original = functions.stream().filter(f -> f.position() == r.position()).findFirst().orElseThrow(() ->
                    new SutureException(where + ": position " + r.position() + " of '" + r.oldName() + "' does not exist in "
                            + r.object() + " (it has " + functions.size() + ")",
                            "positions run from 1 to " + functions.size() + "; 0 only for a unique name"));
        }
        if (!symbols.traceable(original)) {
            throw new SutureException(where + ": livepatch cannot redirect " + original.describe()
                    + ": it has no ftrace call site (built notrace or noinstr, e.g. entry or low-level code)",
                    "replace a traceable caller of it instead");
        }
        return original;
    }

    private KernelSymbols symbolsOf(String object) {
        return kernelObjects.of(object);
    }

    private KernelSymbols vmlinux() {
        return kernelObjects.vmlinux();
    }

    private static void prepare(Path dir, String name, FunctionFile fix, List<Replacement> replacements,
                                PatchManifest manifest) throws IOException {
        freshDirectory(dir);
        try (InputStream header = PatchBuilder.class.getResourceAsStream("/dev/suture/patch/suture.h")) {
            Files.copy(header, dir.resolve("suture.h"));
        }
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\nccflags-y := -I$(src)\n");
        Files.writeString(dir.resolve(name + ".c"), GlueSource.generate(fix.path(), replacements, fix.callbacks(), manifest));
    }

    /** An empty build directory, whatever an earlier build left there. */
    static void freshDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
