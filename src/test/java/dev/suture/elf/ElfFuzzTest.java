package dev.suture.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes against the reader, the editing API and the writer (see {@link ElfExerciser} for the
 * contract). A normal test run replays the seeds in {@code ElfFuzzTestInputs/readEditWrite} (small objects, a
 * linked program, a section group, the extended section numbering, broken files, and the {@code found-*} inputs
 * that once failed) in well under a second; with {@code JAZZER_FUZZ=1} Jazzer mutates them for real and writes
 * inputs that fail next to them.
 */
class ElfFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void readEditWrite(byte[] input) {
        ElfExerciser.exercise(input);
    }
}
