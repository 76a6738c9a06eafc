package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real objects with bytes changed at random (seeded, so a failure replays): header fields, section headers and
 * symbols set to edge values, bytes flipped, files cut short. Whatever comes out, the reader either rejects it
 * with an {@link ElfFormatException} or everything {@link ElfExerciser} does with it works; nothing hangs.
 */
class ElfMutationTest {
    private static final long SEED = 0x5eed_e1fL;
    private static final int ITERATIONS = 4000;
    private static final long[] EDGES = {0, 1, 2, 3, 7, 8, 24, 63, 64, 0x7f, 0xff, 0x100, 0xfeff, 0xff00, 0xff20,
            0xfff1, 0xfff2, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 1L << 32, Long.MAX_VALUE, -1,
            Long.MIN_VALUE};

    @TempDir
    Path dir;

    private List<byte[]> bases() throws IOException {
        List<byte[]> bases = new ArrayList<>();
        bases.add(Files.readAllBytes(Tools.gcc(dir, "program", Tools.PROGRAM, "-O2", "-g", "-ffunction-sections")));
        bases.add(Files.readAllBytes(Tools.gcc(dir, "plain", Tools.PROGRAM, "-O0")));
        for (String seed : List.of("group.o", "start", "extended.o", "funcs.o")) {
            try (InputStream in = getClass().getResourceAsStream("ElfFuzzTestInputs/readEditWrite/" + seed)) {
                assertThat(in).as(seed).isNotNull();
                bases.add(in.readAllBytes());
            }
        }
        return bases;
    }

    @Test
    void mutatedObjectsAreRejectedCleanlyOrHandledFully() throws IOException {
        List<byte[]> bases = bases();
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            Random random = new Random(SEED);
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] base = bases.get(i % bases.size());
                byte[] mutated = mutate(base, random);
                try {
                    outcomes[ElfExerciser.exercise(mutated) ? 0 : 1]++;
                } catch (Throwable t) {
                    Path saved = Files.write(Files.createTempFile("elf-mutation-" + i + "-", ".bin"), mutated);
                    throw new AssertionError("iteration " + i + " (seed " + SEED + ") failed; input kept in " + saved,
                            t);
                }
            }
        });
        // Both sides of the contract were exercised, not only the rejections.
        assertThat(outcomes[0]).as("inputs that still read").isGreaterThan(ITERATIONS / 10);
        assertThat(outcomes[1]).as("inputs rejected").isGreaterThan(ITERATIONS / 10);
    }

    private static byte[] mutate(byte[] base, Random random) {
        byte[] bytes = base.clone();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = buffer.getLong(0x28);
        int shnum = Short.toUnsignedInt(buffer.getShort(0x3c));
        if (shnum == 0 && shoff > 0 && shoff + 64 <= bytes.length) {
            shnum = (int) buffer.getLong((int) shoff + 32);
        }
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    // A few random bytes anywhere.
                    for (int n = 1 + random.nextInt(8); n > 0; n--) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    // An ELF header field: e_type .. e_shstrndx.
                    int[][] fields = {{16, 2}, {18, 2}, {24, 8}, {32, 8}, {40, 8}, {52, 2}, {54, 2}, {56, 2}, {58, 2},
                            {60, 2}, {62, 2}};
                    int[] field = fields[random.nextInt(fields.length)];
                    put(buffer, field[0], field[1], edge(random, bytes.length));
                }
                case 2, 3 -> {
                    // A section header field.
                    if (shnum > 0 && shoff > 0) {
                        int[][] fields = {{0, 4}, {4, 4}, {8, 8}, {24, 8}, {32, 8}, {40, 4}, {44, 4}, {48, 8}, {56, 8}};
                        int[] field = fields[random.nextInt(fields.length)];
                        long at = shoff + 64L * random.nextInt(shnum) + field[0];
                        if (at + field[1] <= bytes.length) {
                            put(buffer, (int) at, field[1], edge(random, bytes.length));
                        }
                    }
                }
                case 4 -> {
                    // A symbol field, somewhere in the symbol table.
                    int symtab = symtabOffset(buffer, shoff, shnum);
                    if (symtab > 0) {
                        long size = buffer.getLong(sectionField(shoff, symtab, 32));
                        long offset = buffer.getLong(sectionField(shoff, symtab, 24));
                        int[][] fields = {{0, 4}, {4, 1}, {5, 1}, {6, 2}, {8, 8}, {16, 8}};
                        int[] field = fields[random.nextInt(fields.length)];
                        long at = offset + 24L * random.nextInt((int) Math.max(1, size / 24)) + field[0];
                        if (at >= 0 && at + field[1] <= bytes.length) {
                            put(buffer, (int) at, field[1], edge(random, bytes.length));
                        }
                    }
                }
                default -> {
                    // Cut short.
                    return Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
        }
        return bytes;
    }

    private static int sectionField(long shoff, int index, int field) {
        return (int) (shoff + 64L * index + field);
    }

    private static int symtabOffset(ByteBuffer buffer, long shoff, int shnum) {
        for (int i = 0; i < shnum; i++) {
            long at = shoff + 64L * i;
            if (at < 0 || at + 64 > buffer.capacity()) {
                return -1;
            }
            if (buffer.getInt((int) at + 4) == Elf.SHT_SYMTAB) {
                return i;
            }
        }
        return -1;
    }

    private static long edge(Random random, int length) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextLong();
            case 1 -> length + random.nextInt(3) - 1;
            default -> EDGES[random.nextInt(EDGES.length)];
        };
    }

    private static void put(ByteBuffer buffer, int at, int size, long value) {
        switch (size) {
            case 1 -> buffer.put(at, (byte) value);
            case 2 -> buffer.putShort(at, (short) value);
            case 4 -> buffer.putInt(at, (int) value);
            default -> buffer.putLong(at, value);
        }
    }
}
