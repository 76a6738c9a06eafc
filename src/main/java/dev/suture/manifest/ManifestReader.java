package dev.suture.manifest;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the manifest a patch module carries in its {@code .suture.manifest} section. */
public final class ManifestReader {
    private ManifestReader() {
    }

    public static PatchManifest read(Path ko) {
        if (!Files.isRegularFile(ko)) {
            throw new SutureException("no such patch module: " + ko, "give the .ko that 'suture build' wrote");
        }
        try {
            ElfFile elf = ElfFile.read(Files.readAllBytes(ko));
            byte[] data = elf.section(PatchManifest.SECTION).orElseThrow(() -> new SutureException(
                    ko + " is not a Suture patch module (it has no " + PatchManifest.SECTION + " section)",
                    "build the fix with 'suture build'")).data();
            int end = 0;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            return Json.MAPPER.readValue(new String(data, 0, end, StandardCharsets.UTF_8), PatchManifest.class);
        } catch (IOException e) {
            throw new SutureException("cannot read the manifest of " + ko + ": " + e.getMessage(),
                    "rebuild the patch module with 'suture build'", e);
        }
    }
}
