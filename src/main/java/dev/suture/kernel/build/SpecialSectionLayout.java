package dev.suture.kernel.build;

import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The numbers of {@link SpecialSections} for one kernel, as that build's own structure definitions give them: a
 * probe compiled once per kernel with kbuild against the kernel's headers, whose answer is kept in the kernel's
 * cache directory.
 *
 * @param entrySizes         entry size by section name; a section the kernel lacks is absent
 * @param bugEntryLineOffset where a bug-table entry keeps its line (the diff lets a WARN's line move)
 * @param lengthFields       by section, the offset of the u8 length field its run-pre mask reads
 */
public record SpecialSectionLayout(Map<String, Integer> entrySizes, int bugEntryLineOffset,
                                   Map<String, Integer> lengthFields) {
    /**
     * The cache file. Its name changes with its shape: {@code special-sections.json} had no length fields, so a
     * kernel cached before is probed again rather than read without them.
     */
    private static final String FILE = "special-sections-2.json";

    /** Sizes and the bug table's line only: enough for the diff and extraction, not for run-pre masks. */
    public SpecialSectionLayout(Map<String, Integer> entrySizes, int bugEntryLineOffset) {
        this(entrySizes, bugEntryLineOffset, Map.of());
    }

    /** The size of one entry of a special section, if it is one this kernel has. */
    public Optional<Integer> entrySize(String section) {
        return Optional.ofNullable(entrySizes.get(section));
    }

    /** The offset of the length field in an entry of a section whose run-pre mask reads one. */
    public int lengthField(String section) {
        Integer offset = lengthFields.get(section);
        if (offset == null) {
            throw new IllegalStateException("no length field of " + section + " in this layout");
        }
        return offset;
    }

    public static SpecialSectionLayout of(CachedKernel kernel) {
        Path cached = kernel.dir().resolve(FILE);
        try {
            if (Files.isRegularFile(cached)) {
                return Json.read(cached, SpecialSectionLayout.class);
            }
            SpecialSectionLayout layout = SpecialSectionProbe.probe(kernel);
            Json.writeAtomically(cached, layout);
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
