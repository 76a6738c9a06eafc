package dev.suture.patch.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.kernel.symbols.OriginalCode;
import dev.suture.manifest.Fixes;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.FixSource;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The manifest a patch module carries, made the same way whichever front-end found the replaced functions. */
final class ManifestFunctions {
    private ManifestFunctions() {
    }

    /**
     * One replaced function, with its original code as built, so apply can check the running kernel has exactly
     * this code (run-pre).
     */
    static PatchManifest.Function of(KernelSymbols symbols, KernelSymbol original, String object, String replacement) {
        OriginalCode code = symbols.originalCode(original);
        return new PatchManifest.Function(object, original.name(), original.position(), replacement,
                Base64.getEncoder().encodeToString(code.bytes()), code.masked());
    }

    /**
     * The manifest: the kernel it is for, the fix it came from (its file name and the hash of its bytes), and what
     * it fixes.
     */
    static PatchManifest manifest(CachedKernel kernel, String name, FixSource fix, boolean cumulative,
                                  List<PatchManifest.Function> functions, Fixes fixes) {
        return new PatchManifest(PatchManifest.FORMAT, name, kernel.info().release(), kernel.info().buildId(),
                fix.fileName(), fix.sha256(), Instant.now(), cumulative, functions, fixes);
    }

    /**
     * The manifest as the module carries it: compact JSON in ASCII alone. The glue's C string writes each character
     * outside ASCII as one byte, which would turn a title's (or a file name's) UTF-8 into something else; JSON's
     * escape of a character by its code reads back as the character itself.
     */
    static String json(PatchManifest manifest) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
