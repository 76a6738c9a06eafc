package dev.suture.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.ElfFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Reads the manifest a patch module carries in its {@code .suture.manifest} section, and refuses one that apply
 * could not use as it stands: a module file may come from anywhere, and its names end up in paths and shell
 * commands on the machine.
 */
public final class ManifestReader {
    /** A kernel module name (livepatch's too), as the kernel keeps it: MODULE_NAME_LEN is 56 with its NUL. */
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_]{1,55}");
    /** A kernel symbol as kallsyms lists it, e.g. {@code show_val.isra.0}. */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_.]+");

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
            PatchManifest manifest = Json.MAPPER.readValue(new String(data, 0, end, StandardCharsets.UTF_8),
                    PatchManifest.class);
            String problem = problem(manifest);
            if (problem != null) {
                throw new SutureException(ko + " has a broken manifest: " + problem,
                        "rebuild the patch module with this Suture's 'suture build'");
            }
            return manifest;
        } catch (JsonProcessingException e) {
            throw new SutureException("cannot read the manifest of " + ko + ": " + oneLine(e),
                    "rebuild the patch module with 'suture build'", e);
        } catch (IOException e) {
            throw new SutureException("cannot read the manifest of " + ko + ": " + e.getMessage(),
                    "rebuild the patch module with 'suture build'", e);
        }
    }

    /**
     * Jackson's message without its second line (the location, told here as line and column) and with line breaks
     * of quoted input flattened: the CLI shows a cause as one line.
     */
    private static String oneLine(JsonProcessingException e) {
        String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return String.valueOf(e.getOriginalMessage()).replaceAll("[\\r\\n]+", " ").strip() + where;
    }

    /** What makes the manifest unusable, or null. Values found wrong are not quoted: they may be anything. */
    private static String problem(PatchManifest m) {
        if (m == null) {
            return "it is the JSON value null";
        }
        if (m.format() != PatchManifest.FORMAT) {
            return "format " + m.format() + ", this Suture reads format " + PatchManifest.FORMAT;
        }
        if (m.name() == null || !MODULE.matcher(m.name()).matches()) {
            return "its module name is missing or not a module name";
        }
        if (m.release() == null || m.release().isBlank() || m.buildId() == null || m.buildId().isBlank()) {
            return "it does not name its target kernel (release and build id)";
        }
        if (m.functions() == null) {
            return "it has no list of functions";
        }
        for (int i = 0; i < m.functions().size(); i++) {
            PatchManifest.Function f = m.functions().get(i);
            String which = "function " + (i + 1) + " of " + m.functions().size();
            if (f == null || f.object() == null || !MODULE.matcher(f.object()).matches()
                    || f.name() == null || !SYMBOL.matcher(f.name()).matches() || f.position() < 0) {
                return which + " lacks a valid object, name or position";
            }
            if (f.code() != null && (!isBase64(f.code()) || f.mask() == null
                    || f.mask().stream().anyMatch(r -> r == null || r.length != 2 || r[0] < 0 || r[1] < 0))) {
                return which + " (" + f.name() + ") has recorded code without a readable mask of [offset, length] pairs";
            }
        }
        return fixesProblem(m.fixes());
    }

    /**
     * What status, list and a fleet's metrics would show wrongly: an id that is no CVE id (it would be matched
     * against what a user asks for), or a title with control characters (a terminal would run them).
     */
    private static String fixesProblem(Fixes fixes) {
        if (fixes.cves().stream().anyMatch(c -> c == null || !Fixes.CVE.matcher(c).matches())) {
            return "its list of fixed CVEs holds something that is not a CVE id";
        }
        if (fixes.title() != null && fixes.title().chars().anyMatch(Character::isISOControl)) {
            return "the title of its fix holds control characters";
        }
        return null;
    }

    private static boolean isBase64(String text) {
        try {
            Base64.getDecoder().decode(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
