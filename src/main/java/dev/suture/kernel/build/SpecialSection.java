package dev.suture.kernel.build;

/**
 * One row of {@link SpecialSections}: a section the kernel reads for its own purposes rather than as code or data,
 * with every role Suture gives it.
 *
 * @param name      the section's name in an object file or module
 * @param entrySize the C expression of one entry's size, evaluated against the target kernel's own headers (the
 *                  layout changes between releases), or null when the section is not a table of entries
 * @param linkedAs  where vmlinux keeps the table when its linker script merges it into another section: the
 *                  {@code X} of {@code __start_X}/{@code __stop_X}; null when vmlinux keeps the section by name
 * @param site      how an entry's first field points at the code it is about
 * @param runPre    what of that code the run-pre check masks, because the kernel rewrites it
 * @param loadTime  whether the module loader applies the section while the module loads, before livepatch can
 *                  resolve the module's references to another module
 * @param cut       how extraction cuts the section down to what the patch module carries
 */
public record SpecialSection(String name, String entrySize, String linkedAs, Site site, RunPre runPre,
                             boolean loadTime, Cut cut) {

    /** How an entry's first field points at its site. */
    public enum Site {
        /** An s32 offset from the field itself (position-independent tables). */
        RELATIVE,
        /** A 64-bit address. */
        ABSOLUTE,
        /** The entry has no pointer of its own. */
        NONE
    }

    /** What the run-pre check masks at an entry's site: the bytes the kernel rewrites there at boot or load. */
    public sealed interface RunPre {
        /** The kernel only looks the site up (a BUG, a fault fixup, unwind data): nothing is masked. */
        record Untouched() implements RunPre {
        }

        /** An instruction of fixed length: an x86 encoding, not a layout (a 5-byte call or jmp, a lock prefix). */
        record Fixed(int bytes) implements RunPre {
        }

        /**
         * As many bytes as a u8 field of the entry says (the original instruction's length); {@code offsetOf} is
         * that field's C offset expression, probed with the entry sizes.
         */
        record LengthField(String offsetOf) implements RunPre {
        }

        RunPre UNTOUCHED = new Untouched();
    }

    /** How extraction cuts the section. */
    public sealed interface Cut {
        /** Entry by entry: an entry goes along with the function its first field points into. */
        record PerEntry() implements Cut {
        }

        /** Entry by entry without a pointer: entry i goes along with entry i of {@code section} (ORC data). */
        record Parallel(String section) implements Cut {
        }

        /** Like any data: kept whole when what the module carries refers into it, else left out. */
        record Whole() implements Cut {
        }

        Cut PER_ENTRY = new PerEntry();
        Cut WHOLE = new Whole();
    }

    /** Whether the run-pre check masks anything at this section's sites. */
    public boolean masksRunPre() {
        return !(runPre instanceof RunPre.Untouched);
    }

    /** Whether extraction keeps this section's entries one by one (and the diff compares them). */
    public boolean perEntry() {
        return entrySize != null && !(cut instanceof Cut.Whole);
    }
}
