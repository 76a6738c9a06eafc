package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.safety.Refusal;
import dev.suture.patch.safety.ReplacedFunctionRules;
import dev.suture.patch.source.Callback;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.patch.source.Replacement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function-file front-end: checks every replaced function against the kernel's symbols by the rule book,
 * and writes the build directory: the fix's own bytes (as read once), the livepatch glue and a Kbuild file.
 * kbuild compiles them in the shared ending.
 */
final class FunctionFileFrontEnd {
    /** The build's copy of the fix, which the glue includes: the bytes hashed into the manifest, no others. */
    private static final String FIX_COPY = "suture_fix_source.c";

    private FunctionFileFrontEnd() {
    }

    static Planned plan(BuildContext context, FixSource source, FunctionFile fix, String name, boolean cumulative)
            throws IOException {
        Map<String, KernelSymbols> objects = new LinkedHashMap<>();
        List<Replacement> checked = new ArrayList<>();
        List<KernelSymbol> originals = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>();
        for (Replacement r : fix.replacements()) {
            KernelSymbols symbols = objects.computeIfAbsent(r.object(), context.objects()::of);
            switch (ReplacedFunctionRules.check(source.fileName(), r.line(), r.object(), r.oldName(), r.position(),
                    r.newName(), symbols)) {
                case ReplacedFunctionRules.Replaceable ok -> {
                    checked.add(new Replacement(r.object(), r.oldName(), ok.original().position(), r.newName(), r.line()));
                    originals.add(ok.original());
                }
                case ReplacedFunctionRules.NotReplaceable no -> refusals.add(no.refusal());
            }
        }
        if (!refusals.isEmpty()) {
            return new Planned.Done(new BuildOutcome.Refused(refusals, List.of()));
        }
        for (Callback c : fix.callbacks()) {
            objects.computeIfAbsent(c.object(), context.objects()::of);  // a module named only by callbacks must exist too
        }
        List<PatchManifest.Function> functions = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            Replacement r = checked.get(i);
            functions.add(ManifestFunctions.of(objects.get(r.object()), originals.get(i), r.object(), r.newName()));
        }
        PatchManifest manifest = ManifestFunctions.manifest(context.kernel(), name, source, cumulative, functions,
                context.fixes());
        writeDirectory(context.dir(), name, source, fix, checked, manifest);
        context.log().printf("compiling %s against %s%n", source.fileName(), context.kernel().info().release());

        Map<String, KernelSymbols> patchedModules = new LinkedHashMap<>(objects);
        patchedModules.remove(Replacement.VMLINUX);
        return new Planned.Ready(new ModulePlan(manifest, source.fileName(), patchedModules, fix.choices(), originals,
                Map.of(), java.util.Set.of(), List.of(), List.of(), output -> compileFailure(fix.path(), output)));
    }

    /**
     * The compiler's messages about the fix; else what the linker or modpost refused (a name defined twice, an
     * export the kernel already has), which the fix's code caused too: Suture's glue is the same for every fix.
     */
    private static SutureException compileFailure(Path fix, String kbuildOutput) {
        List<String> own = CompilerDiagnostics.about(fix, kbuildOutput);
        if (!own.isEmpty()) {
            return new SutureException("the fix does not compile:\n" + String.join("\n", own),
                    "correct the function file at the lines above");
        }
        return new SutureException("building the fix into a module failed:\n" + KbuildFailure.of(kbuildOutput).shown(kbuildOutput),
                "correct the function file: the lines above name what the compiler, linker or modpost refused");
    }

    private static void writeDirectory(Path dir, String name, FixSource source, FunctionFile fix,
                                       List<Replacement> replacements, PatchManifest manifest) throws IOException {
        try (InputStream header = FunctionFileFrontEnd.class.getResourceAsStream("/dev/suture/patch/suture.h")) {
            Files.copy(header, dir.resolve("suture.h"));
        }
        Path shownAs = fix.path().toAbsolutePath().normalize();
        // Under #line the compiler names the user's file; -iquote finds the headers beside it, as if it were there.
        byte[] line = ("#line 1 \"" + dev.suture.patch.CStrings.literal(shownAs.toString()) + "\"\n").getBytes(StandardCharsets.UTF_8);
        byte[] copy = new byte[line.length + source.bytes().length];
        System.arraycopy(line, 0, copy, 0, line.length);
        System.arraycopy(source.bytes(), 0, copy, line.length, source.bytes().length);
        Files.write(dir.resolve(FIX_COPY), copy);
        String beside = shownAs.getParent().toString();
        String iquote = beside.matches("[^\\s$#\"']+") ? " -iquote " + beside : "";
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\nccflags-y := -I$(src)" + iquote + "\n");
        Files.writeString(dir.resolve(name + ".c"),
                GlueSource.generate(dir.resolve(FIX_COPY), shownAs, replacements, fix.callbacks(), manifest));
    }
}
